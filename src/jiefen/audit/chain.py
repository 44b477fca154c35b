"""Appending to and verifying the hash chain of audit records.

A record's hash is SHA-256 over its canonical JSON (sequence, time, actor, action, object,
payload) and the previous record's hash. Editing, deleting or inserting any row breaks the chain
at that row or the one after it.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jiefen.audit.models import AuditRecord

GENESIS = "0" * 64
# Arbitrary constant naming the PostgreSQL advisory lock that serialises appends.
_CHAIN_LOCK = 7_318_004


def record_hash(
    *,
    seq: int,
    at: datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    payload: dict[str, Any],
    prev_hash: str,
) -> str:
    canonical = json.dumps(
        {
            "seq": seq,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": actor_id,
            "action": action,
            "object": f"{object_type}:{object_id}",
            "payload": payload,
            "prev": prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _lock_chain() -> None:
    # SQLite runs IMMEDIATE transactions (settings.database): the writer already holds the lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])


def append(
    *,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: object,
    payload: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one record. Must run inside the transaction of the action it records."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit records are written inside the action's transaction")
    _lock_chain()
    head = AuditRecord.objects.order_by("-seq").values("seq", "hash").first()
    seq = head["seq"] + 1 if head else 1
    prev_hash = head["hash"] if head else GENESIS
    at = timezone.now()
    clean_payload = json.loads(json.dumps(payload or {}, default=str, ensure_ascii=False))
    fields = {
        "seq": seq,
        "at": at,
        "actor_id": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "payload": clean_payload,
    }
    digest = record_hash(prev_hash=prev_hash, **fields)
    return AuditRecord.objects.create(prev_hash=prev_hash, hash=digest, **fields)


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


def verify(batch_size: int = 5000) -> tuple[int, Break | None]:
    """Recompute the chain; return (records checked, first break or None)."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    with transaction.atomic():
        rows = AuditRecord.objects.order_by("seq").values_list(
            "seq",
            "at",
            "actor_id",
            "action",
            "object_type",
            "object_id",
            "payload",
            "prev_hash",
            "hash",
        )
        for (
            seq,
            at,
            actor_id,
            action,
            object_type,
            object_id,
            payload,
            prev,
            digest,
        ) in rows.iterator(chunk_size=batch_size):
            if seq != expected_seq:
                return checked, Break(
                    seq, f"序号不连续：应为 {expected_seq}，实为 {seq}（有记录被删除或插入）"
                )
            if prev != expected_prev:
                return checked, Break(seq, "前一记录哈希不符（前一记录被改动、删除或在此插入）")
            recomputed = record_hash(
                seq=seq,
                at=at,
                actor_id=actor_id,
                action=action,
                object_type=object_type,
                object_id=object_id,
                payload=payload,
                prev_hash=prev,
            )
            if recomputed != digest:
                return checked, Break(seq, "记录内容与其哈希不符（记录被改动）")
            expected_prev = digest
            expected_seq += 1
            checked += 1
    return checked, None
