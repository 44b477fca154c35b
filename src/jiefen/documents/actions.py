"""The only writers of stored documents.

- `issue_document(case, kind, recipient=…, context=…, by=…)`: render one document, sign it
  itself with the court's seal, store it (used for single documents such as the mediation
  agreement).
- `issue_packets(packets, by=…)`: the bulk path for a series. Per recipient, render each
  enclosed document and store it with its own SHA-256, then render the packet's cover notice
  (受理案件通知书 / 应诉通知书), which lists those hashes and carries the files as attachments,
  and sign the cover once: one signature covers the recipient's packet while every document
  keeps its own file and hash. `render_packet` is file work only (worker processes may run
  it); `record_packets` inserts all rows with two bulk INSERTs and one audit record, and leaves
  out packets already recorded for the same occasion (`StoredDocument.issued_for`), so a re-run
  or concurrent chunk never stores a second set.
- `issue_word_copy(...)`: the editable DOCX of a document kind (not signed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.audit.chain import append as audit
from jiefen.cases.models import Case, Party
from jiefen.documents.context import case_context, date_in_words
from jiefen.documents.docx import render_docx
from jiefen.documents.kinds import KINDS
from jiefen.documents.models import DocumentFormat, StoredDocument
from jiefen.documents.rendering import render_pdf
from jiefen.documents.signing import sign_pdf
from jiefen.documents.storage import StoredFile, pdf_pages, store


class DocumentAlreadyIssued(Exception):
    """The document was already issued to this recipient for this occasion (message in Chinese)."""


def ids_sha256(ids: Iterable[int]) -> str:
    """Digest of a set of ids for bulk audit records: SHA-256 of the sorted ids joined by commas."""
    return hashlib.sha256(",".join(str(i) for i in sorted(ids)).encode()).hexdigest()


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
    issued_for: str = "",
) -> StoredDocument:
    """Render, sign (with the seal of `court`, default the case's court) and store one document.

    `context` is merged over the case's standard data (see `documents.context`); without a
    case it must supply what the template prints (`court` is filled from `court`). With
    `issued_for` (the occasion, e.g. ``hearing:2025-08-05T09:00``) a second document of the same
    kind for the same recipient and occasion is refused (`DocumentAlreadyIssued`) by the
    database constraint; a new occasion (a new hearing date) is a new document.
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
    if issued_for and _issued(case, kind, party_id, issued_for):
        raise _already(spec.title, name)
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
    try:
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
                issued_for=issued_for,
                created_by=by,
            )
            _audit_issue(doc, by)
    except IntegrityError:
        stored.discard()  # never recorded: not evidence
        if issued_for and _issued(case, kind, party_id, issued_for):
            raise _already(spec.title, name) from None
        raise
    return doc


def _already(title: str, name: str) -> DocumentAlreadyIssued:
    return DocumentAlreadyIssued(f"{title}已就同一事由向{name or '该受送达人'}签发过，不重复签发")


def _issued(case: Case | None, kind: str, party_id: int | None, issued_for: str) -> bool:
    party = Q(party__isnull=True) if party_id is None else Q(party_id=party_id)
    return StoredDocument.objects.filter(
        party, case=case, kind=kind, issued_for=issued_for
    ).exists()


def _audit_issue(doc: StoredDocument, by: User | None) -> None:
    audit(
        actor_id=by.pk if by else None,
        action="documents.issue",
        object_type="document",
        object_id=doc.pk,
        payload={
            "case": doc.case_id,
            "kind": doc.kind,
            "sha256": doc.sha256,
            "signed": doc.signed,
            "issued_for": doc.issued_for,
        },
    )


@dataclass
class PacketSpec:
    """The documents served together on one recipient of one case.

    The first document is the packet's *cover* (受理案件通知书 to the claimant, 应诉通知书 to a
    defendant): it lists the title, pages and SHA-256 of every other document of the packet,
    carries them as PDF attachments, and is the one PDF the court's seal certificate signs.
    """

    case_id: int
    recipient_role: str
    recipient: dict[str, Any]
    party_id: int | None
    documents: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (kind, data)
    # The occasion each kind is issued for (see `StoredDocument.issued_for`); "" = none.
    issued_for: dict[str, str] = field(default_factory=dict)


@dataclass
class RenderedPacket:
    """A packet rendered, signed and written to disk, waiting for its rows to be inserted."""

    spec: PacketSpec
    cover: tuple[str, str, StoredFile]  # (kind, title, file) — signed
    enclosed: list[tuple[str, str, StoredFile]]  # (kind, title, file) — covered by the cover


def render_packet(spec: PacketSpec, court: Any) -> RenderedPacket:
    """Render each enclosed document, then the cover listing their hashes; sign the cover.

    Pure file work (no database): batch filing runs it in worker processes.
    """
    folder = _folder(spec.case_id)
    name = spec.recipient.get("name", "")
    (cover_kind, cover_data), *rest = spec.documents
    enclosed = []
    manifest = []
    for kind, data in rest:
        pdf = render_pdf(kind, data)
        title = KINDS[kind].title
        stored = store(pdf, folder=folder, name=f"{title}-{name}", ext="pdf")
        enclosed.append((kind, title, stored))
        manifest.append(
            {
                "title": title,
                "sha256": stored.sha256,
                "pages": pdf_pages(pdf),
            }
        )
    cover_title = KINDS[cover_kind].title
    signed = sign_pdf(render_pdf(cover_kind, {**cover_data, "enclosures": manifest}), court)
    cover = store(signed, folder=folder, name=f"{cover_title}-{name}", ext="pdf")
    return RenderedPacket(spec, (cover_kind, cover_title, cover), enclosed)


