from django.apps import AppConfig


class JudgmentsConfig(AppConfig):
    name = "jiefen.judgments"
    verbose_name = "裁判文书"
