"""The borrower reports a loan taken in their name (冒名贷款): on the mediation portal and with
the answer's checkbox, through the Django client."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from jiefen.accounts.models import Organisation, Role, User
from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case
from jiefen.cases.states import State
from jiefen.mediation.models import MediationCase
from jiefen.mediation.portal import SESSION_CASE
from jiefen.referrals.models import IdentityReport, ReportSource

pytestmark = pytest.mark.django_db

PORTAL = "/mediation/portal/case/"


@pytest.fixture
def mediation(make_case: Callable[..., Case], mediation_org: Organisation) -> MediationCase:
    case = make_case(state=State.IN_MEDIATION, mediation_number="（2026）渝0105诉前调2001号")
    return MediationCase.objects.create(
        case=case,
        organisation=mediation_org,
        portal_code="QX7K2M9P",
        opened_on=date(2026, 11, 2),
        deadline=date(2026, 12, 2),
    )


def _portal_client(m: MediationCase) -> Client:
    """A browser session that passed the portal's identification for this mediation."""
    client = Client()
    session = client.session
    session[SESSION_CASE] = m.pk
    session.save()
    return client


def test_the_portal_takes_the_report_and_confirms_it(mediation: MediationCase) -> None:
    client = _portal_client(mediation)
    page = client.get(PORTAL).content.decode()
    assert "本笔借款不是我办理的？" in page and "报告冒名贷款" in page
    r = client.post(PORTAL, {"action": "report_identity", "statement": "  "}, follow=True)
    assert "「情况说明」：请填写借款不是您本人办理的情况" in r.content.decode()
    assert not IdentityReport.objects.exists()

    r = client.post(
        PORTAL,
        {"action": "report_identity", "statement": "我的身份证2025年在外地丢失，从未借过这笔钱。"},
        follow=True,
    )
    page = r.content.decode()
    assert r.redirect_chain[-1][0].endswith(PORTAL)
    assert "已收到您的报告" in page and "96110" in page
    assert "您已于" in page and 'id="report-identity"' not in page
    report = IdentityReport.objects.get()
    assert report.case == mediation.case and report.party == mediation.case.defendants[0].party
    assert report.source == ReportSource.PORTAL and report.reported_by is None
    assert report.statement == "我的身份证2025年在外地丢失，从未借过这笔钱。"
    # Sending the form again (a reload) keeps the one report.
    client.post(PORTAL, {"action": "report_identity", "statement": "再次提交"})
    assert IdentityReport.objects.get().statement.startswith("我的身份证")
    assert AuditRecord.objects.filter(action="referrals.report_identity").count() == 1


def test_without_a_portal_session_nothing_is_reported(mediation: MediationCase) -> None:
    r = Client().post(PORTAL, {"action": "report_identity", "statement": "不是我"})
    assert r.status_code == 302 and r["Location"].endswith("/mediation/portal/")
    assert not IdentityReport.objects.exists()


@pytest.fixture
def served(make_case: Callable[..., Case]) -> Case:
    return make_case(state=State.SERVED, case_number="（2026）渝0105民初8801号")


def _answer_url(case: Case) -> str:
    return f"/hearings/answers/case/{case.pk}/"


def test_the_answer_checkbox_reports_with_the_statement(
    served: Case, make_user: Callable[..., User]
) -> None:
    party = served.defendants[0].party
    defendant = make_user(Role.DEFENDANT, party=party)
    client = Client()
    client.force_login(defendant)
    page = client.get(_answer_url(served)).content.decode()
    assert "本笔借款系他人冒用本人身份办理（冒名贷款）" in page

    r = client.post(
        _answer_url(served),
        {
            "pos-principal": "objection",
            "reason-principal": "未借款",
            "identity_misuse": "on",
            "identity_statement": "",
            "action": "draft",
        },
    )
    assert r.status_code == 422
    body = r.content.decode()
    assert 'id="error-identity"' in body and "「情况说明」：请填写" in body
    assert 'name="identity_misuse" id="identity_misuse" checked' in body
    assert not IdentityReport.objects.exists()

    r = client.post(
        _answer_url(served),
        {
            "pos-principal": "objection",
            "reason-principal": "未借款",
            "identity_misuse": "on",
            "identity_statement": "有人冒用我的身份证在网上申请了贷款",
            "action": "draft",
        },
        follow=True,
    )
    page = r.content.decode()
    assert "已收到您关于冒名贷款的报告" in page and 'id="identity-reported"' in page
    report = IdentityReport.objects.get()
    assert report.source == ReportSource.ANSWER and report.reported_by == defendant
    assert report.party == party and report.case == served
    assert report.statement == "有人冒用我的身份证在网上申请了贷款"


def test_an_answer_without_the_checkbox_reports_nothing(
    served: Case, make_user: Callable[..., User]
) -> None:
    client = Client()
    client.force_login(make_user(Role.DEFENDANT, party=served.defendants[0].party))
    r = client.post(
        _answer_url(served),
        {"pos-principal": "no_objection", "identity_statement": "随便写的", "action": "draft"},
    )
    assert r.status_code == 302
    assert not IdentityReport.objects.exists()
