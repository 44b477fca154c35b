"""The only writers of stored documents.

- `issue_document(case, kind, recipient=…, context=…, by=…)`: render one document, sign it
  itself with the court's seal, store it (used for single documents such as the mediation
  agreement).
- `issue_packets(packets, by=…)`: the bulk path for a series. Per recipient, render each
  document, store it with its own SHA-256, then render the recipient's packet (the list of
  those hashes, with the documents attached), sign the packet once, store it; finally insert
  all rows with two bulk INSERTs and one audit record. Rendering and signing happen outside
  the transaction; the transaction only inserts.
- `issue_word_copy(...)`: the editable DOCX of a document kind (not signed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.audit.chain import append as audit
from jiefen.cases.models import Case, Party
from jiefen.documents.context import case_context, date_in_words
from jiefen.documents.docx import render_docx
from jiefen.documents.kinds import KINDS, PACKET
from jiefen.documents.models import DocumentFormat, StoredDocument
from jiefen.documents.rendering import render_pdf
from jiefen.documents.signing import sign_pdf
from jiefen.documents.storage import pdf_pages, store


def _folder(case_id: int | None) -> str:
    today = timezone.localdate()
    return f"{today:%Y}/{case_id}" if case_id else f"{today:%Y}/misc"


def _recipient(recipient: Party | Mapping[str, Any] | str | None) -> tuple[str, int | None]:
    if recipient is None:
        return "", None
    if isinstance(recipient, Party):
        return recipient.name, recipient.pk
    if isinstance(recipient, str):
        return recipient, None
    return str(recipient.get("name", "")), recipient.get("party_id")


def issue_document(
    case: Case | None,
    kind: str,
    *,
    recipient: Party | Mapping[str, Any] | str | None = None,
    context: Mapping[str, Any] | None = None,
    by: User | None,
    court: Any = None,
    sign: bool = True,
    issued_on: date | None = None,
) -> StoredDocument:
    """Render, sign (with the seal of `court`, default the case's court) and store one document.

    `context` is merged over the case's standard data (see `documents.context`); without a
    case it must supply what the template prints (`court` is filled from `court`).
    """
    spec = KINDS[kind]
    court = court or (case.court if case else None)
    if court is None:
        raise ValueError("签发文书需要指明法院")
    when = issued_on or timezone.localdate()
    if case is not None:
        data = case_context(case, issued_on=when)
    else:
        from jiefen.documents.context import court_data

        data = {
            "court": court_data(court),
            "issued_on_words": date_in_words(when),
            "case_number": "",
            "portal_url": "",
        }
    name, party_id = _recipient(recipient)
    data["recipient"] = dict(recipient) if isinstance(recipient, Mapping) else {"name": name}
    data.setdefault("title", spec.title)
    if context:
        data.update(context)
    pdf = render_pdf(kind, data)
    if sign:
        pdf = sign_pdf(pdf, court)
    stored = store(
        pdf, folder=_folder(case.pk if case else None), name=f"{spec.title}-{name}", ext="pdf"
    )
    with transaction.atomic():
        doc = StoredDocument.objects.create(
            case=case,
            kind=kind,
            title=str(data.get("title") or spec.title),
            format=DocumentFormat.PDF,
            recipient=name,
            recipient_role=spec.recipient_role,
            party_id=party_id,
            path=stored.path,
            sha256=stored.sha256,
            size=stored.size,
            signed=sign,
            created_by=by,
        )
        audit(
            actor_id=by.pk if by else None,
            action="documents.issue",
            object_type="document",
            object_id=doc.pk,
            payload={
                "case": case.pk if case else None,
                "kind": kind,
                "sha256": stored.sha256,
                "signed": sign,
            },
        )
    return doc


@dataclass
class PacketSpec:
    """The documents served together on one recipient of one case."""

    case_id: int
    recipient_role: str
    recipient: dict[str, Any]
    party_id: int | None
    documents: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (kind, data)


@dataclass
class _Rendered:
    spec: PacketSpec
    docs: list[tuple[str, str, Any]]  # (kind, title, StoredFile)
    packet: Any


def _render_packet(spec: PacketSpec, court: Any, when: date) -> _Rendered:
    docs = []
    manifest = []
    folder = _folder(spec.case_id)
    name = spec.recipient.get("name", "")
    for kind, data in spec.documents:
        pdf = render_pdf(kind, data)
        title = KINDS[kind].title
        stored = store(pdf, folder=folder, name=f"{title}-{name}", ext="pdf")
        docs.append((kind, title, stored))
        manifest.append(
            {
                "title": title,
                "sha256": stored.sha256,
                "pages": pdf_pages(pdf),
                "path": str(stored.absolute),
            }
        )
    base = spec.documents[0][1]
    packet_data = {
        **base,
        "recipient": spec.recipient,
        "documents": manifest,
        "issued_on_words": date_in_words(when),
    }
    signed = sign_pdf(render_pdf(PACKET.code, packet_data), court)
    packet = store(signed, folder=folder, name=f"送达文书-{name}", ext="pdf")
    return _Rendered(spec, docs, packet)


def issue_packets(
    packets: Sequence[PacketSpec], *, court: Any, by: User | None, issued_on: date | None = None
) -> list[int]:
    """Render, sign and store every packet; insert their rows set-wise. Return packet ids."""
    when = issued_on or timezone.localdate()
    rendered = [_render_packet(p, court, when) for p in packets]
    if not rendered:
        return []
    with transaction.atomic():
        packet_rows = StoredDocument.objects.bulk_create(
            [
                StoredDocument(
                    case_id=r.spec.case_id,
                    kind=PACKET.code,
                    title=PACKET.title,
                    format=DocumentFormat.PDF,
                    recipient=r.spec.recipient.get("name", ""),
                    recipient_role=r.spec.recipient_role,
                    party_id=r.spec.party_id,
                    path=r.packet.path,
                    sha256=r.packet.sha256,
                    size=r.packet.size,
                    signed=True,
                    created_by=by,
                )
                for r in rendered
            ]
        )
        members = [
            StoredDocument(
                case_id=r.spec.case_id,
                kind=kind,
                title=title,
                format=DocumentFormat.PDF,
                recipient=r.spec.recipient.get("name", ""),
                recipient_role=r.spec.recipient_role,
                party_id=r.spec.party_id,
                path=f.path,
                sha256=f.sha256,
                size=f.size,
                signed=True,
                packet_id=row.pk,
                created_by=by,
            )
            for r, row in zip(rendered, packet_rows, strict=True)
            for kind, title, f in r.docs
        ]
        StoredDocument.objects.bulk_create(members, batch_size=500)
        audit(
            actor_id=by.pk if by else None,
            action="documents.issue_packets",
            object_type="cases",
            object_id=str(len({r.spec.case_id for r in rendered})),
            payload={
                "packets": len(rendered),
                "documents": len(members),
                "case_ids": sorted({r.spec.case_id for r in rendered}),
            },
        )
    return [row.pk for row in packet_rows]


def issue_word_copy(
    case: Case, kind: str, data: dict[str, Any], *, recipient: Mapping[str, Any], by: User | None
) -> StoredDocument:
    """Store the editable Word copy of one document (unsigned; the PDF is the official one)."""
    spec = KINDS[kind]
    data = {**data, "recipient": dict(recipient)}
    stored = store(
        render_docx(kind, data),
        folder=_folder(case.pk),
        name=f"{spec.title}-{recipient.get('name', '')}",
        ext="docx",
    )
    with transaction.atomic():
        doc = StoredDocument.objects.create(
            case=case,
            kind=kind,
            title=f"{spec.title}（Word）",
            format=DocumentFormat.DOCX,
            recipient=str(recipient.get("name", "")),
            recipient_role=spec.recipient_role,
            party_id=recipient.get("party_id"),
            path=stored.path,
            sha256=stored.sha256,
            size=stored.size,
            signed=False,
            created_by=by,
        )
        audit(
            actor_id=by.pk if by else None,
            action="documents.word_copy",
            object_type="document",
            object_id=doc.pk,
            payload={"case": case.pk, "kind": kind, "sha256": stored.sha256},
        )
    return doc
