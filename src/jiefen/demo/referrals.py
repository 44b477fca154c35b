"""The referral step of `jiefen demo` (issue 15): from the lender's warnings to the police's answer,
and from a borrower's report of identity misuse to the bank's call.

1. The clerk files the private lender's series (重庆速融商贸有限公司, seeded by the risk step with
   interest withheld up front and one borrower's serial loans); a judge is assigned.
2. The daily sweep (`detect_warnings`, then `open_interventions`, as `risk.tasks` runs them) flags
   the lender: 预扣利息, 实际利率畸高, 转单平账 and 职业放贷人.
3. The court president refers the lender's withheld-interest cases, on that warning, to the
   police (重庆市公安局江北区分局); the judge dismisses the suits and refers them (民间借贷规定
   Art. 5; 法释〔1998〕7号 Art. 11): a sealed 移送函 and one 民事裁定书 per case. Twenty days later
   the liaison answers 立案.
4. The judge refers the serial borrower's cases himself and suspends them (民诉法 Art. 153(1)(五));
   the liaison answers 不立案 and the cases resume where they were (Art. 153 para. 2).
5. A borrower of BANK01 in mediation (in screening when mediation did not run) reports on the
   portal that the loan was taken in her name; the sweep raises the 冒名贷款 warning and a task
   for the bank, whose agent records 劝阻成功. The liaison registers a number from the
   anti-fraud centre's notice that a BANK02 borrower gave too: a 涉诈关联联系方式 warning and a
   task for BANK02, left for the browser.
6. The numbers: the `referrals` section of `jiefen stats --json`.
Every step goes through the stage's actions as the user would, so each is audited.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

import time_machine
from django.utils import timezone

from jiefen.accounts.models import Organisation, Role, User
from jiefen.cases.models import Case, CaseParty, Contact, ContactKind, PartyRole, Series
from jiefen.cases.states import State
from jiefen.demo.docket import file_series
from jiefen.demo.risk import LENDER
from jiefen.documents.keys import ensure_court_seal
from jiefen.referrals.actions.interventions import open_interventions, record_outcome
from jiefen.referrals.actions.referral import answer, decide, open_referral
from jiefen.referrals.actions.reports import report_contact, report_identity_misuse
from jiefen.referrals.models import (
    Answer,
    Ground,
    Intervention,
    InterventionOutcome,
    Outcome,
    Referral,
    ReportSource,
)
from jiefen.referrals.selectors import stats_section
from jiefen.risk.actions import detect_warnings
from jiefen.risk.crime import CRIME_KINDS
from jiefen.risk.models import Warning, WarningKind

COURT = "渝0105"
POLICE = "GA0105"
ANSWER_AFTER_DAYS = 20  # the police decide on filing within 30 days of accepting a complex matter
IDENTITY_STATEMENT = (
    "本人从未向长江银行申请过该笔贷款，也未签署过借款合同。2024年本人身份证曾遗失，"
    "合同上的手机号不是本人号码，怀疑他人冒用本人身份办理贷款。"
)
DISSUADED_NOTE = (
    "已电话联系借款人本人，核实身份证遗失经过；提醒其不要向任何自称“征信修复”“解冻”的人转账，"
    "不透露验证码，并建议到派出所报案、向征信中心提出异议。借款人表示明白，未转出任何款项。"
)


def _lender_series(court: Organisation) -> Series | None:
    return (
        Series.objects.filter(institution__code=LENDER["code"], court=court).order_by("pk").first()
    )


def _file(series: Series, out: Any) -> None:
    """The clerk files the lender's series as the filing desk does (one judge takes it)."""
    court = series.court
    ensure_court_seal(court.court_code or court.code, court.name)
    if series.cases.filter(state=State.SCREENING).exists():
        clerk = User.objects.get(username="clerk1")
        job = file_series(series, State.SCREENING, clerk=clerk)
        out.write(f"· 书记员 clerk1 对「{series}」批量立案 {job.filed} 件")
    judges = sorted(
        {str(c.judge) for c in series.cases.filter(state=State.FILED).select_related("judge")}
    )
    out.write(f"  承办法官：{'、'.join(judges) or '无'}")


def _sweep(out: Any, today: date) -> None:
    result = detect_warnings(by=None, as_of=today)
    opened = open_interventions(by=None, as_of=today)
    out.write(
        f"· 每日风险扫描（{today}）：新增预警 {result.created} 条，更新 {result.updated} 条，"
        f"新增反诈干预任务 {opened} 件"
    )


def _lender_warnings(out: Any, lender: Organisation) -> dict[str, list[Warning]]:
    found: dict[str, list[Warning]] = {}
    for kind in CRIME_KINDS:
        rows = list(
            Warning.objects.filter(kind=kind, cases__institution=lender)
            .distinct()
            .order_by("-score", "pk")
        )
        found[kind] = rows
        for w in rows:
            out.write(f"  {w.get_kind_display()}：{w.summary}（{w.cases.count()} 件）")
    return found


