"""Pages that ask `cases.access`: bulk actions act on their page, payments are scoped, bad input
and hostile `next` are refused without a change, downloads are hash-checked and audited."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jiefen.accounts.models import Role
from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Series
from jiefen.cases.states import State
from jiefen.mediation import actions
from jiefen.mediation.models import (
    MediationCase,
    Offer,
    OfferStatus,
    SettlementRule,
    Signature,
    SignerRole,
)

pytestmark = pytest.mark.django_db


def _login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _messages(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


@pytest.fixture
def mediators(mediation_org, make_user):
    return [make_user(Role.MEDIATOR, mediation_org) for _ in range(2)]


@pytest.fixture
def series_pair(court, bank) -> list[Series]:
    return [
        Series.objects.create(
            institution=bank, court=court, case_type="financial_loan", product=product
        )
        for product in ("消费贷A", "消费贷B")
    ]


def _mediation(make_case, series, org, mediator=None, **fields) -> MediationCase:
    """A case of `series` in mediation (with `mediator` if given)."""
    case = make_case(series=series, state=State.SCREENING, **fields)
    actions.open_mediation([case.pk], org, by=None)
    m = MediationCase.objects.select_related("case").get(case=case)
    if mediator is not None and m.case.mediator_id != mediator.pk:
        type(m.case).objects.filter(pk=case.pk).update(mediator=mediator)
        m.case.refresh_from_db()
    return m


def _agreed(m: MediationCase) -> MediationCase:
    actions.borrower_accept(m)
    return MediationCase.objects.select_related("case").get(pk=m.pk)


def _signed_by_all(m: MediationCase, agent) -> MediationCase:
    """Agent and mediator sign through the action; the borrower's portal signature is recorded."""
    agreement = m.agreement
    actions.sign_many([agreement.pk], by=agent, ip=None)
    actions.sign_many([agreement.pk], by=m.case.mediator, ip=None)
    Signature.objects.create(
        agreement=agreement,
        role=SignerRole.BORROWER,
        signer_name="借款人",
        method="otp",
        signed_at=timezone.now(),
        document_sha256=agreement.sha256,
    )
    actions.complete_signed([agreement.pk])
    return MediationCase.objects.select_related("case").get(pk=m.pk)


# --- Bulk actions act only on the page they were started from -------------------------------


def test_bulk_sign_on_a_series_page_signs_only_that_series(
    make_case, series_pair, mediation_org, mediators, agent
):
    here, elsewhere = (
        _agreed(_mediation(make_case, s, mediation_org, mediators[0])) for s in series_pair
    )
    page = _login(agent).get(f"/mediation/series/{series_pair[0].pk}/")
    assert "批量签署 1 份调解协议" in page.content.decode()
    r = _login(agent).post(
        f"/mediation/series/{series_pair[0].pk}/action/", {"action": "sign"}, follow=True
    )
    assert "已签署 1 份调解协议" in r.content.decode()
    assert here.agreement.signatures.filter(role=SignerRole.CLAIMANT).exists()
    assert not elsewhere.agreement.signatures.exists()


def test_payments_page_lists_only_the_mediators_own_cases(
    make_case, series_pair, mediation_org, mediators, agent, make_user, other_bank
):
    mine = _signed_by_all(
        _agreed(_mediation(make_case, series_pair[0], mediation_org, mediators[0])), agent
    )
    theirs = _signed_by_all(
        _agreed(_mediation(make_case, series_pair[0], mediation_org, mediators[1])), agent
    )
    assert mine.plan and theirs.plan
    page = _login(mediators[0]).get("/mediation/payments/").content.decode()
    assert mine.case.mediation_number in page
    assert theirs.case.mediation_number not in page
    stranger = _login(make_user(Role.BANK_AGENT, other_bank)).get("/mediation/payments/")
    assert mine.case.mediation_number not in stranger.content.decode()
    # The bank sees both of its cases.
    own_bank = _login(agent).get("/mediation/payments/").content.decode()
    assert mine.case.mediation_number in own_bank and theirs.case.mediation_number in own_bank


def test_a_mediator_cannot_open_another_mediators_series_page(
    make_case, series_pair, mediation_org, mediators, make_user, court
):
    from jiefen.accounts.models import Organisation, OrganisationKind

    m = _mediation(make_case, series_pair[0], mediation_org, mediators[0])
    elsewhere = Organisation.objects.create(
        code="MED77", name="外区调解委员会", kind=OrganisationKind.MEDIATION_ORG
    )
    stranger = make_user(Role.MEDIATOR, elsewhere)
    assert _login(mediators[0]).get(f"/mediation/series/{series_pair[0].pk}/").status_code == 200
    r = _login(stranger).get(f"/mediation/series/{series_pair[0].pk}/")
    assert r.status_code == 404 and m.case.mediation_number not in r.content.decode()


# --- Bad input: a clear Chinese error, nothing changed ----------------------------------------


