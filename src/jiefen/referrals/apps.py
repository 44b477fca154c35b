from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "jiefen.referrals"
    verbose_name = "涉嫌犯罪移送与反诈预警"