def _case_states(ids: list[int]) -> str:
    counts: dict[str, int] = {}
    for case in Case.objects.filter(pk__in=ids):
        label = case.get_state_display()
        counts[label] = counts.get(label, 0) + 1
    return "、".join(f"{label} {n} 件" for label, n in counts.items())


def _answer_later(referral: Referral, verdict: str, *, by: User, number: str, note: str) -> None:
    """The liaison answers some days after the letter went out (the demo travels there)."""
    moment = timezone.now() + timedelta(days=ANSWER_AFTER_DAYS)
    with time_machine.travel(moment, tick=True):
        answer(referral, verdict, by=by, number=number, note=note)


def _dismissal(
    out: Any, warning: Warning, serial_ids: set[int], police: Organisation, liaison: User
) -> None:
    """The president refers the withheld-interest cases; the judge dismisses; 立案."""
    president = User.objects.filter(role=Role.COURT_PRESIDENT).order_by("pk").first()
    assert president is not None
    ids = sorted(set(warning.cases.values_list("pk", flat=True)) - serial_ids)
    referral = open_referral(
        ids,
        by=president,
        warning=warning,
        agency=police,
        grounds=[Ground.WITHHELD_INTEREST, Ground.EFFECTIVE_RATE, Ground.PROFESSIONAL_LENDER],
        statement=(
            f"{warning.subject_name}非持牌金融机构，近两年向十余名不特定借款人放贷。{warning.summary}"
            "各笔借款实际发放金额仅为合同金额的八至九成，原告仍按合同金额主张本息，"
            "涉嫌以“砍头息”虚增借贷金额（“套路贷”），可能涉嫌诈骗罪、非法经营罪。"
        ),
    )
    out.write(
        f"· 院庭长 {president} 依据「{warning.get_kind_display()}」预警提起涉嫌犯罪移送："
        f"{len(ids)} 件，移送{police.name}，由 {referral.judge} 审查"
    )
    judge = referral.judge
    referral = decide(
        referral,
        Outcome.DISMISS,
        by=judge,
        reason=(
            "原告主张的借贷关系以预扣利息、虚增借款金额为基础，借贷行为本身涉嫌犯罪，"
            "依照民间借贷规定第五条第一款，裁定驳回起诉，将涉嫌犯罪的线索、材料移送公安机关。"
        ),
    )
    out.write(
        f"  法官 {judge} 决定「{referral.get_outcome_display()}」：移送函 {referral.number}（已签章），"
        f"民事裁定书（驳回起诉）{len(ids)} 份；案件：{_case_states(ids)}"
    )
    year = timezone.localdate().year
    _answer_later(
        referral,
        Answer.ACCEPTED,
        by=liaison,
        number=f"江公（经）立字〔{year}〕118号",
        note="经审查，认为有犯罪事实需要追究刑事责任，已决定立案侦查。",
    )
    referral.refresh_from_db()
    out.write(
        f"  {ANSWER_AFTER_DAYS} 日后经侦联络员 {liaison} 答复「{referral.get_answer_display()}」"
        f"（{referral.answer_number}）：{referral.get_state_display()}"
    )


def _suspension(out: Any, warning: Warning, police: Organisation, liaison: User) -> None:
    """The judge refers the serial borrower's cases himself; suspends; 不立案 resumes them."""
    ids = sorted(warning.cases.values_list("pk", flat=True))
    judge = Case.objects.filter(pk__in=ids).exclude(judge=None).values_list("judge", flat=True)
    by = User.objects.get(pk=judge[0])
    referral = open_referral(
        ids,
        by=by,
        agency=police,
        grounds=[Ground.SERIAL_LOANS],
        statement=(
            f"{warning.summary}借款人称每笔新借款到账后即被要求用于归还前一笔借款本息，"
            "实际未获得新的资金。"
        ),
    )
    out.write(f"· 法官 {by} 对「{warning.subject_name}」的 {len(ids)} 件借款提起移送（转单平账）")
    referral = decide(
        referral,
        Outcome.SUSPEND,
        by=by,
        reason=(
            "本案须以公安机关对是否构成犯罪的认定为依据，依照民事诉讼法第一百五十三条第一款"
            "第五项，裁定中止诉讼，并将线索移送公安机关。"
        ),
    )
    out.write(
        f"  决定「{referral.get_outcome_display()}」：移送函 {referral.number}，"
        f"民事裁定书（中止诉讼）{len(ids)} 份；案件：{_case_states(ids)}"
    )
    year = timezone.localdate().year
    _answer_later(
        referral,
        Answer.DECLINED,
        by=liaison,
        number=f"江公（经）不立字〔{year}〕27号",
        note="经审查，现有证据不足以认定有犯罪事实，决定不予立案，请依法继续审理民事案件。",
    )
    referral.refresh_from_db()
    out.write(
        f"  经侦联络员答复「{referral.get_answer_display()}」（{referral.answer_number}）："
        f"案件恢复审理，现为 {_case_states(ids)}"
    )


