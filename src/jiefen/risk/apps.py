from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "jiefen.risk"
    verbose_name = "风险预警"
