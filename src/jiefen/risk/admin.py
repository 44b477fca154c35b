"""Admin pages of the risk stage: read-only, since only the actions write its rows."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jiefen.risk.models import FeedImport, FeedRecord, Warning


class _ReadOnly(admin.ModelAdmin[Any]):
    """Warnings and feeds are evidence of supervision: staff act through the risk desk."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Warning)
class WarningAdmin(_ReadOnly):
    list_display = ("kind", "subject_name", "score", "state", "assignee", "opened_on", "closed_on")
    list_filter = ("kind", "state")
    search_fields = ("subject_name", "summary")
    exclude = ("cases",)


@admin.register(FeedRecord)
class FeedRecordAdmin(_ReadOnly):
    list_display = ("source", "external_id", "firm_name", "uscc", "division_code", "occurred_on")
    list_filter = ("source",)
    search_fields = ("firm_name", "uscc", "external_id")


@admin.register(FeedImport)
class FeedImportAdmin(_ReadOnly):
    list_display = ("imported_at", "source_name", "imported_by", "rows", "accepted", "unchanged")
