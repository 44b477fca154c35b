"""Who sees the referrals (issue 15): the partner agencies see what was sent to them and nothing
else; the court sees its referrals by who decides or opened them; a bank sees the fraud warnings
and intervention tasks about its own borrowers only (docs/access.md)."""

from __future__ import annotations

import importlib.util
import itertools
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.http import Http404
from django.test import Client

from jiefen.accounts.models import Organisation, OrganisationKind, Role, User
from jiefen.cases import access
from jiefen.cases.models import Case
from jiefen.documents import storage
from jiefen.documents.actions import issue_document
from jiefen.documents.models import StoredDocument
from jiefen.referrals.models import (
    IdentityReport,
    Intervention,
    Outcome,
    Referral,
    ReferralCase,
    ReferralState,
    ReportedContact,
    ReportSource,
    Source,
)
from jiefen.risk.models import Warning as RiskWarning
from jiefen.risk.models import WarningKind

pytestmark = pytest.mark.django_db

_letters = itertools.count(1)


def _refer(
    cases: list[Case],
    agency: Organisation,
    judge: User,
    *,
    state: str = ReferralState.SENT,
    opened_by: User | None = None,
    with_letter: bool = True,
) -> Referral:
    """A referral of `cases` to `agency` in `state` (sent ones carry their sealed letter)."""
    n = next(_letters)
    sent = state not in (ReferralState.OPEN, ReferralState.NOT_REFERRED)
    referral = Referral.objects.create(
        number=f"渝0105法移〔2026〕{n}号" if sent else "",
        court=cases[0].court,
        agency=agency,
        judge=judge,
        source=Source.JUDGE if opened_by is None or opened_by == judge else Source.MEDIATOR,
        opened_by=opened_by or judge,
        grounds=["withheld_interest"],
        statement="出借人预先扣除利息，实际出借金额低于合同金额",
        state=state,
        outcome=Outcome.SUSPEND if sent else "",
        letter=_letter(cases[0], n) if sent and with_letter else None,
        sent_on=date(2026, 11, 2) if sent else None,
    )
    for case in cases:
        ReferralCase.objects.create(referral=referral, case=case, state_at_referral=case.state)
    return referral


def _letter(case: Case, n: int) -> StoredDocument:
    """The sealed 移送函 as the referral documents store it (kind `referral_letter`)."""
    stored = storage.store(
        b"%PDF-1.7 letter " + str(n).encode(), folder="t", name="移送函", ext="pdf"
    )
    return StoredDocument.objects.create(
        case=case,
        kind=access.REFERRAL_LETTER,
        title="移送函",
        format="pdf",
        recipient="公安机关",
        path=stored.path,
        sha256=stored.sha256,
        size=stored.size,
        signed=True,
    )


def _notice(case: Case) -> StoredDocument:
    return issue_document(
        case,
        "generic",
        recipient=case.defendants[0].party,
        context={"title": "通知书", "paragraphs": ["请于十日内答复。"]},
        by=None,
    )


@pytest.fixture
def agencies(police: Organisation, procuratorate: Organisation) -> dict[str, Organisation]:
    return {Role.POLICE_LIAISON: police, Role.PROSECUTOR: procuratorate}


@pytest.fixture
def partners(liaison: User, prosecutor: User) -> dict[str, User]:
    return {Role.POLICE_LIAISON: liaison, Role.PROSECUTOR: prosecutor}


