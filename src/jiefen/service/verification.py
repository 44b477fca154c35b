"""Re-checking a case's service: every stored file's SHA-256, every seal, every receipt and
message digest, and each proof's embedded evidence bundle against the facts (`verify_service`).
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.dateparse import parse_datetime

from jiefen.cases.models import Case
from jiefen.documents.models import StoredDocument
from jiefen.documents.signing import validate
from jiefen.documents.storage import TamperedFile, read_verified
from jiefen.service.actions.receipts import payload_digest as receipt_digest
from jiefen.service.models import (
    Channel,
    EventKind,
    Service,
    ServiceAttempt,
    ServiceEvent,
    ServiceReceipt,
)
from jiefen.service.proof import (
    BUNDLE_FILE,
    PROOF_KINDS,
    bundle_digest,
    evidence_bundle,
    occasion,
)


@dataclass(frozen=True)
class Check:
    """One verification step: what was checked, whether it holds, and the detail in words.

    `info` marks a note that is not a failure (e.g. service events after the proof).
    """

    what: str
    ok: bool
    detail: str
    info: bool = False


def _file_check(doc: StoredDocument, what: str) -> tuple[Check, bytes | None]:
    label = f"{what}：{doc.title}（{doc.recipient or '—'}，{doc.filename}）"
    try:
        data = read_verified(doc.path, doc.sha256)
    except FileNotFoundError:
        return Check(label, False, "文件缺失"), None
    except TamperedFile as exc:
        return Check(label, False, str(exc)), None
    return Check(label, True, f"SHA-256相符（{doc.sha256[:16]}…）"), data


def _signature_check(doc: StoredDocument, data: bytes) -> Check:
    result = validate(data)
    label = f"电子签章：{doc.title}（{doc.recipient or '—'}）"
    if result.ok:
        signers = "、".join(s.signer for s in result.signatures)
        return Check(label, True, f"签章有效，覆盖全文（{signers}）")
    return Check(label, False, result.error or "签章无效或文件在签章后被改动")


def embedded_bundle(pdf: bytes) -> dict[str, Any] | None:
    """The evidence bundle attached to a proof PDF (None if it has none)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    names = reader.root.get("/Names")
    tree = names.get_object().get("/EmbeddedFiles") if names is not None else None
    stack = [tree.get_object()] if tree is not None else []
    while stack:
        node = stack.pop()
        for kid in node.get("/Kids", []):
            stack.append(kid.get_object())
        pairs = list(node.get("/Names", []))
        for name, spec in zip(pairs[::2], pairs[1::2], strict=True):
            spec = spec.get_object()
            filename = str(spec.get("/UF", spec.get("/F", name)))
            if filename == BUNDLE_FILE or str(name) == BUNDLE_FILE:
                loaded: dict[str, Any] = json.loads(spec["/EF"]["/F"].get_object().data)
                return loaded
    return None


def _later_facts(service: Service, cut: Mapping[str, int]) -> bool:
    """Whether anything was recorded on the service after the bundle's cut."""
    return (
        ServiceAttempt.objects.filter(service=service, pk__gt=cut.get("attempt", 0)).exists()
        or ServiceReceipt.objects.filter(
            attempt__service=service, pk__gt=cut.get("receipt", 0)
        ).exists()
        or ServiceEvent.objects.filter(service=service, pk__gt=cut.get("event", 0))
        .exclude(kind=EventKind.PROOF_ISSUED)
        .exists()
    )


def _differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    labels = {
        "case": "案件信息",
        "party": "受送达人",
        "packet": "送达文书",
        "attempts": "送达记录",
        "result": "送达结果",
        "events": "送达事件",
        "through": "截止记录",
    }
    return [
        labels.get(k, k)
        for k in sorted(set(old) | set(new))
        if k not in ("bundle_sha256", "as_of") and old.get(k) != new.get(k)
    ]


