"""The documents of mediation outcomes: 民事裁定书, 支付令, 公证书/执行证书, 强制执行申请书.

Each is issued by the action that records the outcome; the PDF text is checked for the case
number, the parties and the amount in figures and in 人民币大写 words, and the court-sealed
ones are validated against the demo CA.
"""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from jiefen.accounts.models import Organisation, OrganisationKind, Role
from jiefen.cases.models import Case
from jiefen.documents.signing import validate
from jiefen.documents.storage import read
from jiefen.law.money import amount_in_words
from jiefen.mediation import actions
from jiefen.mediation.models import (
    Confirmation,
    EnforcementDraft,
    MediationCase,
    Notarization,
    PaymentOrder,
)

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def in_mediation(screened_case, mediation_org, mediators):
    def make(**kw):
        case = screened_case(**kw)
        actions.open_mediation([case.pk], mediation_org, by=None)
        m = MediationCase.objects.select_related("case").get(case=case)
        m.phone = case.phone
        return m

    return make


def _plan_case(m, agent):
    """A 3-instalment agreement signed by all: 10,000 then 2 × 18,550 (total 47,100)."""
    actions.propose_plan(
        m, instalments=3, first_payment=Decimal("10000"), first_due=TODAY + timedelta(days=5)
    )
    m.refresh_from_db()
    actions.decide_offer(m.offers.get(), by=agent, approve=True)
    code = actions.issue_code(m, "sign")
    m.refresh_from_db()
    actions.sign_as_borrower(m.agreement, code=code, ip="10.1.1.1")
    actions.sign_many([m.agreement.pk], by=agent, ip=None)
    actions.sign_many([m.agreement.pk], by=m.case.mediator, ip=None)
    return MediationCase.objects.select_related("case").get(pk=m.pk)


def _text(doc) -> str:
    reader = PdfReader(io.BytesIO(read(doc.path)))
    return "".join(p.extract_text() for p in reader.pages).replace(" ", "").replace("\n", "")


def _miss_second(m, agent, bank):
    """Pay the first instalment only, then sweep after the second one's grace period."""
    actions.record_payments(
        bank,
        [actions.PaymentRow(m.case.contract_number, "P-1", Decimal("10000"), TODAY)],
        by=agent,
    )
    m.plan.refresh_from_db()
    second = m.plan.instalments.get(number=2)
    on = second.due_date + timedelta(days=m.plan.grace_days + 1)
    assert actions.sweep_missed(as_of=on)["enforcement_drafts"] == 1
    return EnforcementDraft.objects.get(mediation=m)


def test_confirmation_ruling_is_sealed_and_the_missed_plan_yields_an_application(
    in_mediation, agent, make_user, court, bank
):
    judge = make_user(Role.JUDGE, court, full_name="王审判")
    m = _plan_case(in_mediation(), agent)
    conf = actions.apply_confirmation(m, by=agent)
    actions.rule_on_confirmation(conf, by=judge, confirm=True)
    conf = Confirmation.objects.select_related("document").get(pk=conf.pk)
    doc = conf.document
    assert doc is not None and doc.kind == "confirmation_ruling" and doc.signed
    assert doc.case_id == m.case_id
    assert validate(read(doc.path)).ok
    text = _text(doc)
    borrower = m.case.defendants[0].party.name
    assert "民事裁定书" in text and conf.case_number in text
    assert bank.name in text and borrower in text
    assert "调解协议有效" in text and "申请强制执行" in text and "本裁定立即生效" in text
    assert "47,100.00" in text and amount_in_words(Decimal("47100")) in text
    assert "王审判" in text and "二〇" in text

    draft = _miss_second(m, agent, bank)
    assert draft.unpaid == Decimal("37100.00") and draft.document is not None
    app = draft.document
    assert app.kind == "enforcement_application" and not app.signed
    text = _text(app)
    assert "强制执行申请书" in text and conf.case_number in text
    assert bank.name in text and borrower in text
    assert "37,100.00" in text and amount_in_words(Decimal("37100")) in text
    assert f"{draft.execution_fee:,.2f}" in text and court.name in text
    assert not validate(read(app.path)).ok  # the creditor's own application: no court seal


def test_a_ruling_is_issued_once_for_its_confirmation(in_mediation, agent, make_user, court):
    """A repeated call (a retried request, a re-run task) never stores a second ruling."""
    from jiefen.documents.actions import DocumentAlreadyIssued
    from jiefen.documents.models import StoredDocument
    from jiefen.mediation.actions import titles

    judge = make_user(Role.JUDGE, court)
    m = _plan_case(in_mediation(), agent)
    conf = actions.apply_confirmation(m, by=agent)
    actions.rule_on_confirmation(conf, by=judge, confirm=True)
    conf = Confirmation.objects.get(pk=conf.pk)
    with pytest.raises(DocumentAlreadyIssued):
        titles.confirmation_ruling(conf, by=judge, on=TODAY)
    assert StoredDocument.objects.filter(case=m.case, kind="confirmation_ruling").count() == 1