@pytest.mark.parametrize("role", [Role.POLICE_LIAISON, Role.PROSECUTOR])
def test_a_partner_sees_exactly_the_cases_and_documents_sent_to_its_agency(
    role, agencies, partners, filed_case, judge, other_police, make_user, lender
):
    me, agency = partners[role], agencies[role]
    referred = [filed_case(), filed_case()]
    not_referred = filed_case()  # same series, same judge: never sent
    under_review = filed_case()
    declined_to_refer = filed_case()
    elsewhere = filed_case()
    sent = _refer(referred, agency, judge)
    open_one = _refer([under_review], agency, judge, state=ReferralState.OPEN)
    kept = _refer([declined_to_refer], agency, judge, state=ReferralState.NOT_REFERRED)
    others = _refer([elsewhere], other_police, judge)
    docs = {c.pk: _notice(c) for c in [*referred, not_referred, under_review, elsewhere]}

    assert set(access.visible_cases(me)) == set(referred)
    assert set(access.visible_referrals(me)) == {sent}
    assert set(access.visible_documents(me)) == {
        sent.letter,
        docs[referred[0].pk],
        docs[referred[1].pk],
    }
    assert access.case_for(me, referred[1].pk) == referred[1]
    assert access.document_for(me, docs[referred[1].pk].pk) == docs[referred[1].pk]
    assert access.document_for(me, sent.letter_id) == sent.letter
    for case in (not_referred, under_review, declined_to_refer, elsewhere):
        with pytest.raises(Http404, match="案件不存在或无权查看"):
            access.case_for(me, case.pk)
    for case in (not_referred, under_review, elsewhere):
        with pytest.raises(Http404, match="文书不存在或无权查看"):
            access.document_for(me, docs[case.pk].pk)
    with pytest.raises(Http404, match="文书不存在或无权查看"):
        access.document_for(me, others.letter_id)
    for referral in (open_one, kept, others):
        with pytest.raises(Http404, match="移送记录不存在或无权查看"):
            access.referral_for(me, referral.pk)
    assert access.referral_for(me, sent.pk) == sent

    # Answered either way, the referral stays with the agency (its file of the matter).
    for state in (ReferralState.ACCEPTED, ReferralState.DECLINED):
        Referral.objects.filter(pk=sent.pk).update(state=state)
        assert set(access.visible_cases(me)) == set(referred)

    # A case taken out of the referral leaves the agency's scope with its documents.
    ReferralCase.objects.filter(referral=sent, case=referred[1]).delete()
    assert set(access.visible_cases(me)) == {referred[0]}
    with pytest.raises(Http404):
        access.case_for(me, referred[1].pk)
    with pytest.raises(Http404):
        access.document_for(me, docs[referred[1].pk].pk)

    # The same agency's colleague sees the same; the other agency's staff only theirs.
    colleague = make_user(role, agency)
    assert set(access.visible_cases(colleague)) == {referred[0]}
    stranger = make_user(role, other_police)
    assert set(access.visible_cases(stranger)) == {elsewhere}
    assert set(access.visible_referrals(stranger)) == {others}


def test_a_partner_reads_the_case_and_nothing_of_the_stages_around_it(
    liaison, prosecutor, police, procuratorate, filed_case, judge, lender_series
):
    case = filed_case()
    _refer([case], police, judge)
    _refer([case], procuratorate, judge)
    warning = RiskWarning.objects.create(
        kind=WarningKind.WITHHELD_INTEREST,
        fingerprint=f"withheld_interest:institution:{case.institution_id}",
        subject_key=f"institution:{case.institution_id}",
        subject_name="预扣利息",
        score=Decimal("70.00"),
        summary="预扣利息",
        opened_on=date(2026, 11, 1),
        updated_on=date(2026, 11, 1),
    )
    warning.cases.set([case.pk])
    for user in (liaison, prosecutor):
        assert access.case_for(user, case.pk) == case
        # Not the series (the rest of it stays with the court), nor any working record.
        assert not access.visible_series(user).exists()
        with pytest.raises(Http404):
            access.series_for(user, lender_series.pk)
        for name in (
            "visible_mediations",
            "visible_offers",
            "visible_agreements",
            "visible_plans",
            "visible_services",
            "visible_hearings",
            "visible_answers",
            "visible_agents",
            "visible_judgments",
            "visible_enforcements",
            "visible_applications",
            "visible_publications",
            "visible_batches",
            "visible_filing_jobs",
            "visible_service_jobs",
            "visible_sessions",
            "visible_warnings",
            "visible_rules",
            "visible_legal_requests",
            "visible_service_files",
            "visible_subscriptions",
            "visible_identity_reports",
        ):
            assert not getattr(access, name)(user).exists(), (user.role, name)
        # Read only: no move of the case is theirs.
        assert access.allowed_events(case, user) == []


