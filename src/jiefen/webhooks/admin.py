"""Admin pages of the webhooks: subscriptions and the delivery log, read only (only the actions
write them), with "send again" on deliveries. Secrets are never shown."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from jiefen.accounts.models import User
from jiefen.webhooks import actions
from jiefen.webhooks.models import Delivery, DeliveryAttempt, Subscription


class _ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(_ReadOnly):
    list_display = ("pk", "institution", "url", "events", "active", "created_at", "deleted_at")
    list_filter = ("active", "institution")
    search_fields = ("url", "institution__name", "institution__code")
    exclude = ("secret",)


class AttemptInline(admin.TabularInline[DeliveryAttempt, Delivery]):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ("at", "status_code", "error", "duration_ms")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(_ReadOnly):
    list_display = (
        "pk",
        "subscription",
        "event",
        "case",
        "state",
        "attempts",
        "last_status",
        "next_attempt_at",
        "delivered_at",
        "created_at",
    )
    list_filter = ("state", "event")
    search_fields = ("subscription__url", "case__case_number", "source")
    list_select_related = ("subscription", "case")
    inlines = [AttemptInline]
    actions = ["resend"]

    @admin.action(description="重新推送所选记录")
    def resend(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        user = request.user if isinstance(request.user, User) else None
        try:
            n = actions.resend(list(queryset.values_list("pk", flat=True)), by=user)
        except actions.WebhookRefused as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"已重新排队推送 {n} 条记录（已删除地址的记录不会推送）")
