from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "jiefen.referrals"
    verbose_name = "涉嫌犯罪移送与反诈预警"

    def ready(self) -> None:
        # Registers the referral document kinds (移送函, 裁定书) with the documents app.
        from jiefen.referrals import documents  # noqa: F401