def test_every_desk_but_theirs_is_closed_to_the_partners(liaison, prosecutor):
    theirs = {liaison: {"referrals", "interventions"}, prosecutor: {"referrals"}}
    for user, own in theirs.items():
        for name in access.DESKS:
            if name in own:
                assert access.desk(user, name) == user
            else:
                with pytest.raises(Http404, match="页面不存在"):
                    access.desk(user, name)
    assert access.may_open(liaison, "interventions")
    assert not access.may_open(prosecutor, "interventions")


def test_the_letter_to_the_police_is_not_the_parties_to_read(
    filed_case, judge, police, make_user, lender, make_party, court
):
    case = filed_case()
    notice = _notice(case)
    sent = _refer([case], police, judge)
    agent = make_user(Role.BANK_AGENT, lender)
    party = make_user(Role.DEFENDANT, party=case.defendants[0].party)
    assert set(access.visible_documents(agent, case)) == {notice}
    assert notice in access.visible_documents(party, case)
    for user in (agent, party):
        with pytest.raises(Http404, match="文书不存在或无权查看"):
            access.document_for(user, sent.letter_id)
    # The court keeps it with the case.
    assert access.document_for(judge, sent.letter_id) == sent.letter
    assert access.document_for(make_user(Role.COURT_PRESIDENT, court), sent.letter_id)


def test_the_court_sees_its_referrals_by_who_decides_or_opened_them(
    filed_case, judge, other_judge, mediator, police, make_user, court, make_case, bank
):
    mine = _refer([filed_case()], police, judge, state=ReferralState.OPEN)
    opened_for_other = _refer([filed_case(judge=other_judge)], police, other_judge, opened_by=judge)
    by_mediator = _refer([filed_case(judge=other_judge)], police, other_judge, opened_by=mediator)
    theirs = _refer([filed_case(judge=other_judge)], police, other_judge)
    elsewhere_court = Organisation.objects.create(
        code="渝0106", name="重庆市沙坪坝区人民法院", kind=OrganisationKind.COURT
    )
    other_court = _refer([make_case(court=elsewhere_court)], police, other_judge)
    president = make_user(Role.COURT_PRESIDENT, court)
    admin = make_user(Role.PLATFORM_ADMIN)
    assert set(access.visible_referrals(judge)) == {mine, opened_for_other}
    assert set(access.visible_referrals(other_judge)) == {
        opened_for_other,
        by_mediator,
        theirs,
        other_court,
    }
    assert set(access.visible_referrals(mediator)) == {by_mediator}
    assert set(access.visible_referrals(president)) == {
        mine,
        opened_for_other,
        by_mediator,
        theirs,
    }
    assert access.visible_referrals(admin).count() == 5
    for role in (Role.BANK_AGENT, Role.CLERK, Role.ENFORCEMENT_OFFICER, Role.NOTARY):
        assert not access.visible_referrals(make_user(role, court)).exists(), role
    with pytest.raises(Http404, match="移送记录不存在或无权查看"):
        access.referral_for(mediator, mine.pk)
    with pytest.raises(Http404, match="移送记录不存在或无权查看"):
        access.referral_for(judge, "x")

    # Only the referral's judge decides; only the agency it went to answers.
    assert access.may_decide_referral(judge, mine)
    assert not access.may_decide_referral(judge, opened_for_other)
    assert not access.may_decide_referral(president, mine)
    assert not access.may_decide_referral(admin, mine)
    assert not access.may_decide_referral(mediator, by_mediator)


def test_only_the_agency_it_was_sent_to_answers(
    filed_case, judge, police, liaison, other_liaison, prosecutor, procuratorate, make_user
):
    to_police = _refer([filed_case()], police, judge)
    to_procuratorate = _refer([filed_case()], procuratorate, judge)
    assert access.may_answer_referral(liaison, to_police)
    assert not access.may_answer_referral(other_liaison, to_police)
    assert not access.may_answer_referral(liaison, to_procuratorate)
    assert access.may_answer_referral(prosecutor, to_procuratorate)
    assert not access.may_answer_referral(judge, to_police)
    assert not access.may_answer_referral(make_user(Role.PLATFORM_ADMIN, police), to_police)
    assert not access.may_answer_referral(make_user(Role.POLICE_LIAISON), to_police)
    inactive = make_user(Role.POLICE_LIAISON, police, is_active=False)
    assert not access.may_answer_referral(inactive, to_police)


