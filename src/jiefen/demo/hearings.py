"""The hearing and judgment step of `jiefen demo`: a served series becomes effective judgments.

The clerk confirms the hearing dates against each defendant's service date (late-served ones
are moved and get a new summons, served through the service stage); a few borrowers answer
element by element on the portal (one through a lawyer), objecting to the interest or the
principal; the judge opens the element record and confirms every undisputed element of the
series in one step. Then the demo travels in time (`time-machine`) to each session's day: the
judge works the disputed elements, holds the session (absent borrowers, duly summoned, are heard
by default), one case is settled in court (民事调解书) and one withdrawn (民事裁定书); the judge
drafts, signs and pronounces the series' judgments, which are served through the same channels as
the complaint (SMS receipts come back over HTTP). Three weeks later the appeal periods have run
and the judgments are effective; after the performance period they are ready for enforcement.
Every act goes through the stage's actions, by the person who does it in the browser.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import time_machine
from django.utils import timezone

from jiefen.accounts.models import Organisation, Role, User
from jiefen.cases.models import Case, CaseParty, PartyRole
from jiefen.cases.states import State
from jiefen.demo.service import COURT, receipts_to_jiefen, wait_for_receipts
from jiefen.demo.staff import DEMO_PASSWORD
from jiefen.hearings.actions.answers import save_answer
from jiefen.hearings.actions.record import (
    confirm_undisputed,
    hold_hearing,
    open_record,
    record_finding,
)
from jiefen.hearings.actions.rescheduling import confirm_hearings
from jiefen.hearings.models import Agent, AgentAuthority, Finding, Hearing, HearingState
from jiefen.judgments.actions.drafting import draft
from jiefen.judgments.actions.effect import take_effect_due
from jiefen.judgments.actions.mediation import MediationTerms, mediate
from jiefen.judgments.actions.pronouncement import pronounce
from jiefen.judgments.actions.signing import sign_all
from jiefen.judgments.actions.withdrawal import allow, apply
from jiefen.judgments.models import DecisionKind, Judgment
from jiefen.service.actions import sweep
from jiefen.service.models import Channel

NO_OBJECTION = "no_objection"
OBJECTION = "objection"


def _party_login(username: str, party_id: int) -> User:
    """A portal login for a borrower who answers (they would register on the portal)."""
    from jiefen.cases.models import Party

    party = Party.objects.get(pk=party_id)
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"role": Role.DEFENDANT, "full_name": party.name, "party": party},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _borrower(case: Case) -> CaseParty:
    return next(cp for cp in case.case_parties.all() if cp.role == PartyRole.DEFENDANT)


def _answer(case: Case, by: User, objections: dict[str, str]) -> None:
    from jiefen.cases.elements import ANSWER_TEXT_KEYS, answer_elements

    items = {
        e.key: (OBJECTION, objections[e.key]) if e.key in objections else (NO_OBJECTION, "")
        for e in answer_elements(case.case_type)
        if e.key not in ANSWER_TEXT_KEYS
    }
    save_answer(case, _borrower(case).party, items, by=by, submit=True)


def _answers(cases: list[Case], out: Any) -> dict[str, Case]:
    """Five borrowers answer before the hearing; they are the ones who attend it."""
    roles: dict[str, Case] = {}
    picks = {
        "agrees": {},
        "interest": {"interest": "利息、罚息和复利合计过高，请求法院依法调整"},
        "principal": {"principal": "已于立案前归还本金3,000元，原告未予扣除，有转账凭证"},
        "mediation": {"interest": "愿意还款，但希望减免部分罚息"},
        "lawyer": {"enforcement_costs": "原告未提交律师费实际支付的凭证，律师费不应由被告负担"},
    }
    for n, (role, objections) in enumerate(picks.items(), start=2):
        case = cases[n]
        borrower = _borrower(case)
        user = _party_login(f"defendant{n}", borrower.party_id)
        by = user
        if role == "lawyer":
            counsel = User.objects.get(username="counsel1")
            Agent.objects.get_or_create(
                case=case,
                party=borrower.party,
                lawyer=counsel,
                defaults={"law_firm": "重庆朝天门律师事务所", "authority": AgentAuthority.SPECIAL},
            )
            by = counsel
        _answer(case, by, objections)
        roles[role] = case
    out.write(
        f"· 要素式答辩：{len(roles)} 名被告在诉讼服务平台逐项答辩（其中 1 名由律师 counsel1 代理），"
        f"对利息、本金、律师费提出异议"
    )
    return roles


def _disputed_findings(roles: dict[str, Case], judge: User) -> None:
    """The judge works the disputed elements: evidence of a repayment lowers the principal, the
    lawyer's fee is not supported, the interest is left to the cap the law applies."""
    for role, case in roles.items():
        for f in Finding.objects.filter(case=case, disputed=True, confirmed=False):
            amounts: dict[str, Any] = {}
            reasoning = "原告提交的合同、借据及还款明细可以证实，被告的异议不能成立"
            if role == "principal" and f.key == "principal":
                amounts = {"principal": str(case.principal - Decimal("3000.00"))}
                reasoning = "被告提交的转账凭证真实，本院确认被告已归还本金3,000元，应予扣除"
            if f.key == "enforcement_costs":
                amounts = {"lawyer_fees": "0", "lawyer_fees_allowed": "false"}
                reasoning = "原告未举证证明律师费已实际支付，对该项请求本院不予支持"
            if f.key == "interest":
                reasoning = "利息、罚息、复利合计超过年利率24%的部分，本院依法予以调减"
            record_finding(
                f, text="经审查，本院认定如下", reasoning=reasoning, amounts=amounts, by=judge
            )


