"""Admin pages of hearings: the court administrator keeps the courtrooms; sessions and hearings
are read-only lists (only the scheduler books them, so no edit can double-book)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jiefen.audit.adminlog import AuditedAdmin
from jiefen.hearings.models import Courtroom, Hearing, HearingSession


@admin.register(Courtroom)
class CourtroomAdmin(AuditedAdmin[Courtroom]):
    """A courtroom can be switched off (启用) rather than deleted: sessions keep pointing at it."""

    list_display = ("name", "court", "online", "active")
    list_filter = ("court", "online", "active")
    search_fields = ("name", "court__name")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(HearingSession)
class HearingSessionAdmin(_ReadOnly):
    list_display = ("day", "period", "courtroom", "judge", "series", "capacity", "online", "state")
    list_filter = ("state", "period", "online", "court")
    date_hierarchy = "day"


@admin.register(Hearing)
class HearingAdmin(_ReadOnly):
    list_display = ("case", "starts_at", "position", "session", "state", "default")
    list_filter = ("state", "default")
    search_fields = ("case__case_number",)
