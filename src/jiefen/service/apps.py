from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "jiefen.service"
    verbose_name = "送达"

    def ready(self) -> None:
        from jiefen.service import signals  # noqa: F401  (the portal login counts as a read)
