from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "jiefen.demo"
    verbose_name = "演示数据"
