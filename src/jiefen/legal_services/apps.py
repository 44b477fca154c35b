from django.apps import AppConfig


class LegalServicesConfig(AppConfig):
    name = "jiefen.legal_services"
    verbose_name = "法律服务"
