"""Proof of service (送达回证 / 电子送达凭证): the evidence bundle, the sealed proof, verification.

A default judgment rests on proven service (民诉法第一百四十七条): the judge must be able to see
what was served (each document with its SHA-256), where, how, when it took effect and why in the
law's words. `evidence_bundle` gathers those facts as JSON; `issue_proof` prints them on the
court's form — 送达回证 for post and public notice (民诉法第八十七条、第九十一条、第九十五条),
电子送达凭证 for SMS, e-mail and the portal (民诉法第九十条，民诉解释第一百三十五条，在线诉讼规则
第三十三条) — signs it with the court's seal and attaches the bundle inside the PDF.

The bundle describes the facts *as at the proof*: it is cut at the last attempt, receipt and
event recorded then (`through`), so it can be recomputed later and must hash the same.
`verify_case` re-reads every stored file against its SHA-256, validates every signature,
recomputes the receipt and message digests and compares each proof's bundle with a fresh one
(architecture rule 7: evidence is immutable and provably so).

Secret links: an SMS or e-mail carries the party's personal link (/s/<token>/), and opening it
counts as reading (在线诉讼规则第三十一条). A proof goes into the court file, which other people
read, so the token is blanked in the printed text and in the bundle; the message's SHA-256 is
that of the full text as sent, and `verify_case` recomputes it from the stored message.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import CharField, Exists, Max, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from jiefen.accounts.models import User
from jiefen.cases.actions import require
from jiefen.cases.elements import cn_date
from jiefen.cases.models import CaseParty
from jiefen.documents.actions import DocumentAlreadyIssued, issue_document
from jiefen.documents.models import StoredDocument
from jiefen.privacy import mask_id_number
from jiefen.service.actions.common import ActionRefused
from jiefen.service.actions.receipts import payload_digest as receipt_digest
from jiefen.service.models import (
    ELECTRONIC_CHANNELS,
    AttemptState,
    Channel,
    EventKind,
    Service,
    ServiceAttempt,
    ServiceEvent,
    ServiceReceipt,
)

log = logging.getLogger(__name__)

BUNDLE_FORMAT = "jiefen.service.evidence/1"
BUNDLE_FILE = "evidence-bundle.json"
PROOF_KINDS = ("service_proof", "e_service_proof")
_LINK = re.compile(r"/s/[A-Za-z0-9_-]+/?")
LINK_BLANKED = "/s/（个人链接已隐去）/"
RECEIPT_STATUS = {
    "delivered": "已送达",
    "failed": "发送失败",
    "signed": "已签收",
    "returned": "已退回",
}


def occasion(service: Service) -> str:
    """The proof's `issued_for`: one proof per service."""
    return f"service:{service.pk}"


def blank_link(text: str) -> str:
    """The message without the party's secret link token (see the module docstring)."""
    return _LINK.sub(LINK_BLANKED, text)


