"""A suspected-crime referral from opening to the police's answer (涉嫌犯罪移送).

- `open_referral`: the judge or mediator of the cases, or the court's leadership / the centre on
  a risk warning (the system too, from a warning), puts a case or a whole series before the
  judge with its grounds and the facts. Nothing moves yet.
- `decide`: the judge decides on the civil cases (`Outcome`, legal basis in `referrals.rules`):
  dismissal where the claim itself rests on the crime (民间借贷规定 Art. 5; 法释〔1998〕7号
  Art. 11), referral of the lead while the case goes on (Art. 10; 民间借贷规定 Art. 6), or
  suspension pending the criminal case (民诉法 Art. 153(1)(五); 民间借贷规定 Art. 7). The judge's
  filed cases move by his ruling; the cases not yet filed stop mediating and the cases in
  enforcement stop enforcing, as consequences the system makes (they are not in his scope).
  Unless he finds no suspicion, the court-sealed 移送函 goes to the agency.
- `answer`: the agency answers. 不立案 resumes every suspended case where it stopped (民诉法
  Arts. 153 para. 2, 267 para. 2); the claimant of a dismissed case may sue again (民间借贷规定
  Art. 5 para. 2). 立案 keeps them suspended pending the criminal case.
- `dismiss_after_filing`: once the police filed, the judge dismisses the suits he suspended.

Every step is one transaction and one audit record `referrals.<step>` (object "referral"); the
case moves write their own case events through `transition_many`. The documents are stored
inside the same transaction (`referrals.documents`); a failed step leaves them unrecorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiefen.accounts.models import Organisation, OrganisationKind, Role, User
from jiefen.audit.chain import append
from jiefen.cases.access import in_scope, visible_warnings
from jiefen.cases.actions import CHUNK, TransitionRefused, require, transition_many
from jiefen.cases.models import Case, Series
from jiefen.cases.states import State
from jiefen.enforcement.actions.suspension import resume_enforcements, suspend_enforcements
from jiefen.referrals import rules
from jiefen.referrals.documents import issue_letter, issue_rulings, letter_number
from jiefen.referrals.models import (
    Answer,
    CaseOutcome,
    Ground,
    Outcome,
    Referral,
    ReferralCase,
    ReferralState,
    Source,
)
from jiefen.referrals.selectors import ACTIVE_STATES, referable
from jiefen.risk.models import Warning as RiskWarning

# One refusal type for the stage (pages catch it as they catch the other stages' refusals).
ReferralRefused = TransitionRefused

AGENCY_KINDS = (OrganisationKind.POLICE, OrganisationKind.PROCURATORATE)


def _name(case: Case) -> str:
    return f"「案件{case}」"


def _audit(by: User | None, step: str, referral: Referral, **payload: Any) -> None:
    append(
        actor_id=by.pk if by else None,
        action=f"referrals.{step}",
        object_type="referral",
        object_id=referral.pk,
        payload=payload,
    )


def _locked_cases(ids: Sequence[int]) -> dict[int, Case]:
    out: dict[int, Case] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        out.update(
            (c.pk, c)
            for c in Case.objects.select_for_update(of=("self",))
            .select_related("judge")
            .filter(pk__in=chunk)
            .order_by("pk")
        )
    return out


def _in_active_referral(ids: Iterable[int]) -> set[int]:
    ids = list(ids)
    out: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        out.update(
            ReferralCase.objects.filter(
                case_id__in=ids[start : start + CHUNK], referral__state__in=ACTIVE_STATES
            ).values_list("case_id", flat=True)
        )
    return out


# --- opening ------------------------------------------------------------------------------


def _source(by: User | None, warning: RiskWarning | None) -> str:
    if warning is not None:
        return Source.WARNING
    if by is not None and by.role == Role.MEDIATOR:
        return Source.MEDIATOR
    if by is not None and by.role == Role.JUDGE:
        return Source.JUDGE
    raise ReferralRefused("院庭长或平台管理员须依据风险预警提起移送，请从预警页面提起")


def _clean_grounds(grounds: Sequence[str]) -> list[str]:
    chosen = list(dict.fromkeys(str(g).strip() for g in grounds if str(g).strip()))
    if not chosen:
        raise ReferralRefused("请至少选择一项移送理由")
    for g in chosen:
        if g not in Ground.values:
            raise ReferralRefused(f"移送理由「{g}」无效")
    return chosen


def _check_agency(agency: Organisation) -> None:
    if agency.kind not in AGENCY_KINDS:
        raise ReferralRefused(f"接收机关须为公安机关或人民检察院，「{agency.name}」不是")


def _candidate_ids(
    case_ids: Sequence[int], series: Series | None, warning: RiskWarning | None, by: User | None
) -> tuple[list[int], bool]:
    """The cases to refer and whether they were chosen by the act (a whole series / warning):
    then the cases that may not be referred are left out instead of refusing the act."""
    ids = list(dict.fromkeys(int(i) for i in case_ids))
    if ids:
        return ids, False
    if series is not None:
        chosen = Case.objects.filter(series=series)
    elif warning is not None:
        chosen = warning.cases.all()
    else:
        raise ReferralRefused("请选择移送的案件")
    found = list(referable(chosen).order_by("pk").values_list("pk", flat=True))
    scope = in_scope(by, found)
    return [pk for pk in found if pk in scope], True


def _check_cases(
    ids: list[int], cases: dict[int, Case], by: User | None, series: Series | None
) -> None:
    scope = in_scope(by, ids)
    for pk in ids:
        case = cases.get(pk)
        if case is None or pk not in scope:
            raise ReferralRefused(f"案件#{pk}不存在或不在您的办理范围内")
        if case.state in rules.ENDED_STATES:
            raise ReferralRefused(f"{_name(case)}{State(case.state).label}，不能移送")
        if series is not None and case.series_id != series.pk:
            raise ReferralRefused(f"{_name(case)}不属于所选系列案")
    busy = _in_active_referral(ids)
    for pk in ids:
        if pk in busy:
            raise ReferralRefused(f"{_name(cases[pk])}已在移送审查中")
    if len({c.court_id for c in cases.values()}) > 1:
        raise ReferralRefused("所选案件分属不同法院，请按法院分别移送")


def _deciding_judge(
    cases: Iterable[Case], court_id: int, judge: User | None, by: User | None
) -> User:
    """The judge who decides: the judge of the filed cases (one), or the one given."""
    filed = [c for c in cases if c.state in rules.LITIGATING_STATES]
    judges = {c.judge_id: c.judge for c in filed if c.judge_id}
    for c in filed:
        if not c.judge_id:
            raise ReferralRefused(f"{_name(c)}尚未分案给承办法官")
    if judge is not None:
        if judge.role != Role.JUDGE or not judge.is_active or judge.organisation_id != court_id:
            raise ReferralRefused(f"「{judge.display_name}」不是本院在职法官，不能审查本移送")
        for c in filed:
            if c.judge_id != judge.pk:
                raise ReferralRefused(
                    f"{_name(c)}的承办法官不是{judge.display_name}，请按承办法官分别移送"
                )
        return judge
    if len(judges) > 1:
        names = "、".join(sorted(j.display_name for j in judges.values() if j))
        raise ReferralRefused(f"所选已立案案件由多名法官承办（{names}），请按承办法官分别移送")
    if judges:
        only = next(iter(judges.values()))
        assert only is not None
        return only
    if by is not None and by.role == Role.JUDGE:
        return by
    raise ReferralRefused("所选案件均未立案，请指定审查法官")


def open_referral(
    case_ids: list[int],
    *,
    by: User | None,
    grounds: list[str],
    statement: str,
    agency: Organisation,
    series: Series | None = None,
    warning: RiskWarning | None = None,
    judge: User | None = None,
) -> Referral:
    """Open a referral of these cases (or, without ids, of the series' / warning's cases that may
    be referred) for the judge's decision. `by=None` (the system) only from a warning."""
    if by is None and warning is None:
        raise ReferralRefused("「提起涉嫌犯罪移送」须由经办人员操作，系统只能依据风险预警提起")
    if by is not None:
        require(by, "referrals.open")
    source = _source(by, warning)
    chosen = _clean_grounds(grounds)
    statement = statement.strip()
    if not statement:
        raise ReferralRefused("请填写涉嫌犯罪的事实")
    _check_agency(agency)
    visible = warning is None or by is None or visible_warnings(by).filter(pk=warning.pk).exists()
    if not visible:
        raise ReferralRefused("预警不存在或无权查看")
    with transaction.atomic():
        ids, whole = _candidate_ids(case_ids, series, warning, by)
        if not ids:
            raise ReferralRefused("没有可以移送的案件（均已结案、撤诉、驳回起诉或已在移送审查中）")
        cases = _locked_cases(ids)
        if whole:  # re-read under the lock: a case may have been referred meanwhile
            busy = _in_active_referral(ids)
            ids = [pk for pk in ids if pk not in busy and pk in cases]
            cases = {pk: cases[pk] for pk in ids}
            if not ids:
                raise ReferralRefused("没有可以移送的案件（均已在移送审查中）")
        _check_cases(ids, cases, by, series)
        court_id = next(iter(cases.values())).court_id
        deciding = _deciding_judge(cases.values(), court_id, judge, by)
        referral = Referral.objects.create(
            court_id=court_id,
            agency=agency,
            judge=deciding,
            series=series,
            warning=warning,
            source=source,
            opened_by=by,
            grounds=chosen,
            statement=statement,
        )
        ReferralCase.objects.bulk_create(
            [
                ReferralCase(referral=referral, case_id=pk, state_at_referral=cases[pk].state)
                for pk in ids
            ],
            batch_size=500,
        )
        _audit(
            by,
            "open",
            referral,
            source=source,
            grounds=chosen,
            agency=agency.pk,
            judge=deciding.pk,
            series=series.pk if series else None,
            warning=warning.pk if warning else None,
            cases=len(ids),
        )
    return referral