def _hold_sessions(cases: list[Case], roles: dict[str, Case], judge: User, out: Any) -> list:
    """Each session on its own day: attendance, default for the absent, the case move."""
    attending = {c.pk for c in roles.values()}
    hearings = list(
        Hearing.objects.filter(case__in=cases, state=HearingState.SCHEDULED)
        .select_related("session")
        .prefetch_related("case__case_parties")
        .order_by("starts_at")
    )
    by_session: dict[int, list[Hearing]] = {}
    for h in hearings:
        by_session.setdefault(h.session_id, []).append(h)
    defaults = held = 0
    days = []
    for group in by_session.values():
        start = group[0].session.starts_at
        days.append(timezone.localtime(start).date())
        with time_machine.travel(start, tick=True):
            absent = {
                h.pk: [cp.party_id for cp in h.case.case_parties.all()]
                for h in group
                if h.case_id not in attending
            }
            result = hold_hearing(
                [h.pk for h in group], absent_party_ids=absent, by=judge, now=timezone.now()
            )
        held += len(result.held)
        defaults += sum(1 for h in group if h.pk in result.held and h.pk in absent)
        for reason in result.refused.values():
            out.write(f"  未开庭：{reason}")
    out.write(
        f"· 开庭审理：{len(by_session)} 个庭次，{held} 件（其中缺席审理 {defaults} 件，被告经传票"
        "传唤未到庭）；审判员 judge1 在「要素式庭审」页面可查看要素表与笔录"
    )
    return days


