"""The access matrix: every URL of the site and of the API × every role × another tenant's object.

The URL list comes from Django's resolver (the ninja API included), so a new URL is covered as
soon as it exists: each URL parameter name maps to objects of another tenant (another bank's
case, series, batch, offer, document; another court's filing job; another mediator's cases), and
a parameter name this test does not know fails it. Every signed-in role gets 404 (or 405 for the
wrong method), a signed-out visitor the login page or 401, and no response — also of the pages
without parameters (home, lists, payments) — contains anything that identifies the other
tenant's cases: case number, contract number, party name, amount. Nothing of the other tenant
changes, and no download is recorded.

The home tenant has a user of every role, the partner agencies' staff included (a police liaison
and a prosecutor of the home district); the other tenant has a referral sent to another police
agency, one still under the judge's review, a fraud warning about another bank's borrower and
that bank's intervention task (issue 15). Query parameters that name an object (the referral
form's `?case=`, `?series=`, `?warning=`) are filled the same way.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from jiefen.accounts.models import Organisation, OrganisationKind, Role
from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case, CaseParty, PartyRole, Series
from jiefen.cases.states import State
from jiefen.docket.models import FilingJob
from jiefen.documents.actions import issue_document
from jiefen.documents.models import StoredDocument
from jiefen.enforcement.models import Enforcement, TitleKind
from jiefen.hearings.models import (
    Agent,
    AgentAuthority,
    Answer,
    Courtroom,
    Finding,
    Hearing,
    HearingSession,
    Transcript,
    TranscriptSignature,
)
from jiefen.intake.models import Batch, BatchError
from jiefen.judgments.models import DecisionKind, DecisionState, Judgment
from jiefen.legal_services.models import LegalRequest, RequestKind
from jiefen.mediation import actions
from jiefen.mediation.models import MediationCase, Offer, Signature, SignerRole
from jiefen.publication.models import Publication
from jiefen.referrals.models import (
    Intervention,
    Outcome,
    Referral,
    ReferralCase,
    ReferralState,
    Source,
)
from jiefen.risk.models import Warning as RiskWarning
from jiefen.risk.models import WarningKind
from jiefen.service.models import Channel, Service, ServiceAttempt, ServiceJob, ServiceReceipt

pytestmark = pytest.mark.django_db

PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")

# Parameters that do not name a tenant's object: the values to try.
# A secret service link (/s/<token>/) is a bearer token by design: a wrong one must say nothing.
PLAIN_PARAMS = {
    "fmt_name": ["csv", "xlsx"],
    "case_type": ["financial_loan", "credit_card"],
    "token": ["wrong-token-000000000000"],
}

# Query parameters that name an object, per URL name: {url name: {query key: object param}}.
QUERY_PARAMS = {
    "referrals:new": {"case": "case_id", "series": "series_id", "warning": "warning_id"},
}

# Namespaces outside the matrix, with the reason (checked separately below).
OUTSIDE = {"admin": "Django admin: staff accounts only (is_staff), see test_admin_is_closed"}

FOREIGN_NAMES = ["欧阳外甲", "欧阳外乙", "欧阳外丙"]
FOREIGN_AMOUNTS = [Decimal("98765.43"), Decimal("87654.32"), Decimal("76543.21")]
FOREIGN_PRODUCT = "外地专属消费贷"
FOREIGN_FILE = "foreign-batch-7731.csv"
FOREIGN_ENFORCEMENT = "（2026）渝0106执77号"
FOREIGN_REQUEST = "外地银行专属合规咨询"
FOREIGN_WARNING = "外地银行专属激增预警"
FOREIGN_REFERRAL = "渝0106法移〔2026〕77号"
FOREIGN_STATEMENT = "外地放贷人专属砍头息事实"
FOREIGN_OPEN_STATEMENT = "外地审查中专属移送事实"
FOREIGN_FRAUD = "外地借款人专属冒名预警"
FOREIGN_FACTS = "外地借款人专属干预事实"

GENERIC_POST = {"action": "fail", "reason": "矩阵测试", "instalments": "1", "next": "/"}


def routes() -> Iterator[tuple[str, str | None, tuple[str, ...]]]:
    """(route with <params>, url name, namespaces) for every URL the site answers."""

    def walk(patterns: list[Any], prefix: str, ns: tuple[str, ...]) -> Iterator[Any]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern), (*ns, p.namespace or ""))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), p.name, ns

    yield from walk(get_resolver().url_patterns, "", ())


def _court(code: str, name: str) -> Organisation:
    return Organisation.objects.create(
        code=code,
        name=name,
        kind=OrganisationKind.COURT,
        court_code=code,
        division_code="500106",
        province="重庆",
    )


@pytest.fixture
def home(court, bank, mediation_org, notary_office, make_user, make_case, make_party) -> dict:
    """A user of every role in the home tenant (bank, court, mediation organisation, notary,
    the district's police and procuratorate)."""
    police = Organisation.objects.create(
        code="GA0105", name="重庆市公安局江北区分局", kind=OrganisationKind.POLICE
    )
    procuratorate = Organisation.objects.create(
        code="JC0105", name="重庆市江北区人民检察院", kind=OrganisationKind.PROCURATORATE
    )
    party = make_party(name="本方借款人")
    case = make_case(defendant=party, claim_total=Decimal("12000.00"))
    lawyer = make_user(Role.LAWYER)
    Agent.objects.create(
        case=case,
        party=party,
        lawyer=lawyer,
        law_firm="本方律师事务所",
        authority=AgentAuthority.SPECIAL,
    )
    users = {
        Role.BANK_AGENT: make_user(Role.BANK_AGENT, bank),
        Role.MEDIATOR: make_user(Role.MEDIATOR, mediation_org),
        Role.JUDGE: make_user(Role.JUDGE, court),
        Role.CLERK: make_user(Role.CLERK, court),
        Role.COURT_PRESIDENT: make_user(Role.COURT_PRESIDENT, court),
        Role.ENFORCEMENT_OFFICER: make_user(Role.ENFORCEMENT_OFFICER, court),
        Role.NOTARY: make_user(Role.NOTARY, notary_office),
        Role.DEFENDANT: make_user(Role.DEFENDANT, party=party),
        Role.LAWYER: lawyer,
        Role.POLICE_LIAISON: make_user(Role.POLICE_LIAISON, police),
        Role.PROSECUTOR: make_user(Role.PROSECUTOR, procuratorate),
    }
    # Every role but the platform admin (who sees everything by design) is in the matrix.
    assert set(users) == set(Role) - {Role.PLATFORM_ADMIN}
    return users


@pytest.fixture
def foreign(other_bank, make_user, make_case, make_party) -> dict[str, Any]:
    """Another tenant: another bank's series at another court, worked by that court's staff and
    another mediation organisation's mediator — a mediation with a signed agreement and a plan,
    a borrower's proposal waiting, a case sent to filing, an intake batch and documents."""
    court_b = _court("渝0106", "重庆市沙坪坝区人民法院")
    org_b = Organisation.objects.create(
        code="MED09", name="沙区调解委员会", kind=OrganisationKind.MEDIATION_ORG, court=court_b
    )
    agent_b = make_user(Role.BANK_AGENT, other_bank)
    mediator_b = make_user(Role.MEDIATOR, org_b)
    clerk_b = make_user(Role.CLERK, court_b)
    judge_b = make_user(Role.JUDGE, court_b)
    series = Series.objects.create(
        institution=other_bank, court=court_b, case_type="financial_loan", product=FOREIGN_PRODUCT
    )
    batch = Batch.objects.create(
        institution=other_bank,
        court=court_b,
        case_type="financial_loan",
        file_name=FOREIGN_FILE,
        uploaded_by=agent_b,
    )
    BatchError.objects.create(batch=batch, row=2, column="姓名", reason="测试", value="欧阳外丁")
    cases = [
        make_case(
            institution=other_bank,
            court=court_b,
            series=series,
            batch=batch,
            state=State.SCREENING,
            defendant=make_party(name=name),
            claim_total=amount,
        )
        for name, amount in zip(FOREIGN_NAMES, FOREIGN_AMOUNTS, strict=True)
    ]
    actions.open_mediation([c.pk for c in cases[:2]], org_b, by=None)
    agreed = MediationCase.objects.get(case=cases[0])
    actions.borrower_accept(agreed)
    agreement = MediationCase.objects.get(pk=agreed.pk).agreement
    actions.sign_many([agreement.pk], by=agent_b, ip=None)
    actions.sign_many([agreement.pk], by=mediator_b, ip=None)
    Signature.objects.create(
        agreement=agreement,
        role=SignerRole.BORROWER,
        signer_name=FOREIGN_NAMES[0],
        method="otp",
        signed_at=timezone.now(),
        document_sha256=agreement.sha256,
    )
    actions.complete_signed([agreement.pk])
    proposal = actions.propose_plan(
        MediationCase.objects.get(case=cases[1]),
        instalments=36,
        first_payment=None,
        first_due=date.today() + timedelta(days=10),
    )
    Case.objects.filter(pk=cases[2].pk).update(state=State.AWAITING_FILING)
    job = FilingJob.objects.create(
        court=court_b, series=series, case_ids=[cases[2].pk], total=1, requested_by=clerk_b
    )
    notice = issue_document(
        Case.objects.get(pk=cases[0].pk),
        "generic",
        recipient=cases[0].defendants[0].party,
        context={"title": "通知书", "paragraphs": [f"{FOREIGN_NAMES[0]}：请于十日内答复。"]},
        by=None,
    )
    service = Service.objects.create(
        case=cases[0], party=cases[0].defendants[0].party, packet=notice
    )
    attempt = ServiceAttempt.objects.create(
        service=service,
        channel=Channel.POST,
        address="重庆市沙坪坝区外地路1号",
        address_masked="重庆市沙坪坝区****",
        address_source="借款合同",
    )
    service_job = ServiceJob.objects.create(
        court=court_b, series=series, case_ids=[cases[0].pk], total=1, requested_by=clerk_b
    )
    heard = _foreign_hearing(court_b, judge_b, series, cases[2])
    officer_b = make_user(Role.ENFORCEMENT_OFFICER, court_b)
    Case.objects.filter(pk=cases[2].pk).update(enforcement_officer=officer_b)
    enforcement = Enforcement.objects.create(
        case=cases[2],
        number=FOREIGN_ENFORCEMENT,
        title_kind=TitleKind.JUDGMENT,
        title_reference="（2025）渝0106民初9931号民事判决书",
        filed_on=date.today(),
        officer=officer_b,
        principal=Decimal("30000.00"),
        delay_from=date.today() - timedelta(days=5),
        applied_total=Decimal("30000.00"),
        execution_fee=Decimal("350.00"),
        debt_outstanding=Decimal("30000.00"),
    )
    request = LegalRequest.objects.create(
        institution=other_bank,
        posted_by=agent_b,
        kind=RequestKind.COMPLIANCE,
        subject=FOREIGN_REQUEST,
        body=f"{FOREIGN_REQUEST}：贷后催收话术是否合规",
        posted_on=date.today(),
    )
    warning = RiskWarning.objects.create(
        kind=WarningKind.SURGE,
        fingerprint=f"surge:institution:{other_bank.pk}",
        subject_key=f"institution:{other_bank.pk}",
        subject_name=FOREIGN_WARNING,
        score=Decimal("42.00"),
        summary=f"{FOREIGN_WARNING}近30日起诉激增",
        opened_on=date.today(),
        updated_on=date.today(),
    )
    warning.cases.set([c.pk for c in cases])
    referrals = _foreign_referrals(court_b, judge_b, mediator_b, series, cases, notice)
    fraud, intervention = _foreign_intervention(other_bank, cases[1])
    from jiefen.webhooks.models import Subscription  # issue 14: another bank's webhook

    subscription = Subscription.objects.create(
        institution=other_bank, url="https://bank-b.example/hook", secret="whsec_b"
    )
    cases = list(Case.objects.filter(pk__in=[c.pk for c in cases]).order_by("pk"))
    return {
        "subscriptions": [subscription],
        "warnings": [warning, fraud],
        "referrals": referrals,
        "interventions": [intervention],
        "requests": [request],
        "institutions": [other_bank],
        **heard,
        "attempts": [attempt],
        "service_jobs": [service_job],
        "enforcements": [enforcement],
        "cases": cases,
        "series": [series],
        "offers": [proposal, Offer.objects.get(pk=agreement.offer_id)],
        "documents": [agreement.document, notice],
        "jobs": [job],
        "batches": [batch],
        "identifiers": [
            *FOREIGN_NAMES,
            "欧阳外丁",
            FOREIGN_PRODUCT,
            FOREIGN_FILE,
            *(c.contract_number for c in cases),
            *(c.case_number for c in cases if c.case_number),
            *(c.mediation_number for c in cases if c.mediation_number),
            FOREIGN_ENFORCEMENT,
            FOREIGN_REQUEST,
            FOREIGN_WARNING,
            FOREIGN_REFERRAL,
            FOREIGN_STATEMENT,
            FOREIGN_OPEN_STATEMENT,
            FOREIGN_FRAUD,
            FOREIGN_FACTS,
            *(f"{a}" for a in FOREIGN_AMOUNTS),
            *(f"{a:,}" for a in FOREIGN_AMOUNTS),
        ],
    }


def _foreign_referrals(
    court_b: Organisation,
    judge_b: Any,
    mediator_b: Any,
    series: Series,
    cases: list[Case],
    letter: StoredDocument,
) -> list[Referral]:
    """The other court's referrals to the other district's police: one sent with its letter
    (another agency's: the home liaison must not see it), one still under the judge's review."""
    police_b = Organisation.objects.create(
        code="GA0106", name="重庆市公安局沙坪坝区分局", kind=OrganisationKind.POLICE
    )
    sent = Referral.objects.create(
        number=FOREIGN_REFERRAL,
        court=court_b,
        agency=police_b,
        judge=judge_b,
        series=series,
        source=Source.JUDGE,
        opened_by=judge_b,
        grounds=["withheld_interest"],
        statement=FOREIGN_STATEMENT,
        state=ReferralState.SENT,
        outcome=Outcome.SUSPEND,
        letter=letter,
        decided_on=date.today(),
        sent_on=date.today(),
    )
    under_review = Referral.objects.create(
        court=court_b,
        agency=police_b,
        judge=judge_b,
        source=Source.MEDIATOR,
        opened_by=mediator_b,
        grounds=["serial_loans"],
        statement=FOREIGN_OPEN_STATEMENT,
    )
    for referral, case in ((sent, cases[2]), (under_review, cases[1])):
        ReferralCase.objects.create(referral=referral, case=case, state_at_referral=case.state)
    return [sent, under_review]


def _foreign_intervention(other_bank: Organisation, case: Case) -> tuple[Any, Intervention]:
    """A fraud warning about the other bank's borrower and that bank's task to call them."""
    borrower = case.defendants[0].party
    fraud = RiskWarning.objects.create(
        kind=WarningKind.IDENTITY_MISUSE,
        fingerprint=f"identity_misuse:party:{borrower.pk}:institution:{other_bank.pk}",
        subject_key=f"party:{borrower.pk}:institution:{other_bank.pk}",
        subject_name=FOREIGN_FRAUD,
        institution=other_bank,
        score=Decimal("80.00"),
        summary=f"{FOREIGN_FRAUD}：借款人报告被冒名贷款",
        opened_on=date.today(),
        updated_on=date.today(),
    )
    fraud.cases.set([case.pk])
    intervention = Intervention.objects.create(
        warning=fraud,
        party=borrower,
        assignee_org=other_bank,
        facts=FOREIGN_FACTS,
        script="您好，这里是银行反诈专线。",
    )
    return fraud, intervention


def _foreign_hearing(court_b: Organisation, judge_b: Any, series: Series, case: Case) -> dict:
    """The other court's hearing of one case: its session, finding, transcript signer and a
    pronounced judgment (visible outside that court only to that case's own parties)."""
    Case.objects.filter(pk=case.pk).update(case_number="（2025）渝0106民初9931号")
    room = Courtroom.objects.create(court=court_b, name="沙区第九法庭")
    starts = timezone.now() + timedelta(days=20)
    session = HearingSession.objects.create(
        court=court_b,
        courtroom=room,
        judge=judge_b,
        series=series,
        day=starts.date(),
        period="am",
        starts_at=starts,
        minutes_per_case=6,
        capacity=30,
    )
    hearing = Hearing.objects.create(case=case, session=session, position=1, starts_at=starts)
    finding = Finding.objects.create(
        case=case,
        key="principal",
        label="本金",
        section="claims",
        claim_text="本金",
        answer_text="",
    )
    transcript = Transcript.objects.create(hearing=hearing, generated="笔录", text="笔录")
    signature = TranscriptSignature.objects.create(
        transcript=transcript, name=FOREIGN_NAMES[2], role="被告"
    )
    judgment = Judgment.objects.create(
        case=case, kind=DecisionKind.JUDGMENT, state=DecisionState.PRONOUNCED
    )
    # Prepared for publication and waiting for that court's clerk: public nowhere yet.
    publication = Publication.objects.create(
        judgment=judgment,
        title=f"原告与被告{FOREIGN_NAMES[2]}金融借款合同纠纷一审民事判决书",
        original_text=f"被告{FOREIGN_NAMES[2]}",
        anonymised_text=f"被告{FOREIGN_NAMES[2]}",
        prepared_on=date.today(),
    )
    return {
        "publications": [publication],
        "sessions": [session],
        "hearings": [hearing],
        "findings": [finding],
        "signatures": [signature],
        "judgments": [judgment],
    }


def _objects(foreign: dict[str, Any]) -> dict[str, list[Any]]:
    """Which foreign objects to put in each URL parameter. An unknown name fails the test."""
    return {
        "case_id": [c.pk for c in foreign["cases"]],
        "series_id": [s.pk for s in foreign["series"]],
        "offer_id": [o.pk for o in foreign["offers"]],
        "document_id": [d.pk for d in foreign["documents"]],
        "job_id": [j.pk for j in foreign["jobs"]],
        "batch_id": [b.pk for b in foreign["batches"]],
        "service_job_id": [j.pk for j in foreign["service_jobs"]],
        "attempt_id": [a.pk for a in foreign["attempts"]],
        "session_id": [s.pk for s in foreign["sessions"]],
        "hearing_id": [h.pk for h in foreign["hearings"]],
        "finding_id": [f.pk for f in foreign["findings"]],
        "signature_id": [s.pk for s in foreign["signatures"]],
        "judgment_id": [j.pk for j in foreign["judgments"]],
        "case_number": [c.case_number for c in foreign["cases"] if c.case_number],
        "enforcement_id": [e.pk for e in foreign["enforcements"]],
        "number": [e.number for e in foreign["enforcements"]],
        "publication_id": [p.pk for p in foreign["publications"]],
        "request_id": [r.pk for r in foreign["requests"]],
        "institution_id": [i.pk for i in foreign["institutions"]],
        "warning_id": [w.pk for w in foreign["warnings"]],
        "subscription_id": [s.pk for s in foreign["subscriptions"]],
        "referral_id": [r.pk for r in foreign["referrals"]],
        "intervention_id": [i.pk for i in foreign["interventions"]],
    }


def _urls(foreign: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(URLs naming a foreign object, URLs without one) built from every route."""
    objects = _objects(foreign)
    targeted: list[str] = []
    plain: list[str] = []
    for route, name, ns in routes():
        if ns and ns[0] in OUTSIDE:
            continue
        # A form that takes its object in the query string (e.g. `/referrals/new/?case=`).
        for key, param in QUERY_PARAMS.get(":".join([*ns, name or ""]).lstrip(":"), {}).items():
            targeted += [f"/{route.lstrip('^').rstrip('$')}?{key}={v}" for v in objects[param]]
        route = route.lstrip("^").rstrip("$")
        names = [m.group("name") for m in PARAM.finditer(route)]
        unknown = set(names) - set(objects) - set(PLAIN_PARAMS)
        assert not unknown, f"{route}: parameter {unknown} has no foreign object in the matrix"
        urls = ["/" + route]
        for name in names:
            values = objects.get(name) or PLAIN_PARAMS[name]
            urls = [
                PARAM.sub(lambda m, v=v, n=name: str(v) if m.group("name") == n else m.group(0), u)
                for u in urls
                for v in values
            ]
        (targeted if set(names) & set(objects) else plain).extend(urls)
    return targeted, plain


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _snapshot() -> tuple[Any, ...]:
    return (
        list(Case.objects.order_by("pk").values_list("pk", "state", "mediator_id", "judge_id")),
        list(Offer.objects.order_by("pk").values_list("pk", "status")),
        FilingJob.objects.count(),
        StoredDocument.objects.count(),
        Signature.objects.count(),
        list(ServiceAttempt.objects.order_by("pk").values_list("pk", "state", "read_at")),
        ServiceJob.objects.count(),
        ServiceReceipt.objects.count(),
        list(Hearing.objects.order_by("pk").values_list("pk", "state", "starts_at")),
        list(Finding.objects.order_by("pk").values_list("pk", "confirmed", "text")),
        list(TranscriptSignature.objects.order_by("pk").values_list("pk", "signed_at")),
        list(Judgment.objects.order_by("pk").values_list("pk", "state")),
        Agent.objects.count(),
        Answer.objects.count(),
        list(Referral.objects.order_by("pk").values_list("pk", "state", "outcome", "answer")),
        list(ReferralCase.objects.order_by("pk").values_list("pk", "outcome")),
        list(Intervention.objects.order_by("pk").values_list("pk", "outcome", "done_at")),
        # Signing in is recorded (auth.*); nothing else may be: no action, no download.
        AuditRecord.objects.exclude(action__startswith="auth.").count(),
    )


def test_every_role_is_refused_every_url_of_another_tenant(home, foreign):
    targeted, plain = _urls(foreign)
    assert any("/api/v1/" in u for u in targeted), "the API routes must be in the matrix"
    assert len(targeted) >= 25
    assert any("/referrals/new/?case=" in u for u in targeted), "query parameters are mapped"
    before = _snapshot()
    leaks: list[str] = []
    wrong: list[str] = []
    clients: dict[str, Client] = {"anonymous": Client()}
    for role, user in home.items():
        clients[role] = Client()
        clients[role].force_login(user)
    for who, client in clients.items():
        for url in targeted:
            answers = {}
            for method in ("get", "post"):
                kwargs = {"data": GENERIC_POST} if method == "post" else {}
                r = getattr(client, method)(url, **kwargs)
                answers[method] = r.status_code
                body = _body(r)
                # A refusal may echo what the caller sent (a missing case number says the same).
                leaks += [
                    f"{who} {method} {url}: {i}"
                    for i in foreign["identifiers"]
                    if i in body and i not in url
                ]
                if who == "anonymous":
                    ok = r.status_code in (401, 403, 404, 405) or (
                        r.status_code == 302 and r["Location"].startswith("/login/")
                    )
                else:
                    ok = r.status_code in (404, 405)
                if not ok:
                    wrong.append(f"{who} {method} {url}: {r.status_code}")
            if who != "anonymous" and 404 not in answers.values():
                wrong.append(f"{who} {url}: no method answered 404 ({answers})")
        for url in plain:
            r = client.get(url)
            assert r.status_code < 500, f"{who} GET {url}: {r.status_code}"
            body = _body(r)
            leaks += [f"{who} GET {url}: {i}" for i in foreign["identifiers"] if i in body]
    assert not wrong, "\n".join(wrong[:40])
    assert not leaks, "\n".join(leaks[:40])
    assert _snapshot() == before


def test_unknown_url_parameter_fails_the_matrix(foreign, monkeypatch):
    """A new URL whose parameter the matrix cannot fill is a failure, not a silent skip."""
    matrix = sys.modules[__name__]
    real = list(routes())
    monkeypatch.setattr(
        matrix, "routes", lambda: iter([*real, ("stages/<int:stage_id>/", "new", ())])
    )
    with pytest.raises(AssertionError, match="stage_id"):
        matrix._urls(foreign)


def test_admin_is_closed_to_every_role(home, client):
    for user in home.values():
        client.force_login(user)
        r = client.get("/admin/")
        assert r.status_code == 302 and r["Location"].startswith("/admin/login/")


def test_a_party_sees_own_and_case_wide_documents_not_a_co_defendants(
    make_case, make_party, make_user, bank, mediation_org
):
    make_user(Role.MEDIATOR, mediation_org)
    first, second = make_party(name="甲借款人"), make_party(name="乙担保人")
    case = make_case(defendant=first, state=State.SCREENING)
    CaseParty.objects.create(case=case, party=second, role=PartyRole.GUARANTOR)
    actions.open_mediation([case.pk], mediation_org, by=None)
    m = MediationCase.objects.get(case=case)
    actions.borrower_accept(m)
    case_wide = MediationCase.objects.get(pk=m.pk).agreement.document  # 调解协议书: all parties
    mine = issue_document(case, "generic", recipient=first, context=_notice("甲"), by=None)
    theirs = issue_document(case, "generic", recipient=second, context=_notice("乙"), by=None)
    client = Client()
    client.force_login(make_user(Role.DEFENDANT, party=first))
    assert client.get(f"/documents/{mine.pk}/download/").status_code == 200
    assert client.get(f"/documents/{case_wide.pk}/download/").status_code == 200
    assert client.get(f"/mediation/cases/{case.pk}/agreement.pdf").status_code == 200
    assert client.get(f"/documents/{theirs.pk}/download/").status_code == 404
    assert client.get(f"/documents/{theirs.pk}/").status_code == 404
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/documents/{mine.pk}/" in page and f"/documents/{case_wide.pk}/" in page
    assert f"/documents/{theirs.pk}/" not in page
    # The bank (the claimant) sees both notices of its case.
    agent = Client()
    agent.force_login(make_user(Role.BANK_AGENT, bank))
    assert agent.get(f"/documents/{theirs.pk}/download/").status_code == 200


def _notice(who: str) -> dict[str, Any]:
    return {"title": "通知书", "paragraphs": [f"{who}：请于十日内答复。"]}
