"""The hearing record (要素式庭审): the element table of each case, findings, attendance.

Element-style trial (最高人民法院《关于进一步推进案件繁简分流优化司法资源配置的若干意见》
and the 2025 element templates): the court confirms once every element the defendant does
not dispute and hears argument only on the disputed ones. So a series is worked in three
steps, each set-based:

- `open_record(case_ids, by=)`: one `Finding` per complaint element beside the plaintiff's
  claim and the defendants' submitted answers; an element is disputed when any defendant
  objected to it (an objection to "exemption", 免责事由, puts the whole claim in dispute);
- `confirm_undisputed(series_id, by=)`: ONE step confirms every undisputed finding of the
  series, amounts as claimed;
- `record_finding(finding, …)`: the judge's finding on one disputed element.

`hold_hearing` and `add_statement` (attendance, default hearings, statements) live in
`actions.attendance` and are re-exported here.

`found_amounts`, `lawyer_fees_allowed` and `all_confirmed` are what the judgment computation
(`jiefen.judgments.rules`) reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.audit.chain import append as audit
from jiefen.cases.access import in_scope
from jiefen.cases.actions import ids_digest, require
from jiefen.cases.elements import complaint_elements
from jiefen.cases.models import Case, CaseParty
from jiefen.cases.states import State
from jiefen.hearings.actions.attendance import (
    Held,
    RecordRefused,
    add_statement,
    case_label,
    hold_hearing,
)
from jiefen.hearings.models import (
    LIVE_HEARING,
    AnswerItem,
    AnswerPosition,
    Finding,
    Hearing,
    Statement,
    StatementKind,
)
from jiefen.law.judgment_text import COMPONENT_LABELS

# Claim elements whose finding carries amounts, and the claim components each one holds.
AMOUNT_KEYS: dict[str, tuple[str, ...]] = {
    "principal": ("principal",),
    "interest": ("interest", "penalty_interest", "compound_interest", "fees", "liquidated_damages"),
    "enforcement_costs": ("lawyer_fees",),
}
ALLOWED_FLAG = "lawyer_fees_allowed"
EXEMPTION = "exemption"  # the answer's 免责事由: disputes the claim as a whole
CONFIRMED_TEXT = "对原告主张的该项事实予以确认"
# Until the decision is drafted the judge may still work the record.
_OPEN_STATES = (State.HEARING_SCHEDULED, State.HEARD)


# --- reading the record (for the judgment computation) ------------------------------------


def found_amounts(case: Case) -> dict[str, Decimal]:
    """The amounts the judge found, by claim component, from the confirmed amount findings.

    A component not in the result is found as claimed (`JudgmentInput.found`).
    """
    found: dict[str, Decimal] = {}
    rows = Finding.objects.filter(case=case, key__in=AMOUNT_KEYS, confirmed=True)
    for key, amounts in rows.values_list("key", "amounts"):
        for component in AMOUNT_KEYS[key]:
            if component in (amounts or {}):
                found[component] = Decimal(str(amounts[component]))
    return found


def lawyer_fees_allowed(case: Case) -> bool:
    """Whether the judge allowed the lawyer's fees (contract clause and actually paid)."""
    amounts = (
        Finding.objects.filter(case=case, key="enforcement_costs", confirmed=True)
        .values_list("amounts", flat=True)
        .first()
    )
    return str((amounts or {}).get(ALLOWED_FLAG, "false")).lower() == "true"


def all_confirmed(case: Case) -> bool:
    """Every element of the case has a finding and every finding is confirmed."""
    rows = Finding.objects.filter(case=case)
    return rows.exists() and not rows.filter(confirmed=False).exists()


# --- opening the record -------------------------------------------------------------------


def _submitted_items(case_ids: Sequence[int]) -> dict[int, dict[int, dict[str, AnswerItem]]]:
    """case id → party id → element key → item, of submitted answers only (one query)."""
    items: dict[int, dict[int, dict[str, AnswerItem]]] = defaultdict(lambda: defaultdict(dict))
    rows = AnswerItem.objects.filter(
        answer__case_id__in=case_ids, answer__submitted_at__isnull=False
    ).select_related("answer")
    for item in rows:
        items[item.answer.case_id][item.answer.party_id][item.key] = item
    return items


def _position_text(cp: CaseParty, item: AnswerItem | None) -> str:
    who = f"{cp.get_role_display()}{cp.party.name}"
    if item is None:
        return f"{who}：未发表意见"
    if item.position == AnswerPosition.OBJECTION:
        reason = item.reason.strip()
        return f"{who}：有异议。理由：{reason}" if reason else f"{who}：有异议"
    return f"{who}：无异议"