def _fraud_warning(kind: str, party_id: int, institution: Organisation, case: Case) -> RiskWarning:
    warning = RiskWarning.objects.create(
        kind=kind,
        fingerprint=f"{kind}:party:{party_id}:institution:{institution.pk}",
        subject_key=f"party:{party_id}:institution:{institution.pk}",
        subject_name=f"借款人{party_id}",
        institution=institution,
        score=Decimal("80.00"),
        summary="借款人报告被冒名贷款",
        opened_on=date(2026, 11, 1),
        updated_on=date(2026, 11, 1),
    )
    warning.cases.set([case.pk])
    return warning


@pytest.fixture
def warnings(make_case, bank, other_bank, lender, court) -> dict[str, RiskWarning]:
    """Fraud warnings about a borrower of each bank, and a crime warning about the lender."""
    own, foreign = make_case(institution=bank), make_case(institution=other_bank)
    lent = make_case(institution=lender)
    return {
        "own": _fraud_warning(WarningKind.IDENTITY_MISUSE, own.defendants[0].party_id, bank, own),
        "own_contact": _fraud_warning(
            WarningKind.FRAUD_CONTACT, own.defendants[0].party_id, bank, own
        ),
        "foreign": _fraud_warning(
            WarningKind.IDENTITY_MISUSE, foreign.defendants[0].party_id, other_bank, foreign
        ),
        # A crime signal about the bank itself as a lender is not the bank's to see.
        "crime": _fraud_warning(
            WarningKind.WITHHELD_INTEREST, lent.defendants[0].party_id, bank, lent
        ),
        "crime_lender": _fraud_warning(
            WarningKind.SERIAL_LOANS, lent.defendants[0].party_id, lender, lent
        ),
    }


def test_a_bank_sees_fraud_warnings_about_its_own_borrowers_only(
    warnings, make_user, bank, lender, client
):
    agent = make_user(Role.BANK_AGENT, bank)
    assert set(access.visible_warnings(agent)) == {warnings["own"], warnings["own_contact"]}
    assert access.warning_for(agent, warnings["own"].pk) == warnings["own"]
    for key in ("foreign", "crime", "crime_lender"):
        with pytest.raises(Http404, match="预警不存在或无权查看"):
            access.warning_for(agent, warnings[key].pk)
    # The lender's own agent sees no warning about itself.
    assert not access.visible_warnings(make_user(Role.BANK_AGENT, lender)).exists()
    # The risk desk stays closed to the bank: its page is the interventions list.
    client.force_login(agent)
    assert client.get("/risk/").status_code == 404
    assert client.get(f"/risk/{warnings['own'].pk}/").status_code == 404
    assert client.get("/api/v1/risk/warnings").status_code in (403, 404)


def test_the_banks_warning_kinds_are_the_fraud_rules_kinds():
    fraud = pytest.importorskip("jiefen.risk.fraud")
    assert set(access.FRAUD_WARNING_KINDS) == set(fraud.FRAUD_KINDS)