# --- the judge's decision -------------------------------------------------------------------


def _locked_referral(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("court", "agency", "judge")
        .get(pk=referral.pk)
    )


def _check_judge(referral: Referral, by: User) -> None:
    if referral.judge_id != by.pk:
        raise ReferralRefused(f"只有承办法官{referral.judge.display_name}可以审查决定本移送")


def _links(referral: Referral) -> list[ReferralCase]:
    return list(referral.referral_cases.select_related("case").order_by("case_id"))


def _move(
    ids: list[int], name: str, *, by: User | None, note: str, names: dict[int, str]
) -> list[int]:
    """Move all of `ids` or refuse the whole step, naming the first case that may not move."""
    if not ids:
        return []
    result = transition_many(ids, name, by=by, note=note)
    if result.refused:
        pk, reason = next(iter(result.refused.items()))
        raise ReferralRefused(f"{names.get(pk, f'案件#{pk}')}：{reason}")
    return result.moved


def _stopped(
    links: list[ReferralCase], outcome: str, *, by: User, note: str
) -> tuple[list[int], list[int]]:
    """The consequences of a dismissal or suspension, stage by stage. Returns the filed cases
    moved (dismissed or suspended by the judge) and the enforcement cases suspended."""
    by_stage: dict[str, list[int]] = {}
    for link in links:
        by_stage.setdefault(rules.stage_of(link.case.state), []).append(link.case_id)
    names = {link.case_id: _name(link.case) for link in links}
    move = "dismiss_suit" if outcome == Outcome.DISMISS else "suspend_litigation"
    filed = _move(by_stage.get(rules.LITIGATING, []), move, by=by, note=note, names=names)
    _move(by_stage.get(rules.PRE_FILING, []), "suspend_mediation", by=None, note=note, names=names)
    enforcing = by_stage.get(rules.ENFORCEMENT, [])
    stopped = suspend_enforcements(enforcing, by=None, note=note) if enforcing else []
    for pk in enforcing:
        if pk not in stopped:
            raise ReferralRefused(f"{names[pk]}：不能中止执行")
    return filed, stopped


