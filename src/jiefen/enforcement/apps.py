from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "jiefen.enforcement"
    verbose_name = "执行"

    def ready(self) -> None:
        # Registers the stage's document kinds (执行通知书, 裁定书, 收款收据…) with the documents
        # app, so stored documents are labelled before any of them is rendered.
        from jiefen.enforcement import documents  # noqa: F401
