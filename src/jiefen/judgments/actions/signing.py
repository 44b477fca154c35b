"""The judge's review and batch signature of the drafted judgments (民诉法 Art. 155).

- `edit(judgment, sections=…, by=…)`: the judge rewrites sections of a draft (`context.EDITABLE`)
  or decides the fee otherwise (`fee_bearing`, 诉讼费用交纳办法 Art. 29); the amounts are
  recomputed when the fee decision changes and a new preview is rendered (documents are
  append-only: the old preview stays on file).
- `sign_all(judgment_ids, by=…)`: the judge's signature of a batch: each judgment is rendered as
  signed (the date under the seal is the signing day), sealed with the court's certificate
  (PAdES), stored with its Word copy, and marked signed. Only the judge the case is assigned
  to may sign it; another judge's judgments are refused, each with its case number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.audit.chain import append as audit
from jiefen.cases.actions import TransitionRefused, ids_digest, require
from jiefen.documents.docx import render_docx
from jiefen.documents.models import DocumentFormat, StoredDocument
from jiefen.documents.signing import sign_pdf
from jiefen.documents.storage import store
from jiefen.judgments.actions.drafting import (
    KIND,
    case_label,
    document_row,
    load_cases,
    render_judgment,
    store_pdf,
)
from jiefen.judgments.context import EDITABLE
from jiefen.judgments.models import DecisionKind, DecisionState, Judgment
from jiefen.judgments.rules import FEE_BEARINGS, CourtRules, compute, court_rules, show_object

SectionEdits = Mapping[str, str]


@dataclass
class SignResult:
    signed: list[int] = field(default_factory=list)  # Judgment ids
    refused: dict[int, str] = field(default_factory=dict)  # judgment id → "案号…：reason"


def _locked_draft(judgment: Judgment) -> Judgment:
    row = Judgment.objects.select_for_update().select_related("case").get(pk=judgment.pk)
    if row.state != DecisionState.DRAFT:
        raise TransitionRefused(
            f"{case_label(row.case)}：文书状态为「{DecisionState(row.state).label}」，已签发的文书不能修改"
        )
    return row


def edit(
    judgment: Judgment,
    *,
    sections: SectionEdits,
    fee_bearing: str | None = None,
    by: User | None,
) -> Judgment:
    """Keep the judge's wording of the given sections (empty text: back to the generated one)."""
    require(by, "judgments.sign", judgment.case)
    unknown = set(sections) - set(EDITABLE)
    if unknown:
        raise TransitionRefused(
            f"{case_label(judgment.case)}：不能修改的部分：{'、'.join(sorted(unknown))}"
        )
    if fee_bearing is not None and fee_bearing not in FEE_BEARINGS:
        raise TransitionRefused(f"{case_label(judgment.case)}：诉讼费负担方式「{fee_bearing}」无效")
    with transaction.atomic():
        row = _locked_draft(judgment)
        text = {**(row.text or {})}
        for key, value in sections.items():
            if value.strip():
                text[key] = value.strip().replace("\r\n", "\n")
            else:
                text.pop(key, None)
        if fee_bearing is not None:
            text["fee_bearing"] = fee_bearing
        row.text = text
        row.save(update_fields=["text", "updated_at"])  # the fee decision feeds the computation
        case = load_cases([row.case_id])[0]
        result = compute(case, as_of=timezone.localdate())
        _, pdf = render_judgment(
            case,
            result,
            edits=_edits(row),
            default=row.default,
            issued_on=timezone.localdate(),
            draft=True,
        )
        f = store_pdf(case, pdf, draft=True)
        doc = StoredDocument.objects.bulk_create(
            [document_row(case, f, by=by, signed=False, title="民事判决书（草稿）")]
        )[0]
        row.computation = show_object(case, result)
        row.awarded_total = result.awarded_total
        row.reduced_for_cap = result.cap_reduced
        row.draft_document = doc
        row.save(
            update_fields=[
                "computation",
                "awarded_total",
                "reduced_for_cap",
                "draft_document",
                "updated_at",
            ]
        )
        audit(
            actor_id=by.pk if by else None,
            action="judgments.edit",
            object_type="judgment",
            object_id=row.pk,
            payload={"case": row.case_id, "sections": sorted(sections), "fee_bearing": fee_bearing},
        )
    return row