@pytest.fixture
def proposal(make_case, series_pair, mediation_org, mediators) -> Offer:
    m = _mediation(make_case, series_pair[0], mediation_org, mediators[0])
    return actions.propose_plan(
        m, instalments=36, first_payment=None, first_due=date.today() + timedelta(days=10)
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_payment", "abc", "还价首付应为数字"),
        ("first_payment", "1e400", "还价首付应为"),
        ("instalments", "x", "还价期数应为整数"),
    ],
)
def test_counter_offer_with_bad_numbers_is_refused_and_changes_nothing(
    proposal, agent, field, value, message
):
    data = {"action": "counter", "instalments": "12", "first_payment": "1000", field: value}
    r = _login(agent).post(f"/mediation/offers/{proposal.pk}/decide/", data, follow=True)
    assert r.status_code == 200 and message in _messages(r)
    proposal.refresh_from_db()
    assert proposal.status == OfferStatus.OPEN
    assert Offer.objects.filter(mediation=proposal.mediation).count() == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [("abc", "系列案应为整数"), ("foreign", "所选系列案不存在或不属于本机构")],
)
def test_rules_page_with_a_bad_or_foreign_series_sets_no_rule(
    agent, other_bank, court, value, message
):
    foreign = Series.objects.create(
        institution=other_bank, court=court, case_type="financial_loan", product="他行产品"
    )
    series = str(foreign.pk) if value == "foreign" else value
    r = _login(agent).post(
        "/mediation/rules/", {"series": series, "max_instalments": "12"}, follow=True
    )
    assert r.status_code == 200 and message in _messages(r)
    assert not SettlementRule.objects.exists()


def test_bulk_offer_with_a_bad_date_is_refused_and_sends_nothing(
    make_case, series_pair, mediation_org, mediators
):
    m = _mediation(make_case, series_pair[0], mediation_org, mediators[0])
    r = _login(mediators[0]).post(
        f"/mediation/series/{series_pair[0].pk}/action/",
        {"action": "offer", "instalments": "6", "first_due": "2026-13-45"},
        follow=True,
    )
    assert "首期还款日应为日期" in _messages(r)
    assert not m.offers.exists()


# --- The open redirect through POST `next` ----------------------------------------------------


@pytest.mark.parametrize(
    ("target", "lands"),
    [
        ("https://evil.example/phish", "/mediation/rules/"),
        ("//evil.example/phish", "/mediation/rules/"),
        ("/\\evil.example", "/mediation/rules/"),
        ("/mediation/", "/mediation/"),
    ],
)
def test_next_after_a_decision_stays_on_this_site(proposal, agent, target, lands):
    r = _login(agent).post(
        f"/mediation/offers/{proposal.pk}/decide/", {"action": "reject", "next": target}
    )
    assert r.status_code == 302 and r["Location"] == lands


# --- Downloads: hash checked, audited, ZIP folders named ----------------------------------------


def test_tampered_agreement_is_refused_on_download(
    make_case, series_pair, mediation_org, mediators, agent
):
    m = _agreed(_mediation(make_case, series_pair[0], mediation_org, mediators[0]))
    client = _login(agent)
    ok = client.get(f"/mediation/cases/{m.case_id}/agreement.pdf")
    assert ok.status_code == 200 and ok["X-Content-SHA256"] == m.agreement.sha256
    path = m.agreement.document.absolute_path
    path.write_bytes(path.read_bytes() + b"%tampered")
    assert client.get(f"/mediation/cases/{m.case_id}/agreement.pdf").status_code == 409


def test_every_download_is_audited_with_who_what_and_hash(
    make_case, series_pair, mediation_org, mediators, agent
):
    m = _agreed(_mediation(make_case, series_pair[0], mediation_org, mediators[0]))
    doc = m.agreement.document
    client = _login(agent)
    client.get(f"/documents/{doc.pk}/download/")
    client.get(f"/mediation/cases/{m.case_id}/agreement.pdf")
    records = AuditRecord.objects.filter(action="download.document").order_by("seq")
    assert records.count() == 2
    for record in records:
        assert record.actor_id == agent.pk and record.object_id == str(doc.pk)
        assert record.payload["sha256"] == doc.sha256 and record.payload["cases"] == [m.case_id]


def test_series_zip_names_cases_without_a_case_number_and_is_audited(
    make_case, series_pair, mediation_org, mediators, agent
):
    m = _agreed(_mediation(make_case, series_pair[0], mediation_org, mediators[0]))
    assert m.case.case_number is None
    r = _login(agent).get(f"/docket/series/{series_pair[0].pk}/documents.zip")
    data = b"".join(r.streaming_content)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert not any(n.startswith("None/") for n in names)
    assert any(n.startswith(f"{m.case.mediation_number}/") for n in names)
    record = AuditRecord.objects.get(action="download.series_zip")
    assert record.actor_id == agent.pk and record.object_id == str(series_pair[0].pk)
    assert record.payload["cases"] == [m.case_id] and record.payload["document_count"] == 1
    assert record.payload["sha256"] == hashlib.sha256(data).hexdigest()