def test_interventions_go_to_the_organisation_that_acts_on_them(
    warnings, make_user, bank, other_bank, police, liaison, prosecutor, court, make_case
):
    borrower = warnings["own"].cases.get().defendants[0].party
    to_bank = Intervention.objects.create(
        warning=warnings["own"], party=borrower, assignee_org=bank, facts="冒名", script="话术"
    )
    to_police = Intervention.objects.create(
        warning=warnings["own"], party=borrower, assignee_org=police, facts="冒名", script="话术"
    )
    foreign_party = warnings["foreign"].cases.get().defendants[0].party
    to_other_bank = Intervention.objects.create(
        warning=warnings["foreign"],
        party=foreign_party,
        assignee_org=other_bank,
        facts="冒名",
        script="话术",
    )
    agent = make_user(Role.BANK_AGENT, bank)
    assert set(access.visible_interventions(agent)) == {to_bank}
    assert set(access.visible_interventions(liaison)) == {to_police}
    assert set(access.visible_interventions(make_user(Role.BANK_AGENT, other_bank))) == {
        to_other_bank
    }
    assert not access.visible_interventions(prosecutor).exists()
    assert access.visible_interventions(make_user(Role.PLATFORM_ADMIN)).count() == 3
    # The court president: the tasks of the warnings touching the court (all cases here are
    # at the court); another court's president none.
    assert access.visible_interventions(make_user(Role.COURT_PRESIDENT, court)).count() == 3
    elsewhere = Organisation.objects.create(
        code="渝0199", name="重庆市某区人民法院", kind=OrganisationKind.COURT
    )
    assert not access.visible_interventions(make_user(Role.COURT_PRESIDENT, elsewhere)).exists()
    for role in (Role.JUDGE, Role.MEDIATOR, Role.CLERK):
        assert not access.visible_interventions(make_user(role, court)).exists(), role
    with pytest.raises(Http404, match="干预任务不存在或无权查看"):
        access.intervention_for(agent, to_police.pk)
    with pytest.raises(Http404, match="干预任务不存在或无权查看"):
        access.intervention_for(liaison, to_bank.pk)
    assert access.intervention_for(liaison, to_police.pk) == to_police


def test_reported_contacts_are_the_police_and_the_centres(
    liaison, prosecutor, make_user, bank, court
):
    contact = ReportedContact.objects.create(
        kind="mobile", value_index="f" * 64, shown="138****0000", reported_on=date(2026, 11, 1)
    )
    assert list(access.visible_reported_contacts(liaison)) == [contact]
    assert list(access.visible_reported_contacts(make_user(Role.PLATFORM_ADMIN))) == [contact]
    for user in (
        prosecutor,
        make_user(Role.BANK_AGENT, bank),
        make_user(Role.JUDGE, court),
        make_user(Role.COURT_PRESIDENT, court),
    ):
        assert not access.visible_reported_contacts(user).exists(), user.role


def test_identity_reports_follow_their_case_and_a_party_sees_only_their_own(
    make_case, make_party, make_user, bank, other_bank, liaison, police, judge
):
    first, second = make_party(name="甲"), make_party(name="乙")
    case = make_case(defendant=first, state="filed", judge=judge)
    from jiefen.cases.models import CaseParty, PartyRole

    CaseParty.objects.create(case=case, party=second, role=PartyRole.GUARANTOR)
    mine = IdentityReport.objects.create(
        case=case, party=first, source=ReportSource.PORTAL, statement="我从未借款"
    )
    theirs = IdentityReport.objects.create(
        case=case, party=second, source=ReportSource.ANSWER, statement="签名不是我的"
    )
    assert set(access.visible_identity_reports(make_user(Role.BANK_AGENT, bank))) == {
        mine,
        theirs,
    }
    assert set(access.visible_identity_reports(judge)) == {mine, theirs}
    assert not access.visible_identity_reports(make_user(Role.BANK_AGENT, other_bank)).exists()
    assert set(access.visible_identity_reports(make_user(Role.DEFENDANT, party=first))) == {mine}
    _refer([case], police, judge)
    assert not access.visible_identity_reports(liaison).exists()


# --- pages: a partner opens nothing but the referred case, its documents and its desks ---

# Pages a partner opens on its own referred objects (the case and its documents, read only),
# with the reason; anything else with their ids is 404 (or 405 for a page that only takes POST).
_OPEN_TO_PARTNERS = {
    "cases/<int:case_id>/": "the referred case, read only",
    "documents/<int:document_id>/": "a document of a referred case (preview)",
    "documents/<int:document_id>/download/": "a document of a referred case",
    # The case's decision page: its judgments and service come from access (none for them).
    "judgments/case/<int:case_id>/decision/": "the referred case's decision page, empty",
    # The case API answers whoever has the case in scope (the same data as the case page).
    "api/v1/cases/<case_id>": "the referred case, read only",
    "api/v1/cases/<case_id>/documents": "the referred case's documents",
    "api/v1/documents/<document_id>": "a document of a referred case",
    "api/v1/cases/<case_id>/service": "answers an empty list: no service is theirs",
}

