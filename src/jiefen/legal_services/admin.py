"""Admin pages of legal services: read-only, since only the actions write these rows and the
thread is the record of the advice given."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jiefen.legal_services.models import LegalRequest, Reply


class _ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReplyInline(admin.TabularInline[Reply, LegalRequest]):
    model = Reply
    extra = 0
    can_delete = False
    readonly_fields = ("side", "author", "body", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LegalRequest)
class LegalRequestAdmin(_ReadOnly):
    list_display = ("subject", "institution", "kind", "state", "lawyer", "posted_on", "answer_due")
    list_filter = ("state", "kind", "institution")
    search_fields = ("subject",)
    inlines = [ReplyInline]
