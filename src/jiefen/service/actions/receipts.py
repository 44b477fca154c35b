"""Receipts from the SMS gateway and the post office, and the clerk's scanned 回执.

Each receipt is kept as received, with its SHA-256, under a unique (source, receipt id): a
receipt posted twice (gateways deliver at least once) is counted once. The attempts a batch of
receipts refers to are locked first, so two deliveries of the same receipt at the same moment
wait for each other and the second finds it recorded. Matching is by our reference (the attempt
id the gateway echoes), so a receipt that overtakes the recording of its send is not lost.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from jiefen.accounts.models import User
from jiefen.cases.actions import require
from jiefen.service.actions.common import (
    ActionRefused,
    Law,
    audit,
    event,
    retry_at,
    save_events,
    update_rows,
)
from jiefen.service.actions.settlement import settle
from jiefen.service.models import (
    AttemptState,
    Channel,
    EventKind,
    ServiceAttempt,
    ServiceReceipt,
)

OPEN = (AttemptState.SENDING, AttemptState.SENT)


STATUSES: dict[str, tuple[str, ...]] = {
    ServiceReceipt.Source.SMS_GATEWAY: ("delivered", "failed"),
    ServiceReceipt.Source.POSTAL: ("signed", "returned"),
}


@dataclass
class ReceiptCount:
    """What a batch did: new receipts, duplicates, unknown ids, and items refused with why."""

    accepted: int = 0
    duplicates: int = 0
    unknown: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "unknown": self.unknown,
            "invalid": self.invalid,
        }


def invalid_reason(source: str, item: Mapping[str, Any]) -> str | None:
    """Why a receipt item cannot be recorded (field and reason, in Chinese), or None."""
    if not str(item.get("receipt_id") or "").strip():
        return "receipt_id：缺少回执编号"
    if str(item.get("status", "")) not in STATUSES[source]:
        allowed = "、".join(STATUSES[source])
        return f"status：回执状态「{item.get('status', '')}」无效，应为 {allowed}"
    if _reference(item) is None and not (item.get("message_id") or item.get("tracking_number")):
        return "reference：缺少送达记录编号（或 message_id / tracking_number）"
    for key in ("signed_on", "returned_on"):
        if item.get(key) and _day(item[key]) is None:
            return f"{key}：日期「{item[key]}」应为 YYYY-MM-DD"
    return None


def payload_digest(item: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(item, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _when(text: object) -> datetime:
    value = parse_datetime(str(text or "")) if text else None
    if value is None:
        return timezone.now()
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _day(text: object) -> date | None:
    try:
        return date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _reference(item: Mapping[str, Any]) -> int | None:
    ref = str(item.get("reference", ""))
    return int(ref) if ref.isdigit() else None


def record_receipts(
    source: str, items: Iterable[Mapping[str, Any]], *, law: Law | None = None
) -> ReceiptCount:
    """Record a batch of gateway (`sms_gateway`) or postal (`postal`) receipts exactly once."""
    require(None, "service.receive_receipts")
    count = ReceiptCount()
    rows = []
    for n, item in enumerate(items, start=1):
        reason = invalid_reason(source, item)
        if reason:
            count.invalid.append(f"第{n}条回执 {reason}")
        else:
            rows.append(dict(item))
    channel = Channel.SMS if source == ServiceReceipt.Source.SMS_GATEWAY else Channel.POST
    touched: set[int] = set()
    if not rows:
        return count
    law = law or Law.load()  # once per batch: it runs queries and builds the holiday calendar
    with transaction.atomic():
        refs = {r for r in (_reference(i) for i in rows) if r is not None}
        provider = {str(i.get("message_id") or i.get("tracking_number") or "") for i in rows} - {""}
        attempts = {
            a.pk: a
            for a in ServiceAttempt.objects.select_for_update(of=("self",), no_key=True)
            .select_related("service")
            .filter(channel=channel)
            .filter(pk__in=refs)
            .order_by("pk")
        }
        if provider - {a.provider_id for a in attempts.values()}:
            for found in (
                ServiceAttempt.objects.select_for_update(of=("self",), no_key=True)
                .select_related("service")
                .filter(channel=channel, provider_id__in=list(provider))
                .order_by("pk")
            ):
                attempts[found.pk] = found
        by_provider = {a.provider_id: a for a in attempts.values() if a.provider_id}
        seen = set(
            ServiceReceipt.objects.filter(
                source=source, receipt_id__in=[str(i["receipt_id"]) for i in rows]
            ).values_list("receipt_id", flat=True)
        )
        receipts, events, changed = [], [], {}
        for item in rows:
            rid = str(item["receipt_id"])[:120]
            ref = _reference(item)
            a = attempts.get(ref) if ref is not None else None
            a = a or by_provider.get(
                str(item.get("message_id") or item.get("tracking_number") or "")
            )
            if a is None:
                count.unknown.append(rid)
                continue
            if rid in seen:
                count.duplicates += 1
                continue
            seen.add(rid)
            status = str(item.get("status", ""))
            at = _when(item.get("at"))
            receipts.append(
                ServiceReceipt(
                    attempt=a,
                    source=source,
                    receipt_id=rid,
                    status=status[:20],
                    reported_at=at,
                    payload=item,
                    sha256=payload_digest(item),
                )
            )
            events.append(_apply(a, status, item, at, law))
            changed[a.pk] = a
            touched.add(a.service_id)
            count.accepted += 1
        ServiceReceipt.objects.bulk_create(receipts, batch_size=500)
        update_rows(
            list(changed.values()),
            [
                "state",
                "delivered_at",
                "failure",
                "next_attempt_at",
                "signed_on",
                "signer",
                "returned_on",
                "provider_id",
            ],
        )
        save_events(e for e in events if e is not None)
    if touched:
        settle(sorted(touched), law=law)
    return count


def _apply(a: ServiceAttempt, status: str, item: Mapping[str, Any], at: datetime, law: Law) -> Any:
    """Write what one receipt says onto its attempt; return the event (or None)."""
    if not a.provider_id:
        a.provider_id = str(item.get("message_id") or item.get("tracking_number") or "")[:120]
    if status == "delivered":
        if a.state in OPEN:
            a.state = AttemptState.DELIVERED
        a.delivered_at = a.delivered_at or at
        return event(
            a.service,
            EventKind.DELIVERED,
            at,
            attempt=a,
            note=f"短信网关回执：已送达 {a.address_masked}",
        )
    if status == "failed":
        if a.state in OPEN:
            a.state = AttemptState.FAILED
            a.failure = str(item.get("error", "发送失败"))[:300]
            a.next_attempt_at = retry_at(a, at, law)
        return event(a.service, EventKind.FAILED, at, attempt=a, note=f"短信网关回执：{a.failure}")
    if status == "signed":
        a.state, a.signed_on = (
            AttemptState.SIGNED,
            _day(item.get("signed_on")) or timezone.localtime(at).date(),
        )
        a.signer = str(item.get("signer", ""))[:50]
        return event(
            a.service,
            EventKind.SIGNED,
            at,
            attempt=a,
            note=f"邮件 {a.provider_id} 于{a.signed_on}由{a.signer or '收件人'}签收",
        )
    if status == "returned":
        a.state, a.returned_on = (
            AttemptState.RETURNED,
            _day(item.get("returned_on")) or timezone.localtime(at).date(),
        )
        a.failure = str(item.get("returned_reason", "邮件被退回"))[:300]
        return event(
            a.service,
            EventKind.RETURNED,
            at,
            attempt=a,
            note=f"邮件 {a.provider_id} 被退回：{a.failure}",
        )
    return None


def record_scanned_receipt(
    attempt: ServiceAttempt,
    *,
    data: bytes,
    filename: str,
    signed_on: date,
    signer: str,
    by: User,
) -> ServiceReceipt:
    """The clerk scans in a signed paper 回执 for a mailing; it is stored and counts as signed."""
    from jiefen.documents.models import DocumentFormat, RecipientRole, StoredDocument
    from jiefen.documents.storage import store

    require(by, "service.record_receipt", attempt.service.case)
    if attempt.channel != Channel.POST:
        raise ActionRefused("只有邮寄送达可以登记纸质送达回证")
    if signed_on > timezone.localdate():
        raise ActionRefused("签收日期不能晚于今天")
    if not data.startswith(b"%PDF"):
        raise ActionRefused("回证扫描件须为 PDF 文件（扫描仪可直接存为 PDF）")
    digest = hashlib.sha256(data).hexdigest()
    if ServiceReceipt.objects.filter(source=ServiceReceipt.Source.SCAN, receipt_id=digest).exists():
        raise ActionRefused("该扫描件已登记过，不重复登记")
    stored = store(
        data,
        folder=f"{timezone.localdate():%Y}/{attempt.service.case_id}",
        name="送达回证扫描件",
        ext="pdf",
    )
    at = timezone.now()
    with transaction.atomic():
        doc = StoredDocument.objects.create(
            case=attempt.service.case,
            kind="service_receipt_scan",
            title="送达回证（扫描件）",
            format=DocumentFormat.PDF,
            recipient=attempt.service.party.name,
            recipient_role=RecipientRole.COURT,
            party=attempt.service.party,
            path=stored.path,
            sha256=stored.sha256,
            size=stored.size,
            signed=False,
            created_by=by,
        )
        receipt = ServiceReceipt.objects.create(
            attempt=attempt,
            source=ServiceReceipt.Source.SCAN,
            receipt_id=digest,
            status="signed",
            reported_at=at,
            payload={"signed_on": signed_on.isoformat(), "signer": signer, "filename": filename},
            sha256=digest,
            document=doc,
        )
        locked = ServiceAttempt.objects.select_for_update(no_key=True).get(pk=attempt.pk)
        locked.state, locked.signed_on, locked.signer = AttemptState.SIGNED, signed_on, signer[:50]
        locked.save(update_fields=["state", "signed_on", "signer"])
        save_events(
            [
                event(
                    locked.service,
                    EventKind.RECEIPT_UPLOADED,
                    at,
                    attempt=locked,
                    by=by,
                    note=f"书记员登记送达回证：{signed_on}由{signer or '受送达人'}签收（SHA-256 {digest[:16]}…）",
                )
            ]
        )
        audit(
            actor_id=by.pk,
            action="service.record_receipt",
            object_type="service_attempt",
            object_id=attempt.pk,
            payload={"sha256": digest, "signed_on": signed_on.isoformat()},
        )
    settle([attempt.service_id])
    return receipt
