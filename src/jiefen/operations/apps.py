from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "jiefen.operations"
    verbose_name = "运行维护（备份与恢复）"