def _identity_misuse(out: Any, today: date) -> None:
    """A BANK01 borrower in mediation reports the loan was taken in her name (the portal)."""
    bank = Organisation.objects.get(code="BANK01")
    links = CaseParty.objects.filter(
        role=PartyRole.DEFENDANT, case__institution=bank
    ).select_related("case", "party")
    link = (
        links.filter(case__state=State.IN_MEDIATION).order_by("case_id").first()
        or links.filter(case__state=State.SCREENING).order_by("case_id").first()
    )
    if link is None:
        return
    report = report_identity_misuse(
        link.case,
        link.party,
        source=ReportSource.PORTAL,
        statement=IDENTITY_STATEMENT,
        by=None,
    )
    out.write(
        f"· 借款人「{link.party.name}」在调解平台报告冒名贷款（{report.get_source_display()}，"
        f"案件 {link.case}）"
    )
    _sweep(out, today)
    task = Intervention.objects.filter(
        warning__kind=WarningKind.IDENTITY_MISUSE, party=link.party, assignee_org=bank
    ).first()
    if task is None:
        out.write("  未生成干预任务")
        return
    out.write(f"  冒名贷款预警：{task.warning.summary.rstrip('。')}；干预任务分派给{bank.name}")
    agent = User.objects.filter(role=Role.BANK_AGENT, organisation=bank).order_by("pk").first()
    assert agent is not None
    task = record_outcome(task, InterventionOutcome.DISSUADED, DISSUADED_NOTE, by=agent)
    out.write(f"  {agent} 回访借款人，登记「{task.get_outcome_display()}」")


def _fraud_contact(out: Any, today: date, liaison: User) -> None:
    """The liaison registers a number from the anti-fraud notice; a BANK02 borrower gave it."""
    bank = Organisation.objects.get(code="BANK02")
    contact = (
        Contact.objects.filter(
            kind=ContactKind.MOBILE,
            party__case_links__role=PartyRole.DEFENDANT,
            party__case_links__case__institution=bank,
            party__case_links__case__state__in=(State.IN_MEDIATION, State.SCREENING),
        )
        .order_by("pk")
        .first()
    )
    if contact is None:
        return
    reported = report_contact(
        ContactKind.MOBILE,
        contact.value,
        note="市反诈中心涉诈号码通报",
        on=today,
        by=liaison,
    )
    out.write(f"· 经侦联络员 {liaison} 登记涉诈号码 {reported.shown}（{reported.note}）")
    _sweep(out, today)
    for task in Intervention.objects.filter(warning__kind=WarningKind.FRAUD_CONTACT).select_related(
        "warning", "assignee_org"
    ):
        out.write(
            f"  涉诈关联联系方式预警：{task.warning.summary.rstrip('。')}；干预任务分派给"
            f"{task.assignee_org.name}（待在「反诈干预」页处置）"
        )


def run_referral_demo(out: Any) -> None:
    court = Organisation.objects.get(code=COURT)
    series = _lender_series(court)
    if series is None or Referral.objects.filter(court=court).exists():
        return  # no lender batch, or the step ran already
    started = time.perf_counter()
    today = timezone.localdate()
    police = Organisation.objects.get(code=POLICE)
    liaison = User.objects.get(username="police01")
    lender = series.institution
    out.write(f"涉嫌犯罪移送：{lender.name}的系列案")
    _file(series, out)
    _sweep(out, today)
    warnings = _lender_warnings(out, lender)
    serial = warnings[WarningKind.SERIAL_LOANS]
    serial_ids = {pk for w in serial for pk in w.cases.values_list("pk", flat=True)}
    withheld = warnings[WarningKind.WITHHELD_INTEREST]
    if withheld:
        _dismissal(out, withheld[0], serial_ids, police, liaison)
    if serial:
        _suspension(out, serial[0], police, liaison)
    _identity_misuse(out, today)
    _fraud_contact(out, today, liaison)
    numbers = stats_section()
    out.write(
        f"· 移送统计：涉罪涉诈预警 {numbers['warnings']} 条，移送案件 {numbers['referred']} 件，"
        f"驳回起诉 {numbers['dismissed']} 件，中止 {numbers['suspended']} 件，"
        f"恢复 {numbers['resumed']} 件，反诈干预 {numbers['interventions']} 件"
        f"（本步用时 {time.perf_counter() - started:.1f} 秒）"
    )