def run_hearing_demo(out: Any) -> None:
    court = Organisation.objects.get(code=COURT)
    served = list(
        Case.objects.filter(court=court, state=State.SERVED)
        .prefetch_related("case_parties__party")
        .order_by("pk")
    )
    if not served:
        return
    series_id = Counter(c.series_id for c in served).most_common(1)[0][0]
    cases = [c for c in served if c.series_id == series_id]
    clerk, judge = cases[0].clerk, cases[0].judge
    assert clerk is not None and judge is not None
    agent = User.objects.filter(role=Role.BANK_AGENT, organisation=cases[0].institution).first()
    assert agent is not None

    fixed = confirm_hearings([c.pk for c in cases], by=clerk)
    out.write(
        f"· 排期：{fixed['scheduled']} 件按原传票开庭，{fixed['rescheduled']} 件因送达晚于预期改期、"
        "重新送达传票（法院日历：/hearings/）"
    )
    for number, reason in fixed["refused"].items():
        out.write(f"  未排期 {number}：{reason}")
    cases = list(
        Case.objects.filter(pk__in=[c.pk for c in cases], state=State.HEARING_SCHEDULED)
        .prefetch_related("case_parties__party")
        .order_by("pk")
    )
    if len(cases) < 10:
        return
    roles = _answers(cases, out)
    withdrawn = cases[1]
    apply(withdrawn, reason="被告已与原告达成和解并清偿全部欠款", by=agent)
    allow(withdrawn, by=judge)
    out.write(
        f"· 撤诉：{withdrawn.case_number} 原告申请撤诉，法官裁定准许（案件受理费减半，民事裁定书）"
    )
    cases = [c for c in cases if c.pk != withdrawn.pk]

    started = time.perf_counter()
    open_record([c.pk for c in cases], by=judge)
    confirmed = confirm_undisputed(series_id, by=judge)
    out.write(
        f"· 要素式庭审：{len(cases)} 件生成要素表，审判员一键确认全系列无争议要素 {confirmed} 项，"
        f"用时 {time.perf_counter() - started:.1f} 秒"
    )
    _disputed_findings(roles, judge)
    days = _hold_sessions(cases, roles, judge, out)
    _decide(cases, roles, judge, max(days), out)


def _decide(cases: list[Case], roles: dict[str, Case], judge: User, day: Any, out: Any) -> None:
    """On the last hearing day: mediation in court, the judgments drafted, signed, pronounced
    and served; then the appeal periods run and the judgments take effect."""
    pronounce_at = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(
        hours=16
    )
    with receipts_to_jiefen(), time_machine.travel(pronounce_at, tick=True):
        mediated = roles["mediation"]
        mediate(
            mediated,
            terms=MediationTerms(
                amount=(mediated.principal + mediated.interest).quantize(Decimal("0.01")),
                due_on=day + timedelta(days=30),
                text="原告自愿放弃其余诉讼请求",
            ),
            by=judge,
            on=day,
        )
        started = time.perf_counter()
        drafted = draft([c.pk for c in cases if c.pk != mediated.pk], by=judge)
        signed = sign_all(drafted.drafted, by=judge)
        result = pronounce(signed.signed, by=judge, on=day)
        out.write(
            f"· 裁判文书：{len(drafted.drafted)} 份要素式判决书生成、签章并宣判，"
            f"用时 {time.perf_counter() - started:.1f} 秒；1 件当庭调解（民事调解书）"
        )
        for reason in list(drafted.not_ready.values())[:3]:
            out.write(f"  未生成：{reason}")
        wait_for_receipts(Channel.SMS)
        for _ in range(3):
            time.sleep(3.2)
            sweep()
            wait_for_receipts(Channel.SMS)
        time.sleep(9)
        sweep()  # unread and unreachable: post
        wait_for_receipts(Channel.POST)
        sweep()
        out.write(
            f"· 判决书送达：{len(result.served)} 份，经短信、电子邮件、邮寄送达（与起诉材料相同渠道）"
        )
    for later in (day + timedelta(days=25), day + timedelta(days=45)):
        with time_machine.travel(
            timezone.make_aware(datetime.combine(later, datetime.min.time())), tick=True
        ):
            take_effect_due(later)
    _report(out)


def _report(out: Any) -> None:
    judgments = Counter(
        (j.kind, j.state, j.default, j.reduced_for_cap)
        for j in Judgment.objects.all().only("kind", "state", "default", "reduced_for_cap")
    )
    effective = sum(n for (k, s, _, _), n in judgments.items() if s == "effective")
    defaults = sum(n for (k, _, d, _), n in judgments.items() if k == DecisionKind.JUDGMENT and d)
    reduced = sum(n for (_, _, _, r), n in judgments.items() if r)
    enforceable = Judgment.objects.filter(enforceable=True).count()
    out.write(
        f"· 生效：{effective} 份裁判文书已生效（缺席判决 {defaults} 份，因利率上限调减 {reduced} 份），"
        f"{enforceable} 份履行期届满未履行、可申请强制执行"
    )
