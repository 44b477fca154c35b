"""Reads of the webhook rows for the API and the admin, scoped by `jiefen.cases.access`."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from jiefen.cases import access
from jiefen.cases.access import AnyUser
from jiefen.webhooks.models import Delivery, DeliveryAttempt, Subscription


def live_subscriptions(who: AnyUser) -> QuerySet[Subscription]:
    """The subscriptions `who` manages that are not deleted, oldest first."""
    return access.visible_subscriptions(who).filter(deleted_at=None).order_by("created_at", "pk")


def deliveries_of(subscription: Subscription) -> QuerySet[Delivery]:
    """A subscription's delivery log, newest first, with each attempt."""
    return (
        Delivery.objects.filter(subscription=subscription)
        .select_related("case")
        .prefetch_related(Prefetch("log", queryset=DeliveryAttempt.objects.order_by("at", "pk")))
        .order_by("-pk")
    )
