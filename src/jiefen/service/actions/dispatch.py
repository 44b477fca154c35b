"""Sending the queued attempts that are due, on their channels, set-wise.

An attempt is claimed (`queued` → `sending`) before anything goes out, so two workers never send
the same attempt; then all SMS of the run go to the gateway (500 per request), all e-mails
through SMTP sessions, all mailings to the post, and the portal inbox and public notices are
written here. What each channel answered is recorded on the attempt (and an event); the legal
effect is then decided by `settlement.settle`. A receipt that comes back before the send is
recorded is kept (the attempt is matched by its reference, our attempt id).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from django.db import transaction

from jiefen.documents.actions import DocumentAlreadyIssued, issue_document
from jiefen.notifications import DeliveryResult, Message, send_many
from jiefen.service.actions.common import (
    Law,
    event,
    local_day,
    now_or,
    retry_at,
    save_events,
    update_rows,
)
from jiefen.service.actions.settlement import settle
from jiefen.service.messages import (
    email_subject,
    email_text,
    link_url,
    new_link,
    portal_text,
    post_text,
    public_notice_text,
    sms_text,
)
from jiefen.service.models import AttemptState, Channel, EventKind, ServiceAttempt

WIRED = (Channel.SMS, Channel.EMAIL, Channel.POST)


def claim_due(
    now: datetime, attempt_ids: Sequence[int] | None = None, limit: int = 5000
) -> list[int]:
    """Mark due queued attempts as sending and return their ids (each claimed by one caller).

    The sweep's pass over all due attempts skips rows another worker holds; a job sending its
    own attempts waits for them instead, so none is left behind (a row withdrawn meanwhile no
    longer matches and is not claimed).
    """
    with transaction.atomic():
        due = ServiceAttempt.objects.filter(state=AttemptState.QUEUED, next_attempt_at__lte=now)
        if attempt_ids is not None:
            due = due.filter(pk__in=list(attempt_ids))
        ids = list(
            due.select_for_update(skip_locked=attempt_ids is None, no_key=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        for i in range(0, len(ids), 900):
            ServiceAttempt.objects.filter(pk__in=ids[i : i + 900]).update(
                state=AttemptState.SENDING, next_attempt_at=None
            )
    return ids


def dispatch(
    now: datetime | None = None, *, attempt_ids: Sequence[int] | None = None, law: Law | None = None
) -> int:
    """Send every due queued attempt (of `attempt_ids`, if given); return how many went out."""
    at = now_or(now)
    law = law or Law.load()
    total = 0
    while True:
        ids = claim_due(at, attempt_ids)
        if not ids:
            return total
        for i in range(0, len(ids), 1000):
            _send(ids[i : i + 1000], at, law)
        total += len(ids)
        if attempt_ids is not None:
            return total


def _send(ids: list[int], at: datetime, law: Law) -> None:
    attempts = list(
        ServiceAttempt.objects.filter(pk__in=ids)
        .select_related(
            "service__party",
            "service__packet",
            "service__case__court",
            "service__case__institution",
            "service__case__filing",
        )
        .order_by("pk")
    )
    wired = [a for a in attempts if a.channel in WIRED]
    messages = [_message(a) for a in wired]
    results = send_many(messages) if messages else []
    outcome: dict[int, DeliveryResult] = {a.pk: r for a, r in zip(wired, results, strict=True)}
    events = []
    today = local_day(at)
    for a in attempts:
        a.sent_at = at
        if a.channel == Channel.PORTAL:
            a.state, a.delivered_at = AttemptState.DELIVERED, at
            a.message = portal_text(a.service)
            events.append(
                event(a.service, EventKind.DELIVERED, at, attempt=a, note="文书已放入平台收件箱")
            )
        elif a.channel == Channel.PUBLIC_NOTICE:
            a.state, a.published_on = AttemptState.PUBLISHED, today
            a.message = public_notice_text(a.service)
            events.append(
                event(a.service, EventKind.PUBLISHED, at, attempt=a, note="公告已在本院公告栏发布")
            )
        else:
            r = outcome[a.pk]
            if r.ok:
                a.state, a.provider_id = AttemptState.SENT, r.provider_id[:120]
                events.append(
                    event(
                        a.service,
                        EventKind.SENT,
                        at,
                        attempt=a,
                        note=f"{a.get_channel_display()} {a.address_masked}",
                    )
                )
            else:
                a.state, a.failure = AttemptState.FAILED, r.error[:300]
                a.next_attempt_at = retry_at(a, at, law)
                events.append(event(a.service, EventKind.FAILED, at, attempt=a, note=r.error[:300]))
        a.message_sha256 = hashlib.sha256(a.message.encode()).hexdigest() if a.message else ""
    with transaction.atomic():
        # A receipt may have arrived meanwhile (delivered / failed): never overwrite it. The
        # rows are locked first, in id order (as every action locks them), then written.
        fresh = {
            pk
            for pk, state in ServiceAttempt.objects.select_for_update(no_key=True)
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", "state")
            if state == AttemptState.SENDING
        }
        update_rows(
            [a for a in attempts if a.pk in fresh],
            [
                "state",
                "sent_at",
                "delivered_at",
                "published_on",
                "provider_id",
                "failure",
                "next_attempt_at",
                "message",
                "message_sha256",
                "link_token_sha256",
            ],
        )
        late = [a for a in attempts if a.pk not in fresh]
        for a in late:
            ServiceAttempt.objects.filter(pk=a.pk).update(
                sent_at=a.sent_at,
                provider_id=a.provider_id,
                message=a.message,
                message_sha256=a.message_sha256,
                link_token_sha256=a.link_token_sha256,
            )
        save_events(events)
    for a in attempts:
        if a.channel == Channel.PUBLIC_NOTICE:
            _seal_notice(a, at)
    settle(sorted({a.service_id for a in attempts}), now=at, law=law)


def _seal_notice(attempt: ServiceAttempt, at: datetime) -> None:
    """The sealed 公告 for the case file, with the text the board shows (once per notice)."""
    party = attempt.service.party
    try:
        issue_document(
            attempt.service.case,
            "public_notice",
            recipient={"name": party.name, "party_id": party.pk},
            context={"text": attempt.message},
            by=None,
            issued_on=local_day(at),
            issued_for=f"public_notice:{attempt.pk}",
        )
    except DocumentAlreadyIssued:
        return


def _message(a: ServiceAttempt) -> Message:
    if a.channel == Channel.POST:
        a.message = post_text(a.service)
        return Message(
            "post", a.address, a.message, recipient=a.service.party.name, reference=str(a.pk)
        )
    token, digest = new_link()
    a.link_token_sha256 = digest
    url = link_url(token)
    if a.channel == Channel.SMS:
        a.message = sms_text(a.service, url)
        return Message("sms", a.address, a.message, reference=str(a.pk))
    a.message = email_text(a.service, url)
    return Message(
        "email", a.address, a.message, subject=email_subject(a.service), reference=str(a.pk)
    )
