from django.apps import AppConfig


class HearingsConfig(AppConfig):
    name = "jiefen.hearings"
    verbose_name = "开庭审理"
