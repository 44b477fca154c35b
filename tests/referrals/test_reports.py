"""Identity-misuse reports (冒名贷款) and the police's reported fraud contacts, through the actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from jiefen.accounts.models import Role, User
from jiefen.audit.models import AuditRecord
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.models import Case, CaseParty, Party, PartyRole
from jiefen.privacy import contact_index
from jiefen.referrals.actions.reports import report_contact, report_identity_misuse
from jiefen.referrals.models import IdentityReport, ReportedContact, ReportSource

pytestmark = pytest.mark.django_db

ON = date(2026, 11, 2)


@pytest.fixture
def case(make_case: Callable[..., Case]) -> Case:
    return make_case(state="in_mediation")


def _borrower(case: Case) -> Party:
    return case.defendants[0].party


def test_the_portal_reports_for_the_borrower_once(case: Case) -> None:
    party = _borrower(case)
    first = report_identity_misuse(
        case, party, source=ReportSource.PORTAL, statement=" 身份证去年丢失，从未借款。 ", by=None
    )
    assert first.statement == "身份证去年丢失，从未借款。"
    assert first.source == ReportSource.PORTAL and first.reported_by is None
    again = report_identity_misuse(
        case, party, source=ReportSource.ANSWER, statement="另一种说法", by=None
    )
    assert again.pk == first.pk
    again.refresh_from_db()
    assert again.statement == "身份证去年丢失，从未借款。" and again.source == ReportSource.PORTAL
    assert IdentityReport.objects.count() == 1
    records = AuditRecord.objects.filter(action="referrals.report_identity")
    assert records.count() == 1
    record = records.get()
    assert record.actor is None and record.object_id == str(first.pk)
    assert record.payload == {"case": case.pk, "party": party.pk, "source": "portal"}


def test_the_defendant_and_a_guarantor_may_report_in_their_answer(
    case: Case, make_user: Callable[..., User], make_party: Callable[..., Party]
) -> None:
    party = _borrower(case)
    defendant = make_user(Role.DEFENDANT, party=party)
    report = report_identity_misuse(
        case, party, source=ReportSource.ANSWER, statement="不是我办的", by=defendant
    )
    assert report.reported_by == defendant
    guarantor = make_party(name="钱担保")
    CaseParty.objects.create(case=case, party=guarantor, role=PartyRole.GUARANTOR)
    second = report_identity_misuse(
        case, guarantor, source=ReportSource.PORTAL, statement="担保合同非本人签字", by=None
    )
    assert second.pk != report.pk
    assert AuditRecord.objects.filter(action="referrals.report_identity").count() == 2


def test_wrong_party_empty_statement_and_wrong_roles_are_refused(
    case: Case,
    make_case: Callable[..., Case],
    make_party: Callable[..., Party],
    make_user: Callable[..., User],
    agent: User,
) -> None:
    stranger = make_party(name="李路人")
    with pytest.raises(TransitionRefused, match="「李路人」不是本案被告或保证人"):
        report_identity_misuse(
            case, stranger, source=ReportSource.PORTAL, statement="不是我", by=None
        )
    with pytest.raises(TransitionRefused, match="「情况说明」：请填写"):
        report_identity_misuse(
            case, _borrower(case), source=ReportSource.PORTAL, statement=" ", by=None
        )
    with pytest.raises(TransitionRefused, match="无权执行此操作"):
        report_identity_misuse(
            case, _borrower(case), source=ReportSource.ANSWER, statement="不是我", by=agent
        )
    # A defendant of another case reaches nothing of this one.
    other = make_case(state="in_mediation")
    outsider = make_user(Role.DEFENDANT, party=_borrower(other))
    with pytest.raises(TransitionRefused):
        report_identity_misuse(
            case, _borrower(case), source=ReportSource.ANSWER, statement="不是我", by=outsider
        )
    assert not IdentityReport.objects.exists()
    assert not AuditRecord.objects.filter(action="referrals.report_identity").exists()


def test_a_reported_mobile_is_kept_masked_and_indexed_once(liaison: User) -> None:
    contact = report_contact(
        "mobile", "+86 138 0013 8000", note="反诈中心通报第12期", on=ON, by=liaison
    )
    assert contact.kind == "mobile" and contact.shown == "138****8000"
    assert contact.value_index == contact_index("mobile", "13800138000")
    assert contact.note == "反诈中心通报第12期" and contact.reported_on == ON
    assert contact.reported_by == liaison
    same = report_contact(
        "mobile", "13800138000", note="再次通报", on=date(2026, 11, 9), by=liaison
    )
    assert same.pk == contact.pk and ReportedContact.objects.count() == 1
    same.refresh_from_db()
    assert same.note == "反诈中心通报第12期"
    records = AuditRecord.objects.filter(action="referrals.report_contact")
    assert records.count() == 1
    payload = records.get().payload
    assert payload["shown"] == "138****8000"
    assert "13800138000" not in str(payload) and "13800138000" not in contact.shown


def test_a_reported_address_and_the_refusals(
    liaison: User, agent: User, judge: User, make_user: Callable[..., User]
) -> None:
    address = report_contact(
        "address", "重庆市渝北区龙溪街道金龙路88号", note="", on=ON, by=liaison
    )
    assert address.shown == "重庆市渝北区****"
    assert address.value_index == contact_index("address", "重庆市渝北区龙溪街道金龙路88号")
    admin = make_user(Role.PLATFORM_ADMIN)
    assert (
        report_contact("address", "重庆市渝北区 龙溪街道金龙路88号", note="", on=ON, by=admin)
        == address
    )
    with pytest.raises(TransitionRefused, match="「手机号码」：手机号码应为11位大陆手机号码"):
        report_contact("mobile", "12345", note="", on=ON, by=liaison)
    with pytest.raises(TransitionRefused, match="「手机号码」：手机号码应为11位大陆手机号码"):
        report_contact("mobile", "023-67001234", note="", on=ON, by=liaison)
    with pytest.raises(TransitionRefused, match="「地址」：请填写地址"):
        report_contact("address", "  ", note="", on=ON, by=liaison)
    with pytest.raises(TransitionRefused, match="「类型」：只能登记手机号码或地址"):
        report_contact("email", "a@example.com", note="", on=ON, by=liaison)
    with pytest.raises(TransitionRefused, match="无权执行此操作"):
        report_contact("mobile", "13900139000", note="", on=ON, by=agent)
    with pytest.raises(TransitionRefused, match="无权执行此操作"):
        report_contact("mobile", "13900139000", note="", on=ON, by=judge)
    with pytest.raises(TransitionRefused, match="须由经办人员操作"):
        report_contact("mobile", "13900139000", note="", on=ON, by=None)
    assert ReportedContact.objects.count() == 1