def _answer(
    key: str, parties: Sequence[CaseParty], items: Mapping[int, Mapping[str, AnswerItem]]
) -> tuple[str, bool]:
    """The defendants' positions on one element, and whether any of them objected."""
    if not items:
        return "被告未提交答辩状", False
    lines: list[str] = []
    disputed = False
    for cp in parties:
        mine = items.get(cp.party_id)
        if mine is None:
            lines.append(f"{cp.get_role_display()}{cp.party.name}未提交答辩状")
            continue
        item = mine.get(key)
        exemption = mine.get(EXEMPTION) if key == "claim_total" else None
        lines.append(_position_text(cp, item))
        if exemption is not None and exemption.position == AnswerPosition.OBJECTION:
            lines.append(f"（免责事由）{_position_text(cp, exemption)}")
            disputed = True
        disputed = disputed or (item is not None and item.position == AnswerPosition.OBJECTION)
    return "；".join(lines), disputed


def _live_hearings(case_ids: Iterable[int]) -> dict[int, Hearing]:
    rows = Hearing.objects.filter(LIVE_HEARING, case_id__in=list(case_ids))
    return {h.case_id: h for h in rows}


def open_record(case_ids: Iterable[int], *, by: User | None) -> int:
    """Create the element table of every case with a live hearing; return findings created.

    Idempotent: elements already in the record are kept as they are (a second run, or an
    answer submitted later, never overwrites a finding; `refresh_answers` does not exist on
    purpose — the judge hears a late answer at the hearing).
    """
    require(by, "hearings.record")
    ids = list(dict.fromkeys(case_ids))
    scope = in_scope(by, ids)
    live = _live_hearings(i for i in ids if i in scope)
    cases = (
        Case.objects.filter(pk__in=list(live))
        .select_related("institution")
        .prefetch_related("case_parties__party")
    )
    existing = set(Finding.objects.filter(case_id__in=list(live)).values_list("case_id", "key"))
    answers = _submitted_items(list(live))
    rows: list[Finding] = []
    for case in cases:
        parties = list(case.case_parties.all())
        for row in complaint_elements(case):
            if (case.pk, row.key) in existing:
                continue
            text, disputed = _answer(row.key, parties, answers.get(case.pk, {}))
            rows.append(
                Finding(
                    case_id=case.pk,
                    key=row.key,
                    label=row.label,
                    section=row.section,
                    claim_text=row.text,
                    answer_text=text,
                    disputed=disputed,
                )
            )
    with transaction.atomic():
        Finding.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        if rows:
            audit(
                actor_id=by.pk if by else None,
                action="hearings.open_record",
                object_type="cases",
                object_id=str(len(live)),
                payload={"findings": len(rows), **ids_digest(list(live))},
            )
    return len(rows)


# --- confirming the undisputed elements in one step --------------------------------------


def _claimed(case: Case, key: str) -> dict[str, str]:
    amounts = {c: f"{getattr(case, c):.2f}" for c in AMOUNT_KEYS[key]}
    if key == "enforcement_costs":
        amounts[ALLOWED_FLAG] = "true" if case.lawyer_fees > 0 else "false"
    return amounts


def _target_cases(
    series_id: int | None, case_ids: Iterable[int] | None, by: User | None
) -> list[int]:
    if series_id is not None:
        ids = list(Case.objects.filter(series_id=series_id).values_list("pk", flat=True))
    else:
        ids = list(dict.fromkeys(case_ids or ()))
    scope = in_scope(by, ids)
    open_ = Case.objects.filter(pk__in=[i for i in ids if i in scope], state__in=_OPEN_STATES)
    return list(open_.values_list("pk", flat=True))


def confirm_undisputed(
    series_id: int | None = None,
    *,
    case_ids: Iterable[int] | None = None,
    by: User | None,
) -> int:
    """Confirm every undisputed, unconfirmed finding of a series (or of `case_ids`) at once.

    One UPDATE for the wording, one bulk update of the amount elements (found as claimed),
    one `element` statement per hearing saying what was confirmed, one audit record. Returns
    the number of findings confirmed. Disputed elements stay open for `record_finding`.
    """
    require(by, "hearings.find")
    ids = _target_cases(series_id, case_ids, by)
    now = timezone.now()
    pending = Finding.objects.filter(case_id__in=ids, disputed=False, confirmed=False)
    with transaction.atomic():
        rows = list(pending.select_for_update().values_list("pk", "case_id", "key", "label"))
        if not rows:
            return 0
        pks = [pk for pk, *_ in rows]
        Finding.objects.filter(pk__in=pks).update(
            text=CONFIRMED_TEXT, confirmed=True, found_by=by, found_at=now
        )
        amount_rows = [(pk, cid, key) for pk, cid, key, _ in rows if key in AMOUNT_KEYS]
        cases = Case.objects.in_bulk({cid for _, cid, _ in amount_rows})
        updated = [
            Finding(pk=pk, amounts=_claimed(cases[cid], key)) for pk, cid, key in amount_rows
        ]
        Finding.objects.bulk_update(updated, ["amounts"], batch_size=500)
        _confirmation_statements(rows, by, now)
        audit(
            actor_id=by.pk if by else None,
            action="hearings.confirm_undisputed",
            object_type="series" if series_id is not None else "cases",
            object_id=series_id if series_id is not None else str(len(ids)),
            payload={"findings": len(rows), **ids_digest(sorted({c for _, c, _, _ in rows}))},
        )
    return len(rows)


