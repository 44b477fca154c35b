from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "jiefen.cases"
    verbose_name = "案件"
