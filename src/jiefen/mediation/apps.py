from django.apps import AppConfig


class MediationConfig(AppConfig):
    name = "jiefen.mediation"
    verbose_name = "诉前调解"
