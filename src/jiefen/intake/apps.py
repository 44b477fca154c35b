from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "jiefen.intake"
    verbose_name = "批量导入"
