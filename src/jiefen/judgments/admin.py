"""Admin pages of the decision stage: read-only, since only the actions write decisions."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jiefen.judgments.models import Appeal, Judgment


class _ReadOnly(admin.ModelAdmin[Any]):
    """Decisions and appeals are evidence: staff read them here and act through the pages."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Judgment)
class JudgmentAdmin(_ReadOnly):
    list_display = ("case", "kind", "state", "pronounced_on", "appeal_ends", "effective_on")
    list_filter = ("kind", "state", "default", "reduced_for_cap", "enforceable")
    search_fields = ("case__case_number",)


@admin.register(Appeal)
class AppealAdmin(_ReadOnly):
    list_display = ("judgment", "appellant", "filed_on", "deadline")
    search_fields = ("judgment__case__case_number", "appellant")
