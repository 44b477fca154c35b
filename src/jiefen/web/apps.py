from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "jiefen.web"
    verbose_name = "门户"