def _speaker(by: User | None) -> str:
    return f"审判员{by.display_name}" if by else "审判员"


def _confirmation_statements(
    rows: Sequence[tuple[int, int, str, str]], by: User | None, now: datetime
) -> None:
    labels: dict[int, list[str]] = defaultdict(list)
    for _, case_id, _, label in rows:
        labels[case_id].append(label)
    hearings = _live_hearings(labels)
    Statement.objects.bulk_create(
        [
            Statement(
                hearing=hearings[case_id],
                at=now,
                speaker=_speaker(by),
                speaker_role="审判员",
                kind=StatementKind.ELEMENT,
                text=f"对无争议要素（{'、'.join(names)}，共{len(names)}项），本院予以确认。",
                source=Statement.Source.RECORD,
            )
            for case_id, names in labels.items()
            if case_id in hearings
        ],
        batch_size=1000,
    )


# --- one disputed element ----------------------------------------------------------------


def _money(case: Case, label: str, component: str, value: object) -> Decimal:
    name = COMPONENT_LABELS[component]
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise RecordRefused(
            f"{case_label(case)}「{label}」：{name}金额「{value}」不是有效数字"
        ) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise RecordRefused(
            f"{case_label(case)}「{label}」：{name}金额须为不小于零、最多两位小数的数字"
        )
    claimed = getattr(case, component)
    if amount > claimed:
        raise RecordRefused(
            f"{case_label(case)}「{label}」：认定{name}{amount:,.2f}元超过原告主张的{claimed:,.2f}元"
        )
    return amount


def _checked_amounts(case: Case, finding: Finding, amounts: Mapping[str, Any]) -> dict[str, str]:
    components = AMOUNT_KEYS.get(finding.key, ())
    unknown = set(amounts) - set(components) - {ALLOWED_FLAG}
    if unknown or (ALLOWED_FLAG in amounts and finding.key != "enforcement_costs"):
        raise RecordRefused(f"{case_label(case)}「{finding.label}」：该要素不认定金额")
    checked = {
        c: f"{_money(case, finding.label, c, amounts[c]):.2f}"
        for c in components
        if c in amounts and str(amounts[c]).strip() != ""
    }
    if finding.key == "enforcement_costs":
        flag = amounts.get(ALLOWED_FLAG, False)
        allowed = flag is True or str(flag).lower() in {"true", "1", "on", "yes"}
        checked[ALLOWED_FLAG] = "true" if allowed else "false"
    return checked


def record_finding(
    finding: Finding,
    *,
    text: str,
    reasoning: str = "",
    amounts: Mapping[str, Any] | None = None,
    evidence: Sequence[Mapping[str, Any]] | None = None,
    by: User | None,
) -> Finding:
    """The judge's finding on one (typically disputed) element, with its reasoning.

    Amounts (yuan) only for the amount elements, by component; none may exceed the claim
    (the court cannot award more than claimed, 民诉解释 Art. 222 / 不告不理). For 实现债权的费用
    `amounts["lawyer_fees_allowed"]` says whether the lawyer's fees are supported.
    """
    case = finding.case
    require(by, "hearings.find", case)
    if case.state not in _OPEN_STATES:
        raise RecordRefused(
            f"{case_label(case)}案件当前状态为「{State(case.state).label}」，不能认定要素"
        )
    if not text.strip():
        raise RecordRefused(f"{case_label(case)}「{finding.label}」：请填写本院认定")
    checked = _checked_amounts(case, finding, amounts or {})
    with transaction.atomic():
        row = Finding.objects.select_for_update().get(pk=finding.pk)
        row.text = text.strip()
        row.reasoning = reasoning.strip()
        row.amounts = checked
        row.evidence = [dict(e) for e in evidence or []]
        row.confirmed = True
        row.found_by = by
        row.found_at = timezone.now()
        row.save()
        audit(
            actor_id=by.pk if by else None,
            action="hearings.record_finding",
            object_type="finding",
            object_id=row.pk,
            payload={"case": case.pk, "key": row.key, "amounts": checked},
        )
    return row


__all__ = [
    "ALLOWED_FLAG",
    "AMOUNT_KEYS",
    "COMPONENT_LABELS",
    "CONFIRMED_TEXT",
    "Held",
    "RecordRefused",
    "add_statement",
    "all_confirmed",
    "confirm_undisputed",
    "found_amounts",
    "hold_hearing",
    "lawyer_fees_allowed",
    "open_record",
    "record_finding",
]
