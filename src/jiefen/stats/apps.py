from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "jiefen.stats"
    verbose_name = "统计"
