from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "jiefen.publication"
    verbose_name = "裁判文书公开"