def _case_outcome(state: str) -> str:
    if state == State.DISMISSED:
        return CaseOutcome.DISMISSED
    if state == State.SUSPENDED:
        return CaseOutcome.SUSPENDED
    return CaseOutcome.CONTINUED


def decide(
    referral: Referral, outcome: str, *, by: User, reason: str, on: date | None = None
) -> Referral:
    """The judge's decision on the referral and its civil cases (see the module docstring)."""
    require(by, "referrals.decide")
    if outcome not in Outcome.values:
        raise ReferralRefused(f"处理决定「{outcome}」无效")
    reason = reason.strip()
    if not reason:
        raise ReferralRefused("请填写审查意见")
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = _locked_referral(referral)
        _check_judge(locked, by)
        if locked.state != ReferralState.OPEN:
            raise ReferralRefused(
                f"移送{locked}当前状态为「{ReferralState(locked.state).label}」，不能再次决定"
            )
        links = _links(locked)
        basis = rules.outcome_basis(outcome)
        note = f"{basis.label}：{reason}"
        filed: list[int] = []
        enforcing: list[int] = []
        if outcome in (Outcome.DISMISS, Outcome.SUSPEND):
            filed, enforcing = _stopped(links, outcome, by=by, note=note)
            states = dict(
                Case.objects.filter(pk__in=[x.case_id for x in links]).values_list("pk", "state")
            )
            for link in links:
                link.outcome = _case_outcome(states[link.case_id])
        else:
            for link in links:
                link.outcome = CaseOutcome.CONTINUED
        ReferralCase.objects.bulk_update(links, ["outcome"], batch_size=500)
        locked.outcome = outcome
        locked.decision_reason = reason
        locked.decided_on = on
        if outcome == Outcome.NO_REFERRAL:
            locked.state = ReferralState.NOT_REFERRED
        else:
            locked.state = ReferralState.SENT
            locked.number = letter_number(locked.court, on)
            locked.sent_on = on
        locked.save()
        documents: list[str] = []
        if filed:
            kind = "dismissal" if outcome == Outcome.DISMISS else "suspension"
            documents += [d.sha256 for d in issue_rulings(locked, filed, kind, by=by, on=on)]
        if enforcing:
            documents += [
                d.sha256
                for d in issue_rulings(locked, enforcing, "enforcement_suspension", by=by, on=on)
            ]
        if locked.state == ReferralState.SENT:
            locked.letter = issue_letter(locked, by=by)
            locked.save(update_fields=["letter", "updated_at"])
            documents.append(locked.letter.sha256)
        _audit(
            by,
            "decide",
            locked,
            outcome=outcome,
            reason=reason,
            on=on.isoformat(),
            number=locked.number,
            filed_moved=len(filed),
            enforcement_suspended=len(enforcing),
            documents=documents,
        )
    return locked


