from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "jiefen.documents"
    verbose_name = "文书"
