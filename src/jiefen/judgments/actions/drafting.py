"""Drafting the judgments of a heard series (要素式判决), set-based.

A case is ready for its judgment when it was heard (state HEARD), every element of its record
has a confirmed finding and it has no decision yet (a mediation document or withdrawal ruling
is a decision too). For each ready case `draft` computes the amounts with `judgments.rules`
(the court's cap and fee policies, read once per batch), stores the result as the
`judgment_show` object and renders an unsigned preview PDF marked 草稿 (never served, never
sealed: a judgment binds only once the judge signs it, 民诉法 Art. 155). Rendering uses the
process's one typst compiler; rows go in with bulk INSERTs per chunk and one audit record.
Cases not ready are reported with their case number and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.audit.chain import append as audit
from jiefen.cases.access import NOT_IN_SCOPE, in_scope
from jiefen.cases.actions import TransitionRefused, ids_digest, require
from jiefen.cases.models import Case
from jiefen.cases.states import State
from jiefen.documents.kinds import KINDS
from jiefen.documents.models import DocumentFormat, RecipientRole, StoredDocument
from jiefen.documents.rendering import render_pdf
from jiefen.documents.storage import StoredFile, store
from jiefen.hearings.models import LIVE_HEARING, Hearing
from jiefen.judgments.context import judgment_context
from jiefen.judgments.models import DecisionKind, Judgment
from jiefen.judgments.rules import CourtRules, compute, court_rules, show_object
from jiefen.law.errors import LawError
from jiefen.law.judgment import JudgmentResult

CHUNK = 100
KIND = "judgment"


@dataclass
class DraftResult:
    """What a drafting run did: judgments created, and each case left out with why (Chinese)."""

    drafted: list[int] = field(default_factory=list)  # Judgment ids
    not_ready: dict[int, str] = field(default_factory=dict)  # case id → "案号…：reason"


def case_label(case: Case) -> str:
    return f"案号{case.case_number or case.contract_number}"


def load_cases(case_ids: Iterable[int]) -> list[Case]:
    """Cases with what a judgment prints, in few queries."""
    return list(
        Case.objects.filter(pk__in=list(case_ids))
        .select_related("institution", "court", "court__court", "judge", "clerk", "series")
        .prefetch_related("case_parties__party__contacts")
        .order_by("pk")
    )


def render_judgment(
    case: Case,
    result: JudgmentResult,
    *,
    edits: Mapping[str, str] | None,
    default: bool,
    issued_on: date,
    draft: bool,
) -> tuple[dict[str, Any], bytes]:
    """The document data and the PDF (unsigned) of one judgment."""
    data = judgment_context(case, result, edits=edits, issued_on=issued_on, default=default)
    data["draft"] = draft
    return data, render_pdf(KIND, data)


def store_pdf(case: Case, pdf: bytes, *, draft: bool) -> StoredFile:
    suffix = "草稿" if draft else "签章"
    return store(
        pdf, folder=f"{timezone.localdate():%Y}/{case.pk}", name=f"民事判决书-{suffix}", ext="pdf"
    )


def document_row(
    case: Case, f: StoredFile, *, by: User | None, signed: bool, title: str = "", **extra: Any
) -> StoredDocument:
    return StoredDocument(
        case_id=case.pk,
        kind=KIND,
        title=title or KINDS[KIND].title,
        format=extra.pop("format", DocumentFormat.PDF),
        recipient=extra.pop("recipient", ""),
        recipient_role=extra.pop("recipient_role", RecipientRole.COURT),
        path=f.path,
        sha256=f.sha256,
        size=f.size,
        signed=signed,
        created_by=by,
        **extra,
    )


def _reasons(ids: list[int], by: User | None) -> tuple[list[int], dict[int, str]]:
    """Split `ids` into the cases ready to draft and the others with their reason."""
    scope = in_scope(by, ids)
    cases = {
        c.pk: c
        for c in Case.objects.filter(pk__in=ids).annotate(
            findings_n=Count("findings"),
            open_n=Count("findings", filter=Q(findings__confirmed=False)),
        )
    }
    decided = set(Judgment.objects.filter(case_id__in=ids).values_list("case_id", flat=True))
    ready: list[int] = []
    refused: dict[int, str] = {}
    for pk in ids:
        case = cases.get(pk)
        if case is None:
            refused[pk] = f"案件{pk}不存在"
        elif pk not in scope:
            refused[pk] = f"{case_label(case)}：{NOT_IN_SCOPE}"
        elif pk in decided:
            refused[pk] = f"{case_label(case)}：已生成裁判文书"
        elif case.state != State.HEARD:
            refused[pk] = (
                f"{case_label(case)}：案件当前状态为「{State(case.state).label}」，尚未开庭审理"
            )
        elif not case.findings_n:
            refused[pk] = f"{case_label(case)}：尚未制作要素表（庭审记录）"
        elif case.open_n:
            refused[pk] = f"{case_label(case)}：尚有{case.open_n}项要素未认定"
        else:
            ready.append(pk)
    return ready, refused


def _draft_chunk(
    cases: list[Case], rules: dict[int, CourtRules], by: User | None, result: DraftResult
) -> None:
    today = timezone.localdate()
    defaults = dict(
        Hearing.objects.filter(LIVE_HEARING, case__in=cases).values_list("case_id", "default")
    )
    made: list[tuple[Case, JudgmentResult, StoredFile]] = []
    for case in cases:
        court_rule = rules.setdefault(case.court_id, court_rules(case.court))
        try:
            computed = compute(case, as_of=today, rules=court_rule)
        except LawError as exc:
            result.not_ready[case.pk] = f"{case_label(case)}：无法计算判决金额（{exc}）"
            continue
        _, pdf = render_judgment(
            case,
            computed,
            edits=None,
            default=defaults.get(case.pk, False),
            issued_on=today,
            draft=True,
        )
        made.append((case, computed, store_pdf(case, pdf, draft=True)))
    if not made:
        return
    try:
        with transaction.atomic():
            docs = StoredDocument.objects.bulk_create(
                [
                    document_row(c, f, by=by, signed=False, title="民事判决书（草稿）")
                    for c, _, f in made
                ]
            )
            judgments = Judgment.objects.bulk_create(
                [
                    Judgment(
                        case=c,
                        kind=DecisionKind.JUDGMENT,
                        default=defaults.get(c.pk, False),
                        computation=show_object(c, r),
                        awarded_total=r.awarded_total,
                        reduced_for_cap=r.cap_reduced,
                        draft_document=d,
                    )
                    for (c, r, _), d in zip(made, docs, strict=True)
                ]
            )
    except IntegrityError:
        # Another run drafted some of these meanwhile: their files were never recorded.
        for _, _, f in made:
            f.discard()
        raise TransitionRefused("部分案件已由其他操作生成裁判文书，请刷新后重试") from None
    result.drafted += [j.pk for j in judgments]


def draft(case_ids: Iterable[int], *, by: User | None) -> DraftResult:
    """Draft the judgment of every ready case among `case_ids` (see the module docstring)."""
    require(by, "judgments.draft")
    ids = list(dict.fromkeys(case_ids))
    ready, refused = _reasons(ids, by)
    result = DraftResult(not_ready=refused)
    rules: dict[int, CourtRules] = {}
    for start in range(0, len(ready), CHUNK):
        _draft_chunk(load_cases(ready[start : start + CHUNK]), rules, by, result)
    if result.drafted:
        drafted_cases = list(
            Judgment.objects.filter(pk__in=result.drafted).values_list("case_id", flat=True)
        )
        with transaction.atomic():
            audit(
                actor_id=by.pk if by else None,
                action="judgments.draft",
                object_type="cases",
                object_id=str(len(drafted_cases)),
                payload={**ids_digest(drafted_cases), "not_ready": len(result.not_ready)},
            )
    return result


def draft_series(series_id: int, *, by: User | None) -> DraftResult:
    """Draft the judgments of every heard, fully found case of the series."""
    ids = Case.objects.filter(series_id=series_id, state=State.HEARD).values_list("pk", flat=True)
    return draft(list(ids), by=by)