def canonical(data: Mapping[str, Any]) -> bytes:
    """The bytes a bundle's hash is taken over: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def bundle_digest(bundle: Mapping[str, Any]) -> str:
    return hashlib.sha256(
        canonical({k: v for k, v in bundle.items() if k != "bundle_sha256"})
    ).hexdigest()


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _doc(d: StoredDocument) -> dict[str, Any]:
    return {"id": d.pk, "title": d.title, "kind": d.kind, "sha256": d.sha256, "size": d.size}


def _receipt(r: ServiceReceipt) -> dict[str, Any]:
    return {
        "id": r.pk,
        "source": r.source,
        "source_label": ServiceReceipt.Source(r.source).label,
        "receipt_id": r.receipt_id,
        "status": r.status,
        "reported_at": _iso(r.reported_at),
        "sha256": r.sha256,
        "payload_sha256": receipt_digest(r.payload),
        "document_sha256": r.document.sha256 if r.document_id and r.document else None,
    }


def _attempt(a: ServiceAttempt, receipts: list[ServiceReceipt]) -> dict[str, Any]:
    return {
        "id": a.pk,
        "channel": a.channel,
        "channel_label": Channel(a.channel).label,
        "try": a.try_number,
        "state": a.state,
        "state_label": AttemptState(a.state).label,
        "address_masked": a.address_masked,
        "address_source": a.address_source,
        "address_confirmed": a.address_confirmed,
        "consent_basis": a.consent_basis,
        "message": blank_link(a.message),
        "message_sha256": a.message_sha256,
        "provider_id": a.provider_id,
        "sent_at": _iso(a.sent_at),
        "delivered_at": _iso(a.delivered_at),
        "read_at": _iso(a.read_at),
        "read_how": a.read_how,
        "signed_on": _day(a.signed_on),
        "signer": a.signer,
        "returned_on": _day(a.returned_on),
        "published_on": _day(a.published_on),
        "failure": a.failure,
        "effective": a.effective,
        "served_on": _day(a.served_on),
        "reason": a.reason,
        "receipts": [_receipt(r) for r in receipts],
    }


def _through(service: Service) -> dict[str, int]:
    """The last attempt, receipt and event of the service recorded now (the bundle's cut)."""
    return {
        "attempt": ServiceAttempt.objects.filter(service=service).aggregate(m=Max("pk"))["m"] or 0,
        "receipt": ServiceReceipt.objects.filter(attempt__service=service).aggregate(m=Max("pk"))[
            "m"
        ]
        or 0,
        "event": ServiceEvent.objects.filter(service=service)
        .exclude(kind=EventKind.PROOF_ISSUED)
        .aggregate(m=Max("pk"))["m"]
        or 0,
    }


def evidence_bundle(
    service: Service, *, as_of: datetime | None = None, through: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """Everything a judge checks about the service of `service`, JSON-able, with its SHA-256.

    `through` cuts the bundle at given attempt / receipt / event ids (default: everything
    recorded now); `as_of` is the time the bundle speaks for (default now). The same service,
    cut and time give the same bundle and `bundle_sha256`.
    """
    s = Service.objects.select_related("case__court", "party", "packet", "served_by").get(
        pk=service.pk
    )
    given = through if through is not None else _through(s)
    cut = {k: int(given.get(k) or 0) for k in ("attempt", "receipt", "event")}
    attempts = list(ServiceAttempt.objects.filter(service=s, pk__lte=cut["attempt"]).order_by("pk"))
    receipts: dict[int, list[ServiceReceipt]] = {a.pk: [] for a in attempts}
    for r in (
        ServiceReceipt.objects.filter(attempt__service=s, pk__lte=cut["receipt"])
        .select_related("document")
        .order_by("pk")
    ):
        receipts.setdefault(r.attempt_id, []).append(r)
    events = (
        ServiceEvent.objects.filter(service=s, pk__lte=cut["event"])
        .exclude(kind=EventKind.PROOF_ISSUED)
        .order_by("at", "pk")
    )
    link = CaseParty.objects.filter(case_id=s.case_id, party_id=s.party_id).first()
    case, party, winner = s.case, s.party, s.served_by
    bundle: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "as_of": _iso(as_of or timezone.now()),
        "through": cut,
        "service_id": s.pk,
        "case": {
            "id": case.pk,
            "number": case.case_number or "",
            "type": case.get_case_type_display(),
            "procedure": case.get_procedure_display() if case.procedure else "",
            "court": case.court.name,
            "court_code": case.court.court_code or case.court.code,
        },
        "party": {
            "id": party.pk,
            "name": party.name,
            "id_masked": mask_id_number(party.id_number or ""),
            "role": link.get_role_display() if link else "",
        },
        "packet": {
            **_doc(s.packet),
            "signed": s.packet.signed,
            "members": [_doc(m) for m in s.packet.members.order_by("pk")],
        },
        "attempts": [_attempt(a, receipts.get(a.pk, [])) for a in attempts],
        "result": {
            "state": s.state,
            "served_on": _day(s.served_on),
            "attempt": winner.pk if winner else None,
            "channel": winner.channel if winner else None,
            "channel_label": Channel(winner.channel).label if winner else None,
            "reason": s.reason,
            "answer_ends": _day(s.answer_ends),
            "evidence_ends": _day(s.evidence_ends),
            "reschedule_hearing": s.reschedule_hearing,
        },
        "events": [
            {
                "id": e.pk,
                "at": _iso(e.at),
                "kind": e.kind,
                "kind_label": EventKind(e.kind).label,
                "attempt": e.attempt_id,
                "note": e.note,
            }
            for e in events
        ],
    }
    bundle["bundle_sha256"] = bundle_digest(bundle)
    return bundle


# --- the sealed proof ------------------------------------------------------------------------


def _when(text: str | None) -> str:
    """2025-07-03T09:30:12+08:00 → 2025年7月3日 09:30:12 (court time)."""
    if not text:
        return "—"
    value = parse_datetime(text)
    if value is None:
        return cn_date(text)
    return f"{cn_date(timezone.localtime(value).date())} {timezone.localtime(value):%H:%M:%S}"


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def _timeline(a: Mapping[str, Any]) -> list[list[str]]:
    """The channel's reported times of one attempt, as (what, when) rows."""
    rows = [
        ("发送时间", _when(a["sent_at"])),
        ("到达受送达人系统时间", _when(a["delivered_at"])),
        ("阅读时间", f"{_when(a['read_at'])}（{a['read_how']}）" if a["read_at"] else "—"),
    ]
    if a["channel"] == Channel.POST:
        rows = [
            ("交寄时间", _when(a["sent_at"])),
            ("签收日期", cn_date(a["signed_on"]) if a["signed_on"] else "—"),
            ("退回日期", cn_date(a["returned_on"]) if a["returned_on"] else "—"),
        ]
    if a["channel"] == Channel.PUBLIC_NOTICE:
        rows = [("公告发布日期", cn_date(a["published_on"]) if a["published_on"] else "—")]
    return [list(r) for i, r in enumerate(rows) if i == 0 or r[1] != "—"]


def _outcome(a: Mapping[str, Any]) -> str:
    if a["effective"]:
        return f"生效，送达日期{cn_date(a['served_on'])}"
    return a["state_label"] + (f"（{a['failure']}）" if a["failure"] else "")


def _signer_line(a: Mapping[str, Any]) -> str:
    """签收人 / 回执 of the effective attempt, as the form prints it."""
    parts = []
    if a["signer"]:
        parts.append(f"{a['signer']}于{cn_date(a['signed_on'])}签收")
    elif a["channel"] == Channel.PUBLIC_NOTICE:
        parts.append("公告送达，无签收人")
    elif a["channel"] in ELECTRONIC_CHANNELS:
        parts.append("电子送达，以系统记录为准")
    for r in a["receipts"]:
        parts.append(
            f"{r['source_label']} {r['receipt_id'][:24]}"
            f"（{RECEIPT_STATUS.get(r['status'], r['status'])}，{_when(r['reported_at'])}）"
        )
    return "；".join(parts) or "—"


def proof_context(bundle: Mapping[str, Any], *, clerk: str = "") -> dict[str, Any]:
    """What the proof templates print, from the bundle (so the PDF and the bundle agree)."""
    result = bundle["result"]
    attempts = bundle["attempts"]
    winner = next(
        (a for a in attempts if a["id"] == result["attempt"]), attempts[-1] if attempts else None
    )
    packet = bundle["packet"]
    docs = [packet, *packet["members"]]
    address = "—"
    method = result["channel_label"] or "—"
    if winner:
        address = winner["address_masked"]
        extra = [
            winner["address_source"],
            "地址经当事人确认" if winner["address_confirmed"] else "地址未经当事人确认",
        ]
        if winner["consent_basis"]:
            extra.append(f"电子送达同意依据：{winner['consent_basis']}")
        address = f"{address}（{'；'.join(e for e in extra if e)}）"
        method = {
            Channel.POST: "邮寄送达（EMS法院专递）",
            Channel.PUBLIC_NOTICE: "公告送达",
        }.get(winner["channel"], f"电子送达（{winner['channel_label']}）")
        if winner["provider_id"]:
            method += f"，{'邮件号' if winner['channel'] == Channel.POST else '网关编号'}{winner['provider_id']}"
    notes = [result["reason"]]
    if result["answer_ends"]:
        notes.append(f"答辩期至{cn_date(result['answer_ends'])}届满")
    if result["evidence_ends"]:
        notes.append(f"举证期限至{cn_date(result['evidence_ends'])}届满")
    if result["reschedule_hearing"]:
        notes.append("原定开庭日期早于上述期限届满，须另行排期")
    return {
        # The form prints the case number in its table, not again under the title.
        "case_number": "",
        "bundle_json": json.dumps(bundle, ensure_ascii=False, indent=1),
        "bundle_sha256": bundle["bundle_sha256"],
        "bundle_file": BUNDLE_FILE,
        "proof": {
            "case_number": bundle["case"]["number"],
            "case_type": bundle["case"]["type"],
            "procedure": bundle["case"]["procedure"],
            "party": f"{bundle['party']['name']}（{bundle['party']['role'] or '受送达人'}，证件号码{bundle['party']['id_masked']}）",
            "documents": [{"title": d["title"], "sha256": d["sha256"]} for d in docs],
            "address": address,
            "method": method,
            "served_on": cn_date(result["served_on"]),
            "served_time": _when(winner["sent_at"]) if winner else "—",
            "signer": _signer_line(winner) if winner else "—",
            "server": f"{bundle['case']['court']}" + (f"（书记员{clerk}）" if clerk else ""),
            "notes": "；".join(n for n in notes if n) + "。",
            "channel": winner["channel_label"] if winner else "",
            "message": winner["message"] if winner else "",
            "message_sha256": winner["message_sha256"] if winner else "",
            "timeline": _timeline(winner) if winner else [],
            "attempts": [
                [
                    str(i + 1),
                    f"{a['channel_label']}（第{a['try']}次）",
                    a["address_masked"],
                    _when(a["sent_at"]),
                    _outcome(a),
                ]
                for i, a in enumerate(attempts)
            ],
            "as_of": _when(bundle["as_of"]),
        },
    }


def _existing_proof(service: Service) -> StoredDocument | None:
    return (
        StoredDocument.objects.filter(
            case_id=service.case_id, kind__in=PROOF_KINDS, issued_for=occasion(service)
        )
        .order_by("pk")
        .first()
    )


def issue_proof(service: Service, *, by: User | None) -> StoredDocument:
    """Issue the sealed 送达回证 / 电子送达凭证 of a served service (once; again → the same one).

    Refused unless the law found the service effective (`Service.served_on` is set only by
    `settlement.settle`). `by=None` is the system's sweep.
    """
    s = Service.objects.select_related("case__court", "case__clerk", "party", "served_by").get(
        pk=service.pk
    )
    require(by, "service.issue_proof", s.case)
    if s.state != Service.State.SERVED or s.served_by is None:
        raise ActionRefused("该受送达人尚未依法送达，不能出具送达凭证")
    found = _existing_proof(s)
    if found is not None:
        return found
    kind = "e_service_proof" if s.served_by.channel in ELECTRONIC_CHANNELS else "service_proof"
    bundle = evidence_bundle(s, as_of=timezone.now())
    clerk = s.case.clerk.display_name if s.case.clerk_id and s.case.clerk else ""
    try:
        with transaction.atomic():
            doc = issue_document(
                s.case,
                kind,
                recipient={"name": s.party.name, "party_id": s.party_id},
                context=proof_context(bundle, clerk=clerk),
                by=by,
                issued_for=occasion(s),
            )
            ServiceEvent.objects.create(
                case_id=s.case_id,
                service=s,
                attempt=s.served_by,
                kind=EventKind.PROOF_ISSUED,
                at=timezone.now(),
                actor=by,
                note=f"{doc.title}（文书SHA-256 {doc.sha256[:16]}…，证据包SHA-256 {bundle['bundle_sha256'][:16]}…）",
            )
    except DocumentAlreadyIssued:
        found = _existing_proof(s)
        if found is None:
            raise
        return found
    return doc


def issue_missing_proofs(limit: int = 200, *, by: User | None = None) -> int:
    """Issue the proofs that served services lack (the sweep calls it); return how many.

    A service whose proof fails to render is logged and left for the next sweep.
    """
    # One proof per service (a party served the filing packet and later a judgment has two).
    proofs = StoredDocument.objects.filter(
        case_id=OuterRef("case_id"),
        kind__in=PROOF_KINDS,
        issued_for=Concat(Value("service:"), Cast(OuterRef("pk"), CharField())),
    )
    todo = list(
        Service.objects.filter(state=Service.State.SERVED, served_by__isnull=False)
        .exclude(Exists(proofs))
        .order_by("pk")[:limit]
    )
    made = 0
    for s in todo:
        try:
            issue_proof(s, by=by)
        except Exception:
            log.exception("送达凭证出具失败（送达 %s）", s.pk)
            continue
        made += 1
    return made
