from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "jiefen.scheduling"
    verbose_name = "定时任务"
