"""The only writers of the publication stage (法释〔2016〕19号).

- `prepare_publications(by=, as_of=)`: the daily sweep. Every 民事判决书 that has taken effect
  by `as_of` and has no publication yet gets one, pending review: its text rebuilt as signed
  and anonymised. Mediation documents, confirmation and withdrawal rulings are never prepared
  (Art. 4). Idempotent and set-based (chunks, one transaction and one audit record each).
- `edit_text(publication, text, by=)`: the clerk corrects the anonymised text before release.
- `release(publication, by=)`: the clerk publishes it (Art. 12 review); refused while the
  anonymiser still finds personal data in the text, naming what and where, and for anything
  but a 民事判决书.
- `withhold(publication, reason, by=)`: not published (or taken down), with the reason.
"""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.audit.chain import append as audit
from jiefen.cases import access
from jiefen.cases.actions import TransitionRefused, ids_digest, require
from jiefen.judgments.actions.drafting import case_label
from jiefen.judgments.models import DecisionKind, DecisionState, Judgment
from jiefen.law.anonymisation import anonymise
from jiefen.law.errors import LawError
from jiefen.publication.models import Publication, PublicationState
from jiefen.publication.selectors import remaining
from jiefen.publication.text import judgment_text, subjects, title

CHUNK = 100
log = logging.getLogger(__name__)


def _due(by: User | None, as_of: date) -> list[int]:
    judgments = access.visible_judgments(by) if by is not None else Judgment.objects.all()
    return list(
        judgments.filter(
            kind=DecisionKind.JUDGMENT,
            state=DecisionState.EFFECTIVE,
            effective_on__lte=as_of,
            publication__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _prepared(judgment: Judgment, as_of: date) -> Publication:
    original = judgment_text(judgment)
    who = subjects(judgment.case)
    result = anonymise(original, who.persons, who.organisations)
    return Publication(
        judgment=judgment,
        title=title(judgment.case, who),
        original_text=original,
        anonymised_text=result.text,
        replacements=[r.as_json() for r in result.replacements],
        prepared_on=as_of,
    )


def prepare_publications(*, by: User | None, as_of: date) -> int:
    """Prepare the effective judgments (of `by`'s scope) not yet prepared; how many were."""
    require(by, "publication.prepare")
    ids = _due(by, as_of)
    made = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows, skipped = [], 0
        for j in Judgment.objects.filter(pk__in=chunk).select_related("case"):
            try:
                rows.append(_prepared(j, as_of))
            except LawError as exc:  # the judgment cannot be rebuilt: left for a person to see
                log.warning("publication: judgment %s not prepared: %s", j.pk, exc)
                skipped += 1
        with transaction.atomic():
            done = set(
                Publication.objects.filter(judgment_id__in=chunk).values_list(
                    "judgment_id", flat=True
                )
            )
            rows = [r for r in rows if r.judgment_id not in done]
            Publication.objects.bulk_create(rows, ignore_conflicts=True)
            audit(
                actor_id=by.pk if by else None,
                action="publication.prepare",
                object_type="judgments",
                object_id=str(len(rows)),
                payload={
                    **ids_digest([r.judgment_id for r in rows]),
                    "as_of": as_of.isoformat(),
                    "skipped": skipped,
                },
            )
        made += len(rows)
    return made


def _locked(publication: Publication, by: User | None) -> Publication:
    """The row, locked, after checking `by` may review it (the clerk of its case)."""
    require(by, "publication.review", publication.judgment.case)
    return (
        Publication.objects.select_for_update()
        .select_related("judgment__case")
        .get(pk=publication.pk)
    )


def _pending(row: Publication) -> None:
    if row.state != PublicationState.PENDING_REVIEW:
        raise TransitionRefused(
            f"{case_label(row.judgment.case)}：公开状态为「{PublicationState(row.state).label}」，"
            "只能处理待审核的文书"
        )


def _audit(row: Publication, action: str, by: User | None, **payload: object) -> None:
    audit(
        actor_id=by.pk if by else None,
        action=action,
        object_type="publication",
        object_id=row.pk,
        payload={"judgment": row.judgment_id, "case": row.judgment.case_id, **payload},
    )


def edit_text(publication: Publication, text: str, *, by: User | None) -> Publication:
    """Keep the clerk's corrected text (checked again on release)."""
    cleaned = text.replace("\r\n", "\n").strip()
    with transaction.atomic():
        row = _locked(publication, by)
        _pending(row)
        if not cleaned:
            raise TransitionRefused(f"{case_label(row.judgment.case)}：公开文本不能为空")
        row.anonymised_text = cleaned
        row.edited_by, row.edited_at = by, timezone.now()
        row.save(update_fields=["anonymised_text", "edited_by", "edited_at"])
        _audit(row, "publication.edit", by, chars=len(cleaned))
    return row


def release(publication: Publication, *, by: User | None) -> Publication:
    """Publish the anonymised text (only a 民事判决书 that took effect, only when clean)."""
    with transaction.atomic():
        row = _locked(publication, by)
        label = case_label(row.judgment.case)
        if row.judgment.kind != DecisionKind.JUDGMENT:
            raise TransitionRefused(
                f"{label}：{DecisionKind(row.judgment.kind).label}依法不在互联网公布"
                "（法释〔2016〕19号第四条）"
            )
        _pending(row)
        if row.judgment.state != DecisionState.EFFECTIVE:
            raise TransitionRefused(f"{label}：判决书尚未生效，不能公开")
        left = remaining(row)
        if left:
            raise TransitionRefused(
                f"{label}：公开文本仍含应删除的个人信息，不能公开：{'；'.join(left)}"
            )
        row.state = PublicationState.RELEASED
        row.reviewed_by, row.reviewed_at = by, timezone.now()
        row.save(update_fields=["state", "reviewed_by", "reviewed_at"])
        _audit(row, "publication.release", by)
    return row


def withhold(publication: Publication, reason: str, *, by: User | None) -> Publication:
    """Not published, or taken down after release, with the reason (法释〔2016〕19号第四条)."""
    cleaned = reason.strip()
    with transaction.atomic():
        row = _locked(publication, by)
        label = case_label(row.judgment.case)
        if not cleaned:
            raise TransitionRefused(f"{label}：请填写不予公开的理由")
        if row.state == PublicationState.WITHHELD:
            raise TransitionRefused(f"{label}：已决定不予公开")
        row.state = PublicationState.WITHHELD
        row.withhold_reason = cleaned
        row.reviewed_by, row.reviewed_at = by, timezone.now()
        row.save(update_fields=["state", "withhold_reason", "reviewed_by", "reviewed_at"])
        _audit(row, "publication.withhold", by, reason=cleaned)
    return row
