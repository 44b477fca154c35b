"""The only writers of the webhook rows: subscriptions made and deleted, events collected from
the outbox, deliveries claimed, sent and logged, deliveries sent again.

Collecting (`collect`) reads each append-only source table (`events.SOURCES`) past its cursor,
in id order, and makes one `Delivery` per event and matching subscription of the case's
institution. Ids are taken when a row is inserted but become visible when its transaction
commits, so on PostgreSQL a long transaction can commit rows *below* ids already read. The
cursor therefore never passes a row younger than `JIEFEN_WEBHOOK_SETTLE` seconds: rows after it
are read again on the next run and the unique (subscription, source) key makes that harmless.
Only a transaction open for longer than the settle time could commit events that are missed.

Sending (`deliver_due`) claims due deliveries in a short transaction (`FOR UPDATE SKIP LOCKED`
on PostgreSQL; SQLite's IMMEDIATE transactions serialise the claim) by moving their
`next_attempt_at` past the time a POST can take (a lease), posts them outside any transaction,
then logs the attempt and schedules the next one with exponential backoff. Two workers never
send the same delivery at once; a worker that dies mid-send leaves the lease to expire.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.audit.chain import append
from jiefen.cases import access
from jiefen.webhooks import sender
from jiefen.webhooks.events import EVENTS, PING, SOURCES, Occurrence, Source, iso, payload
from jiefen.webhooks.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    OutboxCursor,
    Subscription,
)
from jiefen.webhooks.signing import new_secret, signature

MAX_SUBSCRIPTIONS = 20  # per institution: more would mean a misconfigured system
CHUNK = 1000  # source rows read per transaction
CLAIM = 50  # deliveries claimed at once
PER_RUN = 2000  # deliveries sent by one run of the periodic job at most
LEASE_MARGIN = 60  # seconds a claim outlives the POST's timeout


class WebhookRefused(Exception):
    """The request cannot be done; the message is for the bank's system (Chinese)."""

    def __init__(self, message: str, *, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def _require(by: User | None, ability: str) -> User:
    reason = access.role_refusal(by, ability)
    if by is None or reason is not None:
        raise WebhookRefused(reason or "须由经办人员操作", status=403)
    return by


def _clean_events(events: Iterable[str] | None) -> list[str]:
    chosen = [str(e).strip() for e in (events or [])]
    unknown = sorted({e for e in chosen if e not in EVENTS})
    if unknown:
        raise WebhookRefused(
            f"未知的事件：{'、'.join(unknown)}（可订阅：{'、'.join(EVENTS)}）",
        )
    return [e for e in EVENTS if e in chosen]  # in the documented order, each once


def _enqueue_run() -> None:
    from jiefen.webhooks.tasks import deliver_webhooks_task

    deliver_webhooks_task.enqueue()


def subscribe(
    *, by: User | None, url: str, events: Iterable[str] | None = None
) -> tuple[Subscription, str]:
    """Register `url` for the events of `by`'s institution; return the row and its secret.

    The secret is returned once; every delivery is signed with it. A `ping` delivery is queued
    at once (and a run of the sender after commit) so the bank sees its receiver work.
    """
    user = _require(by, "webhooks.manage")
    if not access.may_manage_webhooks(user) or user.organisation is None:
        raise WebhookRefused("只有金融机构的经办人或 API 令牌可以登记推送地址", status=403)
    url = url.strip()
    refusal = sender.url_refusal(url, allow_private=settings.JIEFEN_WEBHOOK_ALLOW_PRIVATE)
    if refusal:
        raise WebhookRefused(refusal)
    chosen = _clean_events(events)
    secret = new_secret()
    with transaction.atomic():
        live = Subscription.objects.select_for_update().filter(
            institution=user.organisation, deleted_at=None
        )
        if len(live) >= MAX_SUBSCRIPTIONS:
            raise WebhookRefused(
                f"每个机构最多登记 {MAX_SUBSCRIPTIONS} 个推送地址，请先删除不再使用的地址",
                status=409,
            )
        subscription = Subscription.objects.create(
            institution=user.organisation,
            url=url,
            secret=secret,
            events=chosen,
            created_by=user,
        )
        Delivery.objects.create(
            subscription=subscription,
            event=PING,
            source=f"ping:{subscription.pk}",
            payload={
                "event": PING,
                "occurred_at": iso(subscription.created_at),
                "institution": user.organisation.code,
                "case": None,
                "data": {
                    "subscription": subscription.pk,
                    "events": chosen or list(EVENTS),
                    "message": "推送地址已登记",
                },
            },
            next_attempt_at=subscription.created_at,
        )
        append(
            actor_id=user.pk,
            action="webhooks.subscribe",
            object_type="webhook_subscription",
            object_id=subscription.pk,
            payload={"institution": user.organisation.code, "events": chosen},
        )
        transaction.on_commit(_enqueue_run)
    return subscription, secret


def unsubscribe(subscription: Subscription, *, by: User | None) -> None:
    """Stop sending to `subscription`: its pending deliveries are cancelled, its log is kept."""
    user = _require(by, "webhooks.manage")
    with transaction.atomic():
        row = access.visible_subscriptions(user).select_for_update().get(pk=subscription.pk)
        if row.deleted_at is not None:
            return
        now = timezone.now()
        Subscription.objects.filter(pk=row.pk).update(active=False, deleted_at=now)
        Delivery.objects.filter(subscription=row, state=DeliveryState.PENDING).update(
            state=DeliveryState.CANCELLED, next_attempt_at=None, last_error="推送地址已删除"
        )
        append(
            actor_id=user.pk,
            action="webhooks.unsubscribe",
            object_type="webhook_subscription",
            object_id=row.pk,
            payload={"institution_id": row.institution_id},
        )


def resend(delivery_ids: Sequence[int], *, by: User | None) -> int:
    """Queue these deliveries (of live subscriptions in `by`'s scope) again, with a fresh round
    of attempts; the log keeps the earlier ones. Returns how many were queued."""
    user = _require(by, "webhooks.resend")
    with transaction.atomic():
        ids = list(
            access.visible_deliveries(user)
            .filter(
                pk__in=list(delivery_ids),
                subscription__active=True,
                subscription__deleted_at=None,
            )
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        Delivery.objects.filter(pk__in=ids).update(
            state=DeliveryState.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        append(
            actor_id=user.pk,
            action="webhooks.resend",
            object_type="webhook_delivery",
            object_id=ids[0] if len(ids) == 1 else "",
            payload={"deliveries": ids},
        )
        transaction.on_commit(_enqueue_run)
    return len(ids)


# --- collecting the outbox --------------------------------------------------------------------


def collect(*, now: datetime | None = None, chunk: int = CHUNK) -> int:
    """Make the deliveries of every event past the cursors; returns how many were made."""
    now = now or timezone.now()
    settled = now - timedelta(seconds=settings.JIEFEN_WEBHOOK_SETTLE)
    by_institution: dict[int, list[Subscription]] = defaultdict(list)
    for s in Subscription.objects.filter(active=True, deleted_at=None).select_related(
        "institution"
    ):
        by_institution[s.institution_id].append(s)
    made = 0
    for source in SOURCES:
        wanted = {
            institution: subs
            for institution, subs in by_institution.items()
            if [s for s in subs if any(s.wants(e) for e in source.events)]
        }
        made += _collect(source, wanted, settled=settled, now=now, chunk=chunk)
    return made


def _cursor(name: str) -> OutboxCursor:
    try:
        with transaction.atomic():
            cursor, _ = OutboxCursor.objects.get_or_create(source=name)
    except IntegrityError:  # another worker made it first
        cursor = OutboxCursor.objects.get(source=name)
    return cursor


def _collect(
    source: Source,
    wanted: dict[int, list[Subscription]],
    *,
    settled: datetime,
    now: datetime,
    chunk: int,
) -> int:
    _cursor(source.name)
    made = 0
    scan_from = 0
    blocked = False  # a row younger than the settle time was read: the cursor stays before it
    while True:
        with transaction.atomic():
            cursor = OutboxCursor.objects.select_for_update().get(source=source.name)
            last = cursor.last_id
            rows = []
            if wanted:
                rows = list(
                    source.rows()
                    .filter(
                        pk__gt=max(last, scan_from), **{f"{source.institution}__in": list(wanted)}
                    )
                    .order_by("pk")[:chunk]
                )
            made += _deliveries(source.build(rows), wanted, now=now)
            for row in rows:
                if blocked or getattr(row, source.at) > settled:
                    blocked = True
                else:
                    last = row.pk
            done = len(rows) < chunk
            if done and not blocked:
                # Nothing else to read for any subscription: move over the settled rest.
                quiet = (
                    source.rows()
                    .filter(pk__gt=last, **{f"{source.at}__lte": settled})
                    .order_by("-pk")
                    .values_list("pk", flat=True)
                    .first()
                )
                last = max(last, quiet or 0)
            if last != cursor.last_id:
                cursor.last_id = last
                cursor.save(update_fields=["last_id", "updated_at"])
        if done:
            return made
        scan_from = rows[-1].pk


def _deliveries(
    occurrences: Sequence[Occurrence], wanted: dict[int, list[Subscription]], *, now: datetime
) -> int:
    """The deliveries of these events not made yet (a subscription gets the events that
    happened after it was made)."""
    candidates = [
        Delivery(
            subscription=s,
            event=o.event,
            case_id=o.case.pk,
            source=o.source,
            payload=payload(o, s.institution.code),
            next_attempt_at=now,
        )
        for o in occurrences
        for s in wanted.get(o.case.institution_id, [])
        if s.wants(o.event) and o.occurred_at >= s.created_at
    ]
    if not candidates:
        return 0
    made = set(
        Delivery.objects.filter(
            subscription_id__in={d.subscription_id for d in candidates},
            source__in={d.source for d in candidates},
        ).values_list("subscription_id", "source")
    )
    new = [d for d in candidates if (d.subscription_id, d.source) not in made]
    Delivery.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return len(new)


# --- sending ----------------------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: base × 2^(attempts−1), capped."""
    seconds = settings.JIEFEN_WEBHOOK_BACKOFF * 2 ** max(0, min(attempts - 1, 30))
    return timedelta(seconds=min(seconds, settings.JIEFEN_WEBHOOK_BACKOFF_CAP))


def claim_due(*, now: datetime, limit: int = CLAIM) -> list[Delivery]:
    """Take up to `limit` due deliveries for this worker (their lease: `next_attempt_at`)."""
    lease = now + timedelta(seconds=settings.JIEFEN_WEBHOOK_TIMEOUT + LEASE_MARGIN)
    with transaction.atomic():
        due = Delivery.objects.filter(
            state=DeliveryState.PENDING,
            next_attempt_at__lte=now,
            subscription__active=True,
            subscription__deleted_at=None,
        ).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        claimed = list(due[:limit])
        # Locked (PostgreSQL) or alone in the write transaction (SQLite): all of them are ours.
        Delivery.objects.filter(pk__in=[d.pk for d in claimed]).update(next_attempt_at=lease)
    subscriptions = {
        s.pk: s
        for s in Subscription.objects.filter(
            pk__in={d.subscription_id for d in claimed}
        ).select_related("institution")
    }
    for d in claimed:
        d.next_attempt_at = lease
        d.subscription = subscriptions[d.subscription_id]
    return claimed


def body(delivery: Delivery) -> bytes:
    """The JSON the receiver gets, byte for byte what is signed."""
    document = {"delivery": delivery.pk, **delivery.payload}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def send(delivery: Delivery) -> sender.Outcome:
    """One signed POST of `delivery` to its subscription's URL (no database write)."""
    subscription = delivery.subscription
    refusal = sender.url_refusal(
        subscription.url, allow_private=settings.JIEFEN_WEBHOOK_ALLOW_PRIVATE
    )
    if refusal:
        return sender.Outcome(None, refusal, 0)
    data = body(delivery)
    timestamp = int(timezone.now().timestamp())
    headers = {
        "X-Jiefen-Event": delivery.event,
        "X-Jiefen-Delivery": str(delivery.pk),
        "X-Jiefen-Timestamp": str(timestamp),
        "X-Jiefen-Signature": signature(subscription.secret, timestamp, data),
    }
    return sender.post(subscription.url, data, headers, timeout=settings.JIEFEN_WEBHOOK_TIMEOUT)


def record(delivery: Delivery, outcome: sender.Outcome, *, at: datetime) -> str:
    """Log one attempt and decide what follows: delivered, another attempt later, or failed."""
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery_id=delivery.pk,
            at=at,
            status_code=outcome.status,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )
        row = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if row.state != DeliveryState.PENDING:  # deleted (cancelled) while it was being sent
            return str(row.state)
        row.attempts += 1
        row.last_status = outcome.status
        row.last_error = outcome.error
        if outcome.delivered:
            row.state = DeliveryState.DELIVERED
            row.delivered_at = at
            row.next_attempt_at = None
        elif row.attempts >= settings.JIEFEN_WEBHOOK_MAX_ATTEMPTS:
            row.state = DeliveryState.FAILED
            row.next_attempt_at = None
        else:
            row.next_attempt_at = at + backoff(row.attempts)
        row.save(
            update_fields=[
                "attempts",
                "last_status",
                "last_error",
                "state",
                "delivered_at",
                "next_attempt_at",
            ]
        )
    return str(row.state)


@dataclass
class RunReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    deferred: int = 0  # not tried: their receiver was unreachable earlier in this run
    states: dict[int, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        return {
            "delivered": self.delivered,
            "retrying": self.retrying,
            "failed": self.failed,
            "deferred": self.deferred,
        }


def deliver_due(*, limit: int = PER_RUN) -> RunReport:
    """Send the due deliveries (at most `limit`), one signed POST each, and log every attempt.

    A receiver that cannot be reached (no answer, connection refused) is not tried again in the
    same run: its other claimed deliveries wait for their lease to run out, uncounted.
    """
    report = RunReport()
    unreachable: set[int] = set()
    sent = 0
    while sent < limit:
        batch = claim_due(now=timezone.now(), limit=min(CLAIM, limit - sent))
        if not batch:
            break
        for delivery in batch:
            if delivery.subscription_id in unreachable:
                report.deferred += 1
                continue
            outcome = send(delivery)
            state = record(delivery, outcome, at=timezone.now())
            sent += 1
            report.states[delivery.pk] = state
            if state == DeliveryState.DELIVERED:
                report.delivered += 1
            elif state == DeliveryState.FAILED:
                report.failed += 1
            elif state == DeliveryState.PENDING:
                report.retrying += 1
            if outcome.status is None:
                unreachable.add(delivery.subscription_id)
    return report
