"""Audit records of back-office edits: legal parameters, rosters, court policies, users.

Django's admin logs each add, change and delete through `log_addition`, `log_change` and
`log_deletions` (also for list edits, inline rows, password changes and bulk deletes); the
mixin appends one hash-chained audit record per object there, naming who, which object and
which fields changed. Only field and model names go into the payload, never values (which
may be personal data) nor the object's text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest


def _changes(message: Any) -> list[dict[str, Any]]:
    """The admin's change message reduced to actions, model names and field names."""
    out: list[dict[str, Any]] = []
    for entry in message if isinstance(message, list) else []:
        for kind, info in entry.items():
            item: dict[str, Any] = {"action": kind}
            if "name" in info:
                item["model"] = str(info["name"])
            if "fields" in info:
                item["fields"] = [str(f) for f in info["fields"]]
            out.append(item)
    return out


def _record(request: HttpRequest, action: str, obj: Model, changes: list[dict[str, Any]]) -> None:
    from jiefen.audit.chain import append

    with transaction.atomic():
        append(
            actor_id=getattr(request.user, "pk", None),
            action=f"admin.{action}",
            object_type=obj._meta.label_lower[:40],
            object_id=obj.pk,
            payload={"changes": changes},
        )


class AuditedAdmin[M: Model](admin.ModelAdmin[M]):
    """A ModelAdmin whose every add, change and delete is in the audit chain."""

    def log_addition(self, request: HttpRequest, obj: M, message: Any) -> Any:
        _record(request, "add", obj, _changes(message))
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: M, message: Any) -> Any:
        _record(request, "change", obj, _changes(message))
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Iterable[M]) -> Any:
        for obj in queryset:
            _record(request, "delete", obj, [])
        return super().log_deletions(request, queryset)  # type: ignore[arg-type]
