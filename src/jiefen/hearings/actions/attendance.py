"""Attendance and what was said: statements typed by the clerk, the hearing held.

`hold_hearing` records attendance and moves the cases `hold_hearing`; a defendant's absence
makes it a default hearing (缺席审理) only if the summons for THIS hearing was served on them
by the hearing day (民诉法 Art. 147); an absent claimant is not heard at all (Art. 146: the
court may treat the claim as withdrawn, which is the judge's ruling, never automatic).
Re-exported by `jiefen.hearings.actions.record`, the record's public face.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.audit.chain import append as audit
from jiefen.cases.actions import TransitionRefused, require, transition_many
from jiefen.cases.models import Case
from jiefen.hearings.models import (
    Hearing,
    HearingSession,
    HearingState,
    SessionState,
    Statement,
    StatementKind,
)
from jiefen.hearings.selectors import summons_served_many

RecordRefused = TransitionRefused


def case_label(case: Case) -> str:
    """The case as messages name it: its 案号 (already in brackets), or the contract number."""
    return case.case_number or f"（合同编号{case.contract_number}）"


# --- statements -----------------------------------------------------------------------------


def add_statement(
    hearing: Hearing,
    *,
    speaker: str,
    speaker_role: str,
    kind: str,
    text: str,
    element_key: str = "",
    by: User | None,
    at: datetime | None = None,
    source: str = Statement.Source.TYPED,
) -> Statement:
    """What one participant said, as the clerk types it (民诉法 Art. 150: 法庭笔录)."""
    require(by, "hearings.record", hearing.case)
    if kind not in StatementKind.values:
        raise RecordRefused(f"{case_label(hearing.case)}发言类型「{kind}」无效")
    if not text.strip() or not speaker.strip():
        raise RecordRefused(f"{case_label(hearing.case)}请填写发言人和发言内容")
    with transaction.atomic():
        row = Statement.objects.create(
            hearing=hearing,
            at=at or timezone.now(),
            speaker=speaker.strip(),
            speaker_role=speaker_role.strip(),
            kind=kind,
            element_key=element_key,
            text=text.strip(),
            source=source,
        )
        audit(
            actor_id=by.pk if by else None,
            action="hearings.add_statement",
            object_type="statement",
            object_id=row.pk,
            payload={"hearing": hearing.pk, "kind": kind, "source": source},
        )
    return row


# --- holding the hearing --------------------------------------------------------------------


@dataclass
class Held:
    """What `hold_hearing` did: hearing ids held and, per refused hearing id, why (Chinese)."""

    held: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def _default_refusal(
    hearing: Hearing, absent: Sequence[int], served: Mapping[int, date | None]
) -> str | None:
    """Art. 147: a default hearing only against a party duly summoned for THIS hearing."""
    day = timezone.localtime(hearing.starts_at).date()
    names = {cp.party_id: cp for cp in hearing.case.case_parties.all()}
    for party_id in absent:
        cp = names.get(party_id)
        if cp is None:
            return f"{case_label(hearing.case)}未到庭当事人（编号{party_id}）不是本案当事人"
        on: date | None = served.get(party_id)
        if on is None or on > day:
            return (
                f"{case_label(hearing.case)}{cp.get_role_display()}{cp.party.name}的传票尚未送达，"
                "不得缺席审理（民诉法第一百四十七条）"
            )
    return None


def _claimant_refusal(hearing: Hearing) -> str:
    return (
        f"{case_label(hearing.case)}原告未到庭，不能开庭审理：原告经传票传唤无正当理由拒不到庭的，"
        "可以按撤诉处理（民诉法第一百四十六条），须由审判员另行裁定"
    )


def _attendance(hearing: Hearing, absent: Sequence[int], now: datetime) -> list[Statement]:
    case = hearing.case
    rows = [
        Statement(
            hearing=hearing,
            at=now,
            speaker="书记员",
            speaker_role="书记员",
            kind=StatementKind.ATTENDANCE,
            text=f"原告{case.institution.name}的委托诉讼代理人到庭。",
            source=Statement.Source.RECORD,
        )
    ]
    for cp in case.case_parties.all():
        who = f"{cp.get_role_display()}{cp.party.name}"
        text = (
            f"{who}经本院传票传唤，无正当理由未到庭。" if cp.party_id in absent else f"{who}到庭。"
        )
        rows.append(
            Statement(
                hearing=hearing,
                at=now,
                speaker="书记员",
                speaker_role="书记员",
                kind=StatementKind.ATTENDANCE,
                text=text,
                source=Statement.Source.RECORD,
            )
        )
    return rows


def hold_hearing(
    hearing_ids: Iterable[int],
    *,
    claimant_present: bool | Mapping[int, bool] = True,
    absent_party_ids: Mapping[int, Sequence[int]] | None = None,
    by: User | None,
    now: datetime | None = None,
) -> Held:
    """Hold the hearings (开庭审理): attendance, default where lawful, case move `hold_hearing`.

    Each hearing is checked on its own; a refused one (claimant absent, an absent defendant
    not duly summoned, case in the wrong state) is left scheduled with its reason. Sessions
    whose every live hearing is held become held.
    """
    require(by, "hold_hearing")
    absent_map = {int(k): [int(p) for p in v] for k, v in (absent_party_ids or {}).items()}
    result = Held()
    hearings = list(
        Hearing.objects.filter(pk__in=list(hearing_ids), state=HearingState.SCHEDULED)
        .select_related("case__institution")
        .prefetch_related("case__case_parties__party")
    )
    served = summons_served_many([h for h in hearings if absent_map.get(h.pk)])
    ready: list[Hearing] = []
    for h in hearings:
        present = (
            claimant_present.get(h.pk, True)
            if isinstance(claimant_present, Mapping)
            else claimant_present
        )
        absent = absent_map.get(h.pk, [])
        reason = (
            _claimant_refusal(h)
            if not present
            else _default_refusal(h, absent, served.get(h.pk, {}))
        )
        if reason:
            result.refused[h.pk] = reason
        else:
            ready.append(h)
    now = now or timezone.now()
    with transaction.atomic():
        moved = transition_many(
            [h.case_id for h in ready], "hold_hearing", by=by, job="hearings.hold"
        )
        done = set(moved.moved)
        statements: list[Statement] = []
        for h in ready:
            if h.case_id not in done:
                result.refused[h.pk] = f"{case_label(h.case)}{moved.refused.get(h.case_id, '')}"
                continue
            absent = absent_map.get(h.pk, [])
            h.state, h.held_at, h.claimant_present = HearingState.HELD, now, True
            h.absent_party_ids, h.default = absent, bool(absent)
            statements += _attendance(h, absent, now)
            result.held.append(h.pk)
        held = [h for h in ready if h.pk in result.held]
        Hearing.objects.bulk_update(
            held, ["state", "held_at", "claimant_present", "absent_party_ids", "default"]
        )
        Statement.objects.bulk_create(statements, batch_size=1000)
        _close_sessions({h.session_id for h in held})
    return result


def _close_sessions(session_ids: set[int]) -> None:
    open_ = (
        Hearing.objects.filter(session_id__in=session_ids, state=HearingState.SCHEDULED)
        .values_list("session_id", flat=True)
        .distinct()
    )
    HearingSession.objects.filter(pk__in=session_ids).exclude(pk__in=list(open_)).update(
        state=SessionState.HELD
    )