# --- the agency's answer ----------------------------------------------------------------------


def answer(
    referral: Referral,
    answer: str,
    *,
    by: User,
    number: str,
    note: str = "",
    on: date | None = None,
) -> Referral:
    """The agency's answer: 立案 (accepted) or 不立案 (declined, the suspended cases resume)."""
    require(by, "referrals.answer")
    if answer not in Answer.values:
        raise ReferralRefused(f"答复结果「{answer}」无效")
    number = number.strip()
    if not number:
        raise ReferralRefused("请填写答复文书文号（如立案决定书、不予立案通知书文号）")
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = _locked_referral(referral)
        if by.organisation_id != locked.agency_id:
            raise ReferralRefused(f"移送{locked}不是移送给您所在机关的，不能答复")
        if locked.state != ReferralState.SENT:
            raise ReferralRefused(
                f"移送{locked}当前状态为「{ReferralState(locked.state).label}」，不能答复"
            )
        resumed: list[int] = []
        if answer == Answer.DECLINED:
            resumed = _resume_all(_links(locked))
            locked.state = ReferralState.DECLINED
        else:
            locked.state = ReferralState.ACCEPTED
        locked.answer = answer
        locked.answer_number = number
        locked.answer_note = note.strip()
        locked.answered_on = on
        locked.answered_by = by
        locked.save()
        _audit(
            by,
            "answer",
            locked,
            answer=answer,
            number=number,
            note=locked.answer_note,
            on=on.isoformat(),
            resumed=len(resumed),
        )
    return locked


def _resume_all(links: list[ReferralCase]) -> list[int]:
    """Every suspended case of the referral resumes where it stopped (as the system)."""
    note = f"{rules.RESUMPTION.label}：公安机关不予立案"
    suspended = [x for x in links if x.case.state == State.SUSPENDED]
    enforcing = [x.case_id for x in suspended if x.case.suspended_from in rules.ENFORCEMENT_STATES]
    others = [x.case_id for x in suspended if x.case_id not in set(enforcing)]
    names = {x.case_id: _name(x.case) for x in links}
    moved = _move(others, "resume", by=None, note=note, names=names)
    if enforcing:
        moved += resume_enforcements(enforcing, by=None, note=note)
    done = set(moved)
    changed = [x for x in suspended if x.case_id in done]
    for x in changed:
        x.outcome = CaseOutcome.RESUMED
    ReferralCase.objects.bulk_update(changed, ["outcome"], batch_size=500)
    return sorted(done)


# --- dismissal once the police filed ------------------------------------------------------------


def dismiss_after_filing(
    referral: Referral, *, by: User, reason: str = "", on: date | None = None
) -> Referral:
    """The police filed a criminal case: the judge dismisses the suits he suspended (民间借贷规定
    Art. 5 para. 1; 法释〔1998〕7号 Art. 11), each with its 民事裁定书."""
    require(by, "referrals.decide")
    on = on or timezone.localdate()
    reason = reason.strip()
    with transaction.atomic():
        locked = _locked_referral(referral)
        _check_judge(locked, by)
        if locked.state != ReferralState.ACCEPTED:
            raise ReferralRefused(
                f"移送{locked}当前状态为「{ReferralState(locked.state).label}」，"
                "公安机关立案后才能裁定驳回起诉"
            )
        links = _links(locked)
        waiting = [
            x
            for x in links
            if x.case.state == State.SUSPENDED and x.case.suspended_from in rules.LITIGATING_STATES
        ]
        if not waiting:
            raise ReferralRefused(f"移送{locked}没有中止诉讼的案件，无需裁定驳回起诉")
        basis = rules.DISMISSAL_AFTER_FILING
        note = f"{basis.label}：{reason}" if reason else basis.label
        names = {x.case_id: _name(x.case) for x in links}
        moved = _move([x.case_id for x in waiting], "dismiss_suit", by=by, note=note, names=names)
        for x in waiting:
            x.outcome = CaseOutcome.DISMISSED
        ReferralCase.objects.bulk_update(waiting, ["outcome"], batch_size=500)
        rulings = issue_rulings(locked, moved, "dismissal", by=by, on=on)
        _audit(
            by,
            "dismiss",
            locked,
            reason=reason,
            on=on.isoformat(),
            dismissed=len(moved),
            documents=[d.sha256 for d in rulings],
        )
    return locked
