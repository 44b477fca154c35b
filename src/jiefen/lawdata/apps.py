from django.apps import AppConfig


class LawdataConfig(AppConfig):
    """Admin-editable law parameters: later LPR fixings, holiday years, provincial wages."""

    name = "jiefen.lawdata"
    verbose_name = "法律参数 (law parameters)"
    default_auto_field = "django.db.models.BigAutoField"
