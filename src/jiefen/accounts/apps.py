from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jiefen.accounts"
    verbose_name = "机构与用户"

    def ready(self) -> None:
        from jiefen.accounts import signals  # noqa: F401  (connects the login audit receivers)