def test_rejected_confirmation_ruling_states_the_reason(
    in_mediation, agent, make_user, court, last_sms
):
    judge = make_user(Role.JUDGE, court)
    m = _plan_case(in_mediation(), agent)
    conf = actions.apply_confirmation(m, by=agent)
    Case.objects.filter(pk=m.case_id).update(clerk=make_user(Role.CLERK, court, full_name="孙书记"))
    actions.rule_on_confirmation(conf, by=judge, confirm=False, reason="约定利息超过法定上限")
    doc = Confirmation.objects.get(pk=conf.pk).document
    assert doc is not None and validate(read(doc.path)).ok
    text = _text(doc)
    assert "驳回" in text and "约定利息超过法定上限" in text and conf.case_number in text
    assert "调解协议有效" not in text and "孙书记" in text


def test_payment_order_document_gives_fifteen_days_and_amount_in_words(
    in_mediation, agent, make_user, court, bank, last_sms
):
    judge = make_user(Role.JUDGE, court, full_name="李督促")
    m = in_mediation()
    actions.borrower_accept(m)
    m.refresh_from_db()
    code = actions.issue_code(m, "sign")
    actions.sign_as_borrower(m.agreement, code=code, ip="10.0.0.9")
    actions.sign_many([m.agreement.pk], by=agent, ip=None)
    actions.sign_many([m.agreement.pk], by=m.case.mediator, ip=None)
    m = MediationCase.objects.select_related("case").get(pk=m.pk)
    po = actions.apply_payment_order(m, by=agent)
    assert po.document is None
    actions.issue_payment_order(po, by=judge, served_on=date(2024, 9, 20))
    po = PaymentOrder.objects.get(pk=po.pk)
    doc = po.document
    assert doc is not None and doc.kind == "payment_order" and doc.signed
    assert doc.party_id == m.case.defendants[0].party_id
    assert validate(read(doc.path)).ok
    text = _text(doc)
    assert "支付令" in text and po.case_number in text and "民督" in po.case_number
    assert bank.name in text and m.case.defendants[0].party.name in text
    assert f"{po.amount:,.2f}" in text and amount_in_words(po.amount) in text
    assert "十五日内" in text and "书面提出" in text and f"{po.fee:,.2f}" in text
    assert "李督促" in text


def test_notary_documents_are_the_offices_and_the_execution_certificate_states_the_debt(
    in_mediation, agent, make_user, bank, notary_office
):
    notary = make_user(Role.NOTARY, notary_office, full_name="赵公证")
    m = _plan_case(in_mediation(), agent)
    n = actions.apply_notarization(m, office=notary_office, by=agent)
    actions.notarize(n, by=notary)
    n = Notarization.objects.get(pk=n.pk)
    doc = n.document
    assert doc is not None and doc.kind == "notarial_certificate" and not doc.signed
    assert not validate(read(doc.path)).ok  # not sealed with the court's certificate
    text = _text(doc)
    borrower = m.case.defendants[0].party.name
    assert n.certificate_number in text and notary_office.name in text and "赵公证" in text
    assert bank.name in text and borrower in text and "强制执行效力" in text
    assert "47,100.00" in text and amount_in_words(Decimal("47100")) in text
    assert Case.objects.get(pk=m.case_id).court.name not in text

    draft = _miss_second(m, agent, bank)
    n.refresh_from_db()
    cert = n.execution_document
    assert cert is not None and cert.kind == "execution_certificate" and not cert.signed
    text = _text(cert)
    assert "执行证书" in text and n.execution_certificate_number in text
    assert n.certificate_number in text and notary_office.name in text
    assert "37,100.00" in text and amount_in_words(Decimal("37100")) in text
    app_text = _text(draft.document)
    assert n.certificate_number in app_text and n.execution_certificate_number in app_text
    assert "37,100.00" in app_text


def test_outcome_panel_links_the_documents(client, in_mediation, agent, make_user, court):
    judge = make_user(Role.JUDGE, court)
    m = _plan_case(in_mediation(), agent)
    conf = actions.apply_confirmation(m, by=agent)
    actions.rule_on_confirmation(conf, by=judge, confirm=True)
    doc = Confirmation.objects.get(pk=conf.pk).document
    client.force_login(judge)
    page = client.get(f"/cases/{m.case_id}/").content.decode()
    assert f"/documents/{doc.pk}/" in page and "民事裁定书" in page
    assert client.get(f"/documents/{doc.pk}/download/").status_code == 200


def test_notary_office_fixture_is_a_notary(notary_office: Organisation) -> None:
    assert notary_office.kind == OrganisationKind.NOTARY_OFFICE