# Pages without an object that a partner may open: public pages (sign-in, the published
# judgments and notices, the API's schema, the blank intake templates), the home page (it sends
# them to the referrals) and the case API's list (the referred cases, as on the case page).
_PUBLIC = {
    "",
    "login/",
    "logout/",
    "publication/public/",
    "public/notices/",
    "api/v1/",
    "api/v1/openapi.json",
    "api/v1/docs",
    "intake/template/<str:case_type>.xlsx",
    "api/v1/cases",
}


@pytest.fixture
def referred(filed_case, judge, police, procuratorate, lender_series) -> dict[str, Any]:
    """One case referred to the police and the procuratorate, with a document and the series
    it belongs to, and an intervention of the police."""
    case = filed_case()
    notice = _notice(case)
    sent = [_refer([case], police, judge), _refer([case], procuratorate, judge)]
    warning = _fraud_warning(
        WarningKind.IDENTITY_MISUSE, case.defendants[0].party_id, case.institution, case
    )
    intervention = Intervention.objects.create(
        warning=warning,
        party=case.defendants[0].party,
        assignee_org=police,
        facts="冒名",
        script="话术",
    )
    return {
        "case_id": [case.pk],
        "case_number": [case.case_number],
        "series_id": [lender_series.pk],
        "document_id": [notice.pk, sent[0].letter_id],
        "warning_id": [warning.pk],
        "institution_id": [case.institution_id],
        "referral_id": [r.pk for r in sent],
        "intervention_id": [intervention.pk],
    }


def _matrix() -> Any:
    """The access matrix module (tests/core has no package): its route walker and parameters."""
    path = Path(__file__).resolve().parents[1] / "core" / "test_access_matrix.py"
    spec = importlib.util.spec_from_file_location("_access_matrix", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _partner_urls(objects: dict[str, list[Any]]) -> list[tuple[str, str]]:
    """(route, URL) of every route outside the referrals pages, filled with the partner's own
    objects where it names one (an object the partner has none of gets an id that is none)."""
    matrix = _matrix()
    urls: list[tuple[str, str]] = []
    for route, _name, ns in matrix.routes():
        if ns and ns[0] in (*matrix.OUTSIDE, "referrals"):
            continue
        route = route.lstrip("^").rstrip("$")
        filled = ["/" + route]
        for m in matrix.PARAM.finditer(route):
            name = m.group("name")
            values = objects.get(name) or matrix.PLAIN_PARAMS.get(name) or [999999]
            filled = [
                re.sub(rf"<(?:\w+:)?{name}>", str(v), u, count=1) for u in filled for v in values
            ]
        urls += [(route, u) for u in filled]
    return urls


@pytest.mark.parametrize("role", [Role.POLICE_LIAISON, Role.PROSECUTOR])
def test_a_partner_opens_no_page_but_the_referred_case_and_its_documents(role, partners, referred):
    client = Client()
    client.force_login(partners[role])
    wrong: list[str] = []
    for route, url in _partner_urls(referred):
        r = client.get(url)
        if route in _OPEN_TO_PARTNERS:
            ok = r.status_code == 200
        elif "<" not in route or route in _PUBLIC:
            ok = r.status_code in (401, 403, 404, 405) or (route in _PUBLIC and r.status_code < 400)
            # The borrower portal signs in with its own code, not the staff account.
            ok = ok or (route.startswith("mediation/portal/") and r.status_code < 400)
        else:
            ok = r.status_code in (403, 404, 405)
        if not ok:
            wrong.append(f"{role} GET {url}: {r.status_code}")
    assert not wrong, "\n".join(wrong)


def test_the_partner_home_shows_no_other_case(
    referred, liaison, filed_case, client: Client, make_case: Callable[..., Case]
):
    other = filed_case()
    client.force_login(liaison)
    r = client.get("/", follow=True)
    assert r.status_code == 200
    assert other.case_number not in r.content.decode()
    assert {c.pk for c in access.visible_cases(liaison)} == set(referred["case_id"])