def _bundle_checks(service: Service, doc: StoredDocument, pdf: bytes) -> list[Check]:
    label = f"送达证据包：{doc.title}（{doc.recipient}）"
    try:
        old = embedded_bundle(pdf)
    except (ValueError, KeyError, TypeError) as exc:
        return [Check(label, False, f"凭证所附证据包无法读取：{exc}")]
    if old is None:
        return [Check(label, False, "凭证未附送达证据包")]
    if bundle_digest(old) != old.get("bundle_sha256"):
        return [Check(label, False, "凭证所附证据包与其SHA-256不符")]
    as_of = parse_datetime(str(old.get("as_of") or ""))
    fresh = evidence_bundle(service, as_of=as_of, through=old.get("through") or {})
    checks = [Check(label, True, f"证据包SHA-256 {old['bundle_sha256'][:16]}… 与凭证所附一致")]
    if fresh["bundle_sha256"] != old["bundle_sha256"]:
        changed = "、".join(_differences(old, fresh))
        if _later_facts(service, old.get("through") or {}):
            checks = [
                Check(
                    label,
                    True,
                    f"凭证出具后有新的送达事件（{changed}已更新）；凭证所附为出具时的记录",
                    info=True,
                )
            ]
        else:
            checks = [Check(label, False, f"现存送达记录与凭证所附证据包不符：{changed}")]
    elif _later_facts(service, old.get("through") or {}):
        checks.append(Check(label, True, "凭证出具后有新的送达事件", info=True))
    return checks


def _service_checks(service: Service) -> list[Check]:
    checks: list[Check] = []
    cover = service.packet
    check, data = _file_check(cover, "送达文书")
    checks.append(check)
    if data is not None and cover.signed:
        checks.append(_signature_check(cover, data))
    for member in cover.members.order_by("pk"):
        checks.append(_file_check(member, "送达文书")[0])
    for a in ServiceAttempt.objects.filter(service=service).order_by("pk"):
        if a.message or a.message_sha256:
            ok = hashlib.sha256(a.message.encode()).hexdigest() == a.message_sha256
            checks.append(
                Check(
                    f"送达信息：{Channel(a.channel).label}第{a.try_number}次（{a.address_masked}）",
                    ok,
                    "SHA-256相符" if ok else "送达信息内容与登记的SHA-256不符",
                )
            )
        for r in ServiceReceipt.objects.filter(attempt=a).select_related("document").order_by("pk"):
            checks += _receipt_checks(r)
    for proof in StoredDocument.objects.filter(
        case_id=service.case_id, kind__in=PROOF_KINDS, issued_for=occasion(service)
    ).order_by("pk"):
        check, data = _file_check(proof, "送达凭证")
        checks.append(check)
        if data is not None:
            checks.append(_signature_check(proof, data))
            checks += _bundle_checks(service, proof, data)
    if service.state == Service.State.SERVED and not any(
        c.what.startswith("送达凭证") for c in checks
    ):
        checks.append(
            Check(f"送达凭证：{service.party.name}", True, "已送达，尚未出具送达凭证", info=True)
        )
    return checks


def _receipt_checks(r: ServiceReceipt) -> list[Check]:
    label = f"送达回执：{ServiceReceipt.Source(r.source).label} {r.receipt_id[:24]}"
    if r.source == ServiceReceipt.Source.SCAN:
        if r.document is None:
            return [Check(label, False, "扫描件未登记")]
        checks = [
            Check(
                label,
                r.sha256 == r.document.sha256,
                "回执SHA-256与扫描件一致"
                if r.sha256 == r.document.sha256
                else "回执SHA-256与扫描件不符",
            )
        ]
        checks.append(_file_check(r.document, "回证扫描件")[0])
        return checks
    ok = receipt_digest(r.payload) == r.sha256
    return [
        Check(
            label,
            ok,
            "回执原文SHA-256相符" if ok else "回执原文与接收时登记的SHA-256不符，可能已被改动",
        )
    ]


def verify_case(case: Case) -> list[Check]:
    """Verify every piece of service evidence of `case` (see the module docstring)."""
    services = list(
        Service.objects.filter(case=case).select_related("packet", "party", "case").order_by("pk")
    )
    if not services:
        return [Check("送达记录", False, "本案尚无送达记录")]
    checks: list[Check] = []
    for s in services:
        checks += _service_checks(s)
    return checks