def _edits(judgment: Judgment) -> dict[str, str]:
    return {k: v for k, v in (judgment.text or {}).items() if k in EDITABLE}


def _refusals(rows: list[Judgment], by: User | None) -> dict[int, str]:
    refused: dict[int, str] = {}
    for j in rows:
        if j.kind != DecisionKind.JUDGMENT:
            refused[j.pk] = f"{case_label(j.case)}：{DecisionKind(j.kind).label}不在此签发"
        elif by is None or j.case.judge_id != by.pk:
            refused[j.pk] = f"{case_label(j.case)}：不是本案承办法官，不能签发"
        elif j.state != DecisionState.DRAFT:
            refused[j.pk] = (
                f"{case_label(j.case)}：文书状态为「{DecisionState(j.state).label}」，无需再签发"
            )
    return refused


def sign_all(judgment_ids: Iterable[int], *, by: User | None) -> SignResult:
    """Seal and store the signed PDF and the Word copy of each of the judge's draft judgments."""
    require(by, "judgments.sign")
    ids = list(dict.fromkeys(judgment_ids))
    rows = list(Judgment.objects.filter(pk__in=ids).select_related("case"))
    result = SignResult(refused=_refusals(rows, by))
    missing = set(ids) - {j.pk for j in rows}
    result.refused.update({pk: f"文书{pk}不存在" for pk in missing})
    todo = [j for j in rows if j.pk not in result.refused]
    rules: dict[int, CourtRules] = {}
    for start in range(0, len(todo), 100):
        _sign_chunk(todo[start : start + 100], rules, by, result)
    if result.signed:
        with transaction.atomic():
            cases = [j.case_id for j in todo if j.pk in set(result.signed)]
            audit(
                actor_id=by.pk if by else None,
                action="judgments.sign_all",
                object_type="cases",
                object_id=str(len(cases)),
                payload={**ids_digest(cases), "refused": len(result.refused)},
            )
    return result


def _sign_chunk(
    chunk: list[Judgment], rules: dict[int, CourtRules], by: User | None, result: SignResult
) -> None:
    today = timezone.localdate()
    cases = {c.pk: c for c in load_cases(j.case_id for j in chunk)}
    made = []
    for j in chunk:
        case = cases[j.case_id]
        rule = rules.setdefault(case.court_id, court_rules(case.court))
        computed = compute(case, as_of=timezone.localtime(j.created_at).date(), rules=rule)
        data, pdf = render_judgment(
            case, computed, edits=_edits(j), default=j.default, issued_on=today, draft=False
        )
        sealed = store_pdf(case, sign_pdf(pdf, case.court), draft=False)
        word = store(
            render_docx(KIND, data), folder=f"{today:%Y}/{case.pk}", name="民事判决书", ext="docx"
        )
        made.append((j, case, computed, sealed, word))
    now = timezone.now()
    with transaction.atomic():
        locked = set(
            Judgment.objects.select_for_update()
            .filter(pk__in=[j.pk for j, *_ in made], state=DecisionState.DRAFT)
            .values_list("pk", flat=True)
        )
        for j, *_, sealed, word in made:
            if j.pk not in locked:
                result.refused[j.pk] = f"{case_label(j.case)}：文书已由其他操作签发"
                sealed.discard()
                word.discard()
        fresh = [m for m in made if m[0].pk in locked]
        docs = StoredDocument.objects.bulk_create(
            [
                row
                for j, case, _, sealed, word in fresh
                for row in (
                    document_row(case, sealed, by=by, signed=True),
                    document_row(
                        case,
                        word,
                        by=by,
                        signed=False,
                        title="民事判决书（Word）",
                        format=DocumentFormat.DOCX,
                    ),
                )
            ]
        )
        for i, (j, case, computed, _, _) in enumerate(fresh):
            j.document, j.docx = docs[2 * i], docs[2 * i + 1]
            j.state = DecisionState.SIGNED
            j.signed_by, j.signed_at, j.updated_at = by, now, now
            j.computation = show_object(case, computed)
            j.awarded_total, j.reduced_for_cap = computed.awarded_total, computed.cap_reduced
        Judgment.objects.bulk_update(
            [m[0] for m in fresh],
            [
                "document",
                "docx",
                "state",
                "signed_by",
                "signed_at",
                "computation",
                "awarded_total",
                "reduced_for_cap",
                "updated_at",
            ],
        )
    result.signed += [m[0].pk for m in fresh]
