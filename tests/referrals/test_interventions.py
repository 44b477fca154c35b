"""Fraud warnings become intervention tasks for the borrower's institution; the outcome is
recorded once by the assignee. The warnings are built by hand (the rules are tested apart)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from jiefen.accounts.models import Organisation, Role, User
from jiefen.audit.models import AuditRecord
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.models import Case, Party
from jiefen.referrals import selectors
from jiefen.referrals.actions.interventions import (
    open_intervention,
    open_interventions,
    record_outcome,
)
from jiefen.referrals.models import Intervention, InterventionOutcome
from jiefen.referrals.scripts import call_script
from jiefen.risk.models import Warning, WarningKind, WarningState
from jiefen.risk.tasks import detect_warnings_task

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 30)


def fraud_warning(
    case: Case,
    kind: str = WarningKind.IDENTITY_MISUSE,
    *,
    institution: Organisation | None = None,
    opened_on: date = AS_OF,
    state: str = WarningState.OPEN,
) -> Warning:
    """A warning as the fraud rules raise it: subject party:{id}:institution:{id}."""
    party = case.defendants[0].party
    org = institution if institution is not None else case.institution
    key = f"party:{party.pk}:institution:{org.pk if org else 0}"
    warning = Warning.objects.create(
        kind=kind,
        fingerprint=f"{kind}:{key}",
        subject_key=key,
        subject_name=party.name,
        institution=org,
        score=Decimal("80.00"),
        signals=[
            {"signal": "reports", "label": "冒名贷款报告", "value": 1, "threshold": 1},
        ],
        summary=f"借款人{party.name}报告本笔借款系他人冒用其身份办理。",
        state=state,
        opened_on=opened_on,
        updated_on=opened_on,
    )
    warning.cases.set([case.pk])
    return warning


@pytest.fixture
def case(make_case: Callable[..., Case]) -> Case:
    return make_case(state="in_mediation", mediation_number="（2026）渝0105诉前调1001号")


def test_a_fraud_warning_becomes_one_task_for_its_institution(
    case: Case, bank: Organisation
) -> None:
    warning = fraud_warning(case)
    assert open_interventions(by=None, as_of=AS_OF) == 1
    task = Intervention.objects.get()
    assert task.warning == warning and task.assignee_org == bank
    assert task.party == case.defendants[0].party and task.outcome == ""
    assert "报告本笔借款系他人冒用其身份办理" in task.facts
    assert "冒名贷款报告：1（阈值 1）" in task.facts
    assert "（2026）渝0105诉前调1001号" in task.facts
    assert bank.name in task.script and "96110" in task.script
    assert "不会询问您的银行卡密码" in task.script and "验证码" in task.script
    # A second run creates nothing and records nothing.
    assert open_interventions(by=None, as_of=AS_OF) == 0
    assert Intervention.objects.count() == 1
    records = AuditRecord.objects.filter(action="referrals.open_interventions")
    assert records.count() == 1
    assert records.get().payload["interventions"] == [task.pk]
    steps = selectors.intervention_timeline(task)
    assert [s["label"] for s in steps] == ["预警生成干预任务"]


def test_only_open_fraud_warnings_with_an_institution_up_to_the_day(
    make_case: Callable[..., Case], bank: Organisation
) -> None:
    fraud_warning(make_case(), state=WarningState.CLOSED)
    fraud_warning(make_case(), WarningKind.WITHHELD_INTEREST)
    fraud_warning(make_case(), opened_on=date(2026, 12, 1))
    no_org = fraud_warning(make_case())
    Warning.objects.filter(pk=no_org.pk).update(institution=None)
    assert open_interventions(by=None, as_of=AS_OF) == 0
    contact = fraud_warning(make_case(), WarningKind.FRAUD_CONTACT, state=WarningState.ASSIGNED)
    assert open_interventions(by=None, as_of=AS_OF) == 1
    assert Intervention.objects.get().warning == contact


def test_the_daily_sweep_opens_the_tasks_after_detecting(case: Case) -> None:
    fraud_warning(case, opened_on=date(2026, 11, 29))
    slot = int(datetime(2026, 11, 29, 18, 0, tzinfo=UTC).timestamp())  # 02:00 on 11-30
    result = detect_warnings_task.call(slot)
    assert result["interventions"] == 1
    assert detect_warnings_task.call(slot)["interventions"] == 0
    assert Intervention.objects.count() == 1


def test_the_bank_records_dissuaded_and_another_bank_cannot(
    case: Case, bank: Organisation, other_bank: Organisation, make_user: Callable[..., User]
) -> None:
    fraud_warning(case)
    open_interventions(by=None, as_of=AS_OF)
    task = Intervention.objects.get()
    stranger = make_user(Role.BANK_AGENT, other_bank)
    with pytest.raises(TransitionRefused, match="干预任务不存在或无权处置"):
        record_outcome(task, InterventionOutcome.DISSUADED, "", by=stranger)
    agent = make_user(Role.BANK_AGENT, bank, full_name="吴经理")
    with pytest.raises(TransitionRefused, match="「处置结果」：请选择"):
        record_outcome(task, "called", "", by=agent)
    done = record_outcome(task, InterventionOutcome.DISSUADED, "已提醒不要缴纳解冻费", by=agent)
    assert done.outcome == InterventionOutcome.DISSUADED and done.done_by == agent
    assert done.outcome_note == "已提醒不要缴纳解冻费" and done.done_at is not None
    with pytest.raises(TransitionRefused, match="干预结果已登记为「劝阻成功」"):
        record_outcome(task, InterventionOutcome.REPORTED, "回执123", by=agent)
    record = AuditRecord.objects.get(action="referrals.record_intervention")
    assert record.actor == agent and record.payload["outcome"] == "dissuaded"
    steps = selectors.intervention_timeline(done)
    assert [s["label"] for s in steps] == ["预警生成干预任务", "登记处置结果"]
    assert steps[1]["actor"] == str(agent) and "劝阻成功" in steps[1]["detail"]


def test_unreachable_and_reported_need_a_note(
    case: Case, bank: Organisation, make_user: Callable[..., User], judge: User
) -> None:
    fraud_warning(case)
    open_interventions(by=None, as_of=AS_OF)
    task = Intervention.objects.get()
    agent = make_user(Role.BANK_AGENT, bank)
    with pytest.raises(TransitionRefused, match="未联系上的，请填写联系的时间"):
        record_outcome(task, InterventionOutcome.UNREACHABLE, " ", by=agent)
    with pytest.raises(TransitionRefused, match="已报案的，请填写报案回执编号"):
        record_outcome(task, InterventionOutcome.REPORTED, "", by=agent)
    with pytest.raises(TransitionRefused, match="无权执行此操作"):
        record_outcome(task, InterventionOutcome.DISSUADED, "", by=judge)
    task.refresh_from_db()
    assert task.outcome == "" and task.done_by is None
    done = record_outcome(
        task, InterventionOutcome.UNREACHABLE, "11月30日上午、下午两次致电未接", by=agent
    )
    assert done.outcome == InterventionOutcome.UNREACHABLE


def test_the_centre_gives_a_task_to_the_police_by_hand(
    case: Case,
    police: Organisation,
    liaison: User,
    other_liaison: User,
    court: Organisation,
    make_user: Callable[..., User],
    agent: User,
) -> None:
    warning = fraud_warning(case, WarningKind.FRAUD_CONTACT)
    admin = make_user(Role.PLATFORM_ADMIN)
    task = open_intervention(warning, police, by=admin)
    assert task.assignee_org == police and task.party == case.defendants[0].party
    assert "公安机关反诈中心" in task.script and police.name in task.script
    record = AuditRecord.objects.get(action="referrals.open_intervention")
    assert record.actor == admin and record.payload["assignee_org"] == police.pk
    with pytest.raises(TransitionRefused, match="不能重复分派"):
        open_intervention(warning, police, by=admin)
    # The sweep still gives the institution its own task.
    assert open_interventions(by=None, as_of=AS_OF) == 1
    assert Intervention.objects.count() == 2
    with pytest.raises(TransitionRefused, match="干预任务不存在或无权处置"):
        record_outcome(
            task, InterventionOutcome.REPORTED, "渝公（经）受案字〔2026〕88号", by=other_liaison
        )
    done = record_outcome(
        task, InterventionOutcome.REPORTED, "渝公（经）受案字〔2026〕88号", by=liaison
    )
    assert done.outcome == InterventionOutcome.REPORTED
    labels = [s["label"] for s in selectors.intervention_timeline(done)]
    assert labels == ["分派干预任务", "登记处置结果"]
    # Not a fraud warning, not a role that assigns, not a partner that can act.
    crime = fraud_warning(case, WarningKind.WITHHELD_INTEREST)
    with pytest.raises(TransitionRefused, match="不是反诈预警"):
        open_intervention(crime, police, by=admin)
    with pytest.raises(TransitionRefused, match="无权执行此操作"):
        open_intervention(warning, police, by=agent)
    with pytest.raises(TransitionRefused, match="只能分派给公安机关或金融机构"):
        open_intervention(warning, court, by=admin)


def test_a_court_president_assigns_only_warnings_they_see(
    case: Case,
    police: Organisation,
    court: Organisation,
    make_user: Callable[..., User],
) -> None:
    warning = fraud_warning(case)
    elsewhere = Organisation.objects.create(
        code="渝0112", name="重庆市渝北区人民法院", kind="court"
    )
    with pytest.raises(TransitionRefused, match="预警不存在或无权处置"):
        open_intervention(warning, police, by=make_user(Role.COURT_PRESIDENT, elsewhere))
    president = make_user(Role.COURT_PRESIDENT, court)
    assert open_intervention(warning, police, by=president).assignee_org == police


def test_call_scripts_differ_by_warning_and_caller(
    case: Case, bank: Organisation, police: Organisation
) -> None:
    party: Party = case.defendants[0].party
    misuse = fraud_warning(case)
    contact = fraud_warning(case, WarningKind.FRAUD_CONTACT)
    scripts = {
        (w.kind, org.code): call_script(w, party, org)
        for w in (misuse, contact)
        for org in (bank, police)
    }
    assert len(set(scripts.values())) == 4
    for text in scripts.values():
        assert f"请问是{party.name}本人吗" in text
        assert "解冻费" in text and "征信修复费" in text and "贷款手续费" in text
        assert "110" in text and "96110" in text and "调解平台" in text
        assert "不会询问您的银行卡密码" in text
        assert "劝阻成功、未联系上或已报案" in text
    assert "冒用您的身份" in scripts[(WarningKind.IDENTITY_MISUSE, police.code)]
    assert "不是您本人办理的" in scripts[(WarningKind.IDENTITY_MISUSE, bank.code)]
    assert "涉诈线索" in scripts[(WarningKind.FRAUD_CONTACT, bank.code)]
    assert "工号" in scripts[(WarningKind.FRAUD_CONTACT, bank.code)]
    assert "警号" in scripts[(WarningKind.FRAUD_CONTACT, police.code)]


def test_a_portal_report_becomes_a_task_for_the_bank_through_the_sweep(
    case: Case, bank: Organisation
) -> None:
    """The whole chain: the borrower's report, the fraud rule's warning, the bank's task."""
    from jiefen.referrals.actions.reports import report_identity_misuse
    from jiefen.referrals.models import ReportSource

    party = case.defendants[0].party
    report_identity_misuse(
        case, party, source=ReportSource.PORTAL, statement="从未借过这笔钱", by=None
    )
    slot = int(datetime.now(UTC).timestamp())
    assert detect_warnings_task.call(slot)["interventions"] == 1
    task = Intervention.objects.get()
    assert task.warning.kind == WarningKind.IDENTITY_MISUSE
    assert task.assignee_org == bank and task.party == party
    assert detect_warnings_task.call(slot)["interventions"] == 0