def test_amounts_in_a_bad_field_are_named(agent):
    """The rules form names the field it could not read (and sets nothing)."""
    r = _login(agent).post("/mediation/rules/", {"min_first_payment_percent": "十"}, follow=True)
    assert "首付款最低比例应为数字" in _messages(r)
    assert not SettlementRule.objects.exists()


# --- The Word copy: POST makes it, GET only downloads ----------------------------------------


@pytest.fixture
def filed_case(make_case, court, bank, make_user):
    """A case filed through the one-click filing job (documents rendered and signed)."""
    from jiefen.docket.actions import start_filing
    from jiefen.docket.tasks import run_job
    from jiefen.lawdata.models import HolidayYear

    # The hearing may fall next year: the court has entered next year's holidays (none differ).
    HolidayYear.objects.get_or_create(
        year=timezone.localdate().year + 1,
        defaults={"complete": True, "source": "测试：假定无节假日调整"},
    )
    for _ in range(2):
        make_user(Role.JUDGE, court)
    clerk = make_user(Role.CLERK, court)
    series = Series.objects.create(
        institution=bank, court=court, case_type="financial_loan", product="立案产品"
    )
    case = make_case(series=series, state=State.AWAITING_FILING)
    job = start_filing(by=clerk, series=series, run_now=True)
    run_job(job.pk, inline=True)
    case.refresh_from_db()
    assert case.state == State.FILED, job.__class__.objects.get(pk=job.pk).error
    return case


def test_word_copy_is_made_by_post_and_a_get_never_writes(filed_case):
    from jiefen.documents.models import StoredDocument

    doc = StoredDocument.objects.get(case=filed_case, kind="summons")
    client = _login(filed_case.clerk)
    before = StoredDocument.objects.count()
    assert client.get(f"/docket/documents/{doc.pk}/word/").status_code == 404
    assert StoredDocument.objects.count() == before
    made = client.post(f"/docket/documents/{doc.pk}/word/")
    assert made.status_code == 302 and made["Location"] == f"/docket/documents/{doc.pk}/word/"
    assert StoredDocument.objects.filter(case=filed_case, format="docx").count() == 1
    for _ in range(2):
        got = client.get(made["Location"])
        assert got.status_code == 200 and b"".join(got.streaming_content)[:2] == b"PK"
    assert StoredDocument.objects.filter(case=filed_case, format="docx").count() == 1
    assert AuditRecord.objects.filter(action="download.document").count() == 2


def test_an_intake_error_export_is_audited(agent, bank, court):
    from jiefen.intake.models import Batch, BatchError

    batch = Batch.objects.create(institution=bank, court=court, case_type="financial_loan")
    BatchError.objects.create(batch=batch, row=2, column="证件号码", reason="校验位错误", value="1")
    r = _login(agent).get(f"/intake/batches/{batch.pk}/errors.csv")
    assert r.status_code == 200
    record = AuditRecord.objects.get(action="download.batch_errors")
    assert record.actor_id == agent.pk and record.object_id == str(batch.pk)
    assert record.payload["sha256"] == hashlib.sha256(r.content).hexdigest()


def test_tampered_agreement_is_refused_on_the_borrower_portal_too(
    make_case, series_pair, mediation_org, mediators
):
    from jiefen.mediation.portal import SESSION_CASE

    m = _agreed(_mediation(make_case, series_pair[0], mediation_org, mediators[0]))
    client = Client()
    session = client.session
    session[SESSION_CASE] = m.pk  # what a verified portal identification leaves in the session
    session.save()
    assert client.get("/mediation/portal/agreement.pdf").status_code == 200
    path = m.agreement.document.absolute_path
    path.write_bytes(path.read_bytes() + b"%tampered")
    assert client.get("/mediation/portal/agreement.pdf").status_code == 409
    record = AuditRecord.objects.filter(action="download.document").get()
    assert record.actor_id is None and record.payload["portal_mediation"] == m.pk


def test_a_mediator_sees_only_own_cases_not_the_whole_organisations(
    make_case, series_pair, mediation_org, mediators
):
    """The copies used to disagree (organisation-wide in one place, own cases in another)."""
    mine = _agreed(_mediation(make_case, series_pair[0], mediation_org, mediators[0]))
    colleague = _agreed(_mediation(make_case, series_pair[0], mediation_org, mediators[1]))
    client = _login(mediators[0])
    for url in ("/mediation/", f"/mediation/series/{series_pair[0].pk}/"):
        page = client.get(url).content.decode()
        assert colleague.case.mediation_number not in page, url
    series_page = client.get(f"/mediation/series/{series_pair[0].pk}/").content.decode()
    assert mine.case.mediation_number in series_page
    assert '<b id="n-cases">1</b>' in client.get("/mediation/").content.decode()
    assert client.get(f"/cases/{colleague.case_id}/").status_code == 404
    assert client.get(f"/mediation/cases/{colleague.case_id}/agreement.pdf").status_code == 404
    answers = client.get(f"/api/v1/mediation/series/{series_pair[0].pk}/answers").json()
    assert sum(answers.values()) == 1
