from django.apps import AppConfig


class DocketConfig(AppConfig):
    name = "jiefen.docket"
    verbose_name = "立案"