def _row(
    r: RenderedPacket, kind: str, title: str, f: StoredFile, by: User | None, **extra: Any
) -> StoredDocument:
    return StoredDocument(
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
        issued_for=r.spec.issued_for.get(kind, ""),
        created_by=by,
        **extra,
    )


def _cover_key(spec: PacketSpec) -> tuple[int, str, int, str]:
    kind = spec.documents[0][0]
    return (spec.case_id, kind, spec.party_id or 0, spec.issued_for.get(kind, ""))


def recorded_covers(specs: Iterable[PacketSpec]) -> set[tuple[int, str, int, str]]:
    """The packets among `specs` whose cover is already stored for the same occasion."""
    keyed = [s for s in specs if s.issued_for.get(s.documents[0][0])]
    if not keyed:
        return set()
    rows = StoredDocument.objects.filter(
        case_id__in={s.case_id for s in keyed},
        kind__in={s.documents[0][0] for s in keyed},
        issued_for__in={s.issued_for[s.documents[0][0]] for s in keyed},
    ).values_list("case_id", "kind", "party_id", "issued_for")
    return {(c, k, p or 0, o) for c, k, p, o in rows} & {_cover_key(s) for s in keyed}


def _insert_packets(
    rendered: Sequence[RenderedPacket], *, by: User | None, job: str
) -> list[StoredDocument]:
    with transaction.atomic():
        done = recorded_covers(r.spec for r in rendered)
        fresh = [r for r in rendered if _cover_key(r.spec) not in done]
        if not fresh:
            return []
        covers = StoredDocument.objects.bulk_create(
            [_row(r, *r.cover, by) for r in fresh], batch_size=500
        )
        members = [
            _row(r, kind, title, f, by, packet_id=cover.pk)
            for r, cover in zip(fresh, covers, strict=True)
            for kind, title, f in r.enclosed
        ]
        StoredDocument.objects.bulk_create(members, batch_size=500)
        case_ids = sorted({r.spec.case_id for r in fresh})
        audit(
            actor_id=by.pk if by else None,
            action="documents.issue_packets",
            object_type="filing_job" if job else "cases",
            object_id=job.rsplit(":", 1)[-1] if job else str(len(case_ids)),
            payload={
                "job": job,
                "packets": len(fresh),
                "documents": len(covers) + len(members),
                "count": len(case_ids),
                "ids_sha256": ids_sha256(case_ids),
                "first": case_ids[0],
                "last": case_ids[-1],
            },
        )
    return covers


def record_packets(
    rendered: Sequence[RenderedPacket], *, by: User | None, job: str = ""
) -> list[int]:
    """Insert the rows of rendered packets set-wise (two bulk INSERTs, one audit record).

    Packets already stored for the same occasion are left out, and their freshly written files
    removed (they were never recorded, so they are not evidence). A concurrent worker inserting
    the same packet between the check and the insert makes the database refuse ours; the check
    then runs again. `job` (e.g. ``filing_job:12``) names the bulk job in the audit record.
    """
    if not rendered:
        return []
    for attempt in range(3):
        try:
            covers = _insert_packets(rendered, by=by, job=job)
            break
        except IntegrityError:
            if attempt == 2:
                raise
    kept = {c.path for c in covers}
    for r in rendered:
        if r.cover[2].path not in kept:
            for _, _, f in (r.cover, *r.enclosed):
                f.discard()
    return [row.pk for row in covers]


def issue_packets(
    packets: Sequence[PacketSpec], *, court: Any, by: User | None, job: str = ""
) -> list[int]:
    """Render, sign and store every packet not yet stored; insert their rows set-wise.

    Return the ids of the covers stored now (packets stored earlier are skipped).
    """
    todo = recorded_covers(packets)
    fresh = [p for p in packets if _cover_key(p) not in todo]
    return record_packets([render_packet(p, court) for p in fresh], by=by, job=job)


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


def record_download(
    *,
    by: User | None,
    action: str,
    object_type: str,
    object_id: object,
    sha256: str,
    case_ids: Iterable[int] = (),
    **details: Any,
) -> None:
    """One audit record per download or export of personal data (a document, a series ZIP, a
    Word copy, an error list): who, which object and cases, and the SHA-256 of what they got,
    so a court can say who saw a borrower's file. Many cases are named by count and digest."""
    cases = sorted(set(case_ids))
    payload: dict[str, Any] = {"sha256": sha256, **details}
    if len(cases) <= 20:
        payload["cases"] = cases
    else:
        payload.update(case_count=len(cases), cases_sha256=ids_sha256(cases))
    with transaction.atomic():
        audit(
            actor_id=by.pk if by else None,
            action=f"download.{action}",
            object_type=object_type,
            object_id=object_id,
            payload=payload,
        )
