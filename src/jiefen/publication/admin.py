"""Admin page of the publication stage: read-only (the review page and its actions write),
and without the original text, which holds personal data."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jiefen.publication.models import Publication


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin[Any]):
    list_display = ("title", "state", "prepared_on", "reviewed_at")
    list_filter = ("state",)
    exclude = ("original_text", "replacements")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
