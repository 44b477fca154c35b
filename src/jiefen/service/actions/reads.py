"""Evidence that the party read what was served: the link opened, the portal login, a download.

Reading is what makes service to an unconfirmed address effective (在线诉讼规则 Art. 31 (2)), and a
login is the party acting on the platform (Art. 29). Only the first read of an attempt is kept
as its read time; every read is an event.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction

from jiefen.service.actions.common import event, now_or, save_events, update_rows
from jiefen.service.actions.settlement import settle
from jiefen.service.messages import token_sha256
from jiefen.service.models import AttemptState, Channel, EventKind, Service, ServiceAttempt

READABLE = (AttemptState.SENT, AttemptState.DELIVERED, AttemptState.READ)
HOW = {
    "link": "打开送达链接",
    "login": "登录诉讼服务平台",
    "download": "下载送达文书",
    "confirm": "确认送达地址",
}


def attempt_for_link(token: str) -> ServiceAttempt | None:
    if not token or len(token) > 64:
        return None
    return (
        ServiceAttempt.objects.select_related("service__case__court", "service__party")
        .filter(link_token_sha256=token_sha256(token))
        .first()
    )


def record_read(attempt_ids: Sequence[int], how: str, *, now: datetime | None = None) -> int:
    """Record a read on these attempts (first read time kept); return how many were read now."""
    at = now_or(now)
    with transaction.atomic():
        attempts = list(
            ServiceAttempt.objects.select_for_update(of=("self",), no_key=True)
            .select_related("service")
            .filter(pk__in=list(attempt_ids), state__in=READABLE)
            .order_by("pk")
        )
        first = [a for a in attempts if a.read_at is None]
        for a in first:
            a.read_at, a.read_how, a.state = at, HOW[how], AttemptState.READ
        update_rows(first, ["read_at", "read_how", "state"])
        save_events(
            event(
                a.service,
                EventKind.READ,
                at,
                attempt=a,
                note=f"{HOW[how]}（{a.get_channel_display()}）",
            )
            for a in attempts
        )
    services = sorted({a.service_id for a in attempts})
    if services:
        settle(services, now=at)
    return len(first)


def record_party_read(party_id: int, how: str, *, now: datetime | None = None) -> int:
    """The party logged in or downloaded on the portal: a read of their portal deliveries."""
    ids = ServiceAttempt.objects.filter(
        service__party_id=party_id,
        service__state=Service.State.IN_PROGRESS,
        channel=Channel.PORTAL,
        state__in=READABLE,
    ).values_list("pk", flat=True)
    return record_read(list(ids), how, now=now)
