from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "jiefen.enforcement"
    verbose_name = "执行"
