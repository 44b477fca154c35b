"""The referral and intervention desks through the Django test client: each page renders for the
roles that work there with the right content, a form error or an action's refusal is shown with
its Chinese message (status 400, nothing written), anyone else gets the same 404 as for a
missing page, and the sealed 移送函 and the evidence ZIP download.

The series every test starts from: 3 filed cases of 重庆速融商贸有限公司 (a private lender) with
刘法官, each lending 50,000.00 on paper and paying out 40,000.00 (10,000.00 withheld, 20%).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

import pytest
from django.test import Client

from jiefen.accounts.models import Organisation, Role, User
from jiefen.cases.models import Case, Contact, ContactKind, ContactSource, Party, Series
from jiefen.referrals.actions.interventions import open_intervention
from jiefen.referrals.actions.referral import answer, decide, open_referral
from jiefen.referrals.models import (
    CaseOutcome,
    Intervention,
    InterventionOutcome,
    Outcome,
    Referral,
    ReferralState,
    ReportedContact,
)
from jiefen.risk.models import Warning, WarningKind

from .conftest import loan_facts

PASSWORD = "test-pass-123"  # tests/conftest.py

pytestmark = pytest.mark.django_db

WITHHELD = loan_facts(agreed="50000.00", disbursed="40000.00", rate="12.0")


def _client(user: User) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def _text(response: Any) -> str:
    return str(response.content.decode())


def _section(page: str, element_id: str, end: str = "</table>") -> str:
    start = page.index(f'id="{element_id}"')
    return page[start : page.index(end, start)]


@pytest.fixture
def cases(filed_case: Callable[..., Case]) -> list[Case]:
    return [filed_case(elements=WITHHELD) for _ in range(3)]


def _open(judge: User, cases: list[Case], agency: Organisation) -> Referral:
    return open_referral(
        [c.pk for c in cases],
        by=judge,
        grounds=["withheld_interest"],
        statement="出借人预扣利息，实际出借金额低于合同金额。",
        agency=agency,
    )


def _sent(judge: User, cases: list[Case], agency: Organisation, outcome: str) -> Referral:
    referral = _open(judge, cases, agency)
    return decide(referral, outcome, by=judge, reason="借贷行为本身涉嫌非法放贷。")


# --- who may open what ---------------------------------------------------------------------------


def test_outsiders_get_404_on_every_page(
    cases: list[Case],
    judge: User,
    police: Organisation,
    other_liaison: User,
    other_judge: User,
    agent: User,
    make_user: Callable[..., User],
) -> None:
    referral = _sent(judge, cases, police, Outcome.DISMISS)
    pages = [
        f"/referrals/{referral.pk}/",
        f"/referrals/{referral.pk}/letter/",
        f"/referrals/{referral.pk}/bundle/",
    ]
    posts = [
        f"/referrals/{referral.pk}/decide/",
        f"/referrals/{referral.pk}/answer/",
        f"/referrals/{referral.pk}/dismiss/",
    ]
    # Another police agency's liaison and another judge: the desk opens, this referral does not.
    for user in (other_liaison, other_judge):
        c = _client(user)
        assert c.get("/referrals/").status_code == 200
        for url in pages:
            assert c.get(url).status_code == 404, (user, url)
        for url in posts:
            assert c.post(url, {"outcome": "dismiss", "reason": "x"}).status_code == 404
    # A bank agent and a defendant have no referral desk at all.
    for user in (agent, make_user(Role.DEFENDANT)):
        c = _client(user)
        for url in ["/referrals/", *pages]:
            assert c.get(url).status_code == 404, (user, url)
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT and referral.answer == ""


def test_the_liaison_lands_on_the_list_and_may_not_open_a_referral(
    cases: list[Case], liaison: User
) -> None:
    c = _client(liaison)
    response = c.get("/")
    assert response.status_code == 302 and response["Location"] == "/referrals/"
    assert c.get(f"/referrals/new/?case={cases[0].pk}").status_code == 404
    assert c.get("/referrals/contacts/").status_code == 200


def test_the_liaison_sees_only_what_was_sent_to_the_agency_awaiting_first(
    filed_case: Callable[..., Case],
    judge: User,
    police: Organisation,
    other_police: Organisation,
    liaison: User,
) -> None:
    answered = _sent(judge, [filed_case(elements=WITHHELD)], police, Outcome.SUSPEND)
    answer(answered, "declined", by=liaison, number="渝公(江)不立字〔2026〕1号")
    waiting = _sent(judge, [filed_case(elements=WITHHELD)], police, Outcome.DISMISS)
    under_review = _open(judge, [filed_case(elements=WITHHELD)], police)
    elsewhere = _sent(judge, [filed_case(elements=WITHHELD)], other_police, Outcome.DISMISS)

    page = _text(_client(liaison).get("/referrals/"))
    rows = _section(page, "referrals")
    assert rows.index(f'data-referral="{waiting.pk}"') < rows.index(
        f'data-referral="{answered.pk}"'
    )
    assert f'data-referral="{under_review.pk}"' not in rows
    assert f'data-referral="{elsewhere.pk}"' not in rows
    assert rows.count('class="tag bad waiting"') == 1 and "待答复" in rows
    assert waiting.number in rows and "重庆市公安局江北区分局" in rows
    assert "预扣利息（砍头息）" in rows

    # The judge's list puts the one waiting for his decision first.
    judge_rows = _section(_text(_client(judge).get("/referrals/")), "referrals")
    assert judge_rows.index(f'data-referral="{under_review.pk}"') < judge_rows.index(
        f'data-referral="{waiting.pk}"'
    )
    assert "待审查" in judge_rows
    filtered = _section(_text(_client(judge).get("/referrals/?state=open")), "referrals")
    assert f'data-referral="{under_review.pk}"' in filtered
    assert f'data-referral="{waiting.pk}"' not in filtered


# --- opening ----------------------------------------------------------------------------------


def test_the_judge_opens_a_referral_of_a_series(
    cases: list[Case], judge: User, police: Organisation, lender_series: Series
) -> None:
    c = _client(judge)
    url = f"/referrals/new/?series={lender_series.pk}"
    page = _text(c.get(url))
    listed = _section(page, "cases")
    assert all(f'data-case="{case.pk}"' in listed for case in cases)
    assert "重庆市公安局江北区分局（公安机关）" in page
    assert 'id="id_judge"' not in page  # the filed cases have their judge

    bad = c.post(url, {"statement": "事实", "agency": police.pk})
    assert bad.status_code == 400
    assert "请至少选择一项移送理由" in _text(bad)
    assert not Referral.objects.exists()

    done = c.post(
        url,
        {
            "grounds": ["withheld_interest", "professional_lender"],
            "statement": "三笔借款均预扣利息10000元。",
            "agency": police.pk,
        },
    )
    referral = Referral.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/referrals/{referral.pk}/"
    assert referral.series == lender_series and referral.judge == judge
    assert referral.grounds == ["withheld_interest", "professional_lender"]
    assert referral.referral_cases.count() == 3
    # Already under review: nothing left to open from the series.
    again = c.post(
        url, {"grounds": ["withheld_interest"], "statement": "再次", "agency": police.pk}
    )
    assert again.status_code == 400
    assert "没有可以移送的案件" in _text(again)


def test_a_mediator_must_name_the_judge_of_a_pre_filing_case(
    make_case: Callable[..., Case],
    mediator: User,
    judge: User,
    police: Organisation,
    lender: Organisation,
) -> None:
    case = make_case(state="in_mediation", mediator=mediator, institution=lender)
    c = _client(mediator)
    url = f"/referrals/new/?case={case.pk}"
    page = _text(c.get(url))
    assert 'id="id_judge"' in page and "刘法官" in page
    data = {"grounds": ["identity_misuse"], "statement": "借款人称被冒名。", "agency": police.pk}
    refused = c.post(url, data)
    assert refused.status_code == 400
    assert "所选案件尚无承办法官，请指定审查移送的法官" in _text(refused)
    assert c.post(url, {**data, "judge": judge.pk}).status_code == 302
    referral = Referral.objects.get()
    assert referral.judge == judge and referral.source == "mediator"


def test_the_president_opens_one_from_a_warning_prefilled(
    cases: list[Case],
    judge: User,
    police: Organisation,
    court: Organisation,
    lender: Organisation,
    make_user: Callable[..., User],
) -> None:
    president = make_user(Role.COURT_PRESIDENT, court, full_name="李院长")
    warning = Warning.objects.create(
        kind=WarningKind.WITHHELD_INTEREST,
        fingerprint=f"withheld_interest:institution:{lender.pk}",
        subject_key=f"institution:{lender.pk}",
        subject_name=lender.name,
        institution=lender,
        score=Decimal("3"),
        summary="重庆速融商贸有限公司3笔借款实际出借金额低于约定金额，合计预扣30000.00元。",
        opened_on=date(2026, 11, 1),
        updated_on=date(2026, 11, 1),
    )
    warning.cases.set(cases)
    c = _client(president)
    warning_page = _text(c.get(f"/risk/{warning.pk}/"))
    assert f'href="/referrals/new/?warning={warning.pk}"' in warning_page

    url = f"/referrals/new/?warning={warning.pk}"
    page = _text(c.get(url))
    assert 'value="withheld_interest"' in page
    ticked = _section(page, "grounds", "</div>")
    assert 'value="withheld_interest"\n' not in ticked
    assert 'value="withheld_interest" id="id_grounds_0" checked' in ticked
    assert "合计预扣30000.00元" in _section(page, "id_statement", "</textarea>")
    response = c.post(
        url, {"grounds": ["withheld_interest"], "statement": warning.summary, "agency": police.pk}
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.warning == warning and referral.source == "warning"
    assert referral.judge == judge and referral.referral_cases.count() == 3
    # The president sees it, with the warning behind it linked.
    detail = _text(c.get(f"/referrals/{referral.pk}/"))
    assert f'href="/risk/{warning.pk}/"' in detail


# --- one referral -------------------------------------------------------------------------------


def test_the_judge_reads_the_cases_and_decides_dismissal(
    cases: list[Case], judge: User, police: Organisation
) -> None:
    referral = _open(judge, cases, police)
    c = _client(judge)
    url = f"/referrals/{referral.pk}/"
    page = _text(c.get(url))
    assert "待法官审查" in page and "（移送函未签发）" in page
    rows = _section(page, "cases")
    assert all(case.case_number in rows for case in cases)
    assert "500105*******" in rows and "19900" not in rows  # the borrower's ID number masked
    assert "10,000.00" in rows or "10000.00" in rows  # the withheld amount of each case
    assert 'data-signal="withheld_interest"' in rows
    form = _section(page, "decide-form", "</form>")
    assert "第五条第一款" in form and "第一百五十三条第一款第五项" in form
    assert 'id="answer-form"' not in page and 'id="dismiss-form"' not in page

    empty = c.post(f"{url}decide/", {"outcome": "dismiss", "reason": ""})
    assert empty.status_code == 400
    assert "请填写审查意见（认定的事实与适用的规定）" in _text(empty)

    done = c.post(f"{url}decide/", {"outcome": "dismiss", "reason": "借贷行为本身涉嫌犯罪。"})
    assert done.status_code == 302 and done["Location"] == url
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT and referral.number.startswith("渝0105法移")
    for case in cases:
        case.refresh_from_db()
        assert case.state == "dismissed"
    page = _text(c.get(url))
    assert referral.number in page and "裁定驳回起诉并移送" in page
    docs = _section(page, "documents", "</ul>")
    assert f'href="/referrals/{referral.pk}/letter/"' in docs
    assert docs.count('data-kind="crime_dismissal_ruling"') == 3
    assert 'id="decide-form"' not in page
    steps = _section(page, "timeline")
    assert 'data-step="referrals.open"' in steps and 'data-step="referrals.decide"' in steps
    assert steps.index("referrals.open") < steps.index("referrals.decide")

    # A second decision (another tab): the action's refusal is shown, nothing changes.
    again = c.post(f"{url}decide/", {"outcome": "suspend", "reason": "改为中止。"})
    assert again.status_code == 400
    assert "当前状态为「已移送」，不能再次决定" in _text(again)
    referral.refresh_from_db()
    assert referral.outcome == Outcome.DISMISS


def test_the_liaison_downloads_the_letter_and_bundle_and_answers(
    cases: list[Case], judge: User, police: Organisation, liaison: User
) -> None:
    referral = _sent(judge, cases, police, Outcome.SUSPEND)
    c = _client(liaison)
    url = f"/referrals/{referral.pk}/"
    page = _text(c.get(url))
    assert 'id="answer-form"' in page and 'id="decide-form"' not in page
    assert all(case.case_number in _section(page, "cases") for case in cases)

    letter = c.get(f"{url}letter/")
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert letter["Content-Disposition"].startswith("attachment")
    assert b"".join(letter.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]

    bundle = c.get(f"{url}bundle/")
    assert bundle.status_code == 200 and bundle["Content-Type"] == "application/zip"
    disposition = unquote(bundle["Content-Disposition"])
    assert f"移送材料-{referral.number}.zip" in disposition
    data = b"".join(bundle.streaming_content)  # type: ignore[attr-defined]
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "清单.csv" in names and any(n.startswith("00-移送函") for n in names)

    missing = c.post(f"{url}answer/", {"answer": "accepted", "number": ""})
    assert missing.status_code == 400
    assert "请填写立案决定书或不予立案通知书的文号" in _text(missing)
    done = c.post(
        f"{url}answer/",
        {"answer": "accepted", "number": "渝公(江)立字〔2026〕88号", "note": "已立案侦查"},
    )
    assert done.status_code == 302
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED and referral.answered_by == liaison
    page = _text(c.get(url))
    assert "渝公(江)立字〔2026〕88号" in page and 'id="answer-form"' not in page


def test_the_judge_dismisses_the_suspended_suits_after_filing(
    cases: list[Case], judge: User, police: Organisation, liaison: User
) -> None:
    referral = _sent(judge, cases, police, Outcome.SUSPEND)
    c = _client(judge)
    url = f"/referrals/{referral.pk}/"
    assert 'id="dismiss-form"' not in _text(c.get(url))  # not before the police filed
    answer(referral, "accepted", by=liaison, number="渝公(江)立字〔2026〕88号")
    page = _text(c.get(url))
    assert 'id="dismiss-form"' in page and "立案后裁定驳回起诉" in page
    assert c.post(f"{url}dismiss/", {"reason": "公安机关已立案侦查。"}).status_code == 302
    for case in cases:
        case.refresh_from_db()
        assert case.state == "dismissed"
    assert set(referral.referral_cases.values_list("outcome", flat=True)) == {CaseOutcome.DISMISSED}
    page = _text(c.get(url))
    assert 'id="dismiss-form"' not in page
    assert _section(page, "documents", "</ul>").count('data-kind="crime_dismissal_ruling"') == 3


# --- the buttons on the case, series and warning pages ------------------------------------------


def test_the_open_buttons_show_for_who_may_open(
    cases: list[Case],
    judge: User,
    other_judge: User,
    lender_series: Series,
    make_user: Callable[..., User],
    lender: Organisation,
) -> None:
    case_url = f"/cases/{cases[0].pk}/"
    button = f'href="/referrals/new/?case={cases[0].pk}"'
    assert button in _text(_client(judge).get(case_url))
    lender_agent = make_user(Role.BANK_AGENT, lender)
    assert button not in _text(_client(lender_agent).get(case_url))
    series_page = _text(_client(judge).get(f"/hearings/scheduling/series/{lender_series.pk}/"))
    assert f'href="/referrals/new/?series={lender_series.pk}"' in series_page
    nav = _text(_client(judge).get("/"))
    assert 'href="/referrals/"' in nav and 'href="/referrals/interventions/"' not in nav


# --- reported contacts -----------------------------------------------------------------------


def test_the_liaison_registers_a_fraud_number(liaison: User, judge: User) -> None:
    c = _client(liaison)
    page = _text(c.get("/referrals/contacts/"))
    assert 'id="contact-form"' in page
    bad = c.post("/referrals/contacts/", {"kind": "mobile", "value": "12345", "on": "2026-11-02"})
    assert bad.status_code == 400
    assert "「手机号码」：手机号码应为11位大陆手机号码" in _text(bad)
    assert not ReportedContact.objects.exists()
    done = c.post(
        "/referrals/contacts/",
        {"kind": "mobile", "value": "13800138000", "note": "反诈中心通报", "on": "2026-11-02"},
    )
    assert done.status_code == 302
    page = _text(c.get("/referrals/contacts/"))
    listed = _section(page, "contacts")
    assert "138****8000" in listed and "13800138000" not in listed
    assert _client(judge).get("/referrals/contacts/").status_code == 404


# --- interventions ------------------------------------------------------------------------------


def _fraud_task(bank: Organisation, party: Party, case: Case) -> Intervention:
    warning = Warning.objects.create(
        kind=WarningKind.IDENTITY_MISUSE,
        fingerprint=f"identity_misuse:party:{party.pk}:institution:{bank.pk}",
        subject_key=f"party:{party.pk}:institution:{bank.pk}",
        subject_name=party.name,
        institution=bank,
        score=Decimal("1"),
        summary=f"{party.name}报告借款系他人冒用其身份办理。",
        opened_on=date(2026, 11, 1),
        updated_on=date(2026, 11, 1),
    )
    warning.cases.set([case])
    return open_intervention(warning, bank, by=None)


def test_the_bank_agent_records_an_intervention_outcome(
    make_case: Callable[..., Case],
    make_party: Callable[..., Party],
    bank: Organisation,
    agent: User,
    other_bank: Organisation,
    make_user: Callable[..., User],
) -> None:
    party = make_party(name="王五")
    Contact.objects.create(
        party=party, kind=ContactKind.MOBILE, value="13900001111", source=ContactSource.CONTRACT
    )
    task = _fraud_task(bank, party, make_case(defendant=party, state="in_mediation"))
    c = _client(agent)
    listed = _section(_text(c.get("/referrals/interventions/")), "interventions")
    assert f'data-intervention="{task.pk}"' in listed and "王五" in listed and "待处置" in listed

    url = f"/referrals/interventions/{task.pk}/"
    page = _text(c.get(url))
    assert "139****1111" in page and "13900001111" not in page
    assert "王五报告借款系他人冒用其身份办理" in _section(page, "facts", "</p>")
    assert 'id="outcome-form"' in page

    refused = c.post(url, {"outcome": "reported", "note": " "})
    assert refused.status_code == 400
    assert "请填写情况说明" in _text(refused)
    done = c.post(url, {"outcome": "reported", "note": "已报案，回执编号 JB2026110201"})
    assert done.status_code == 302 and done["Location"] == url
    task.refresh_from_db()
    assert task.outcome == InterventionOutcome.REPORTED and task.done_by == agent
    page = _text(c.get(url))
    assert "已报案" in page and 'id="outcome-form"' not in page
    steps = _section(page, "timeline")
    assert 'data-step="referrals.open_intervention"' in steps
    assert steps.index("referrals.open_intervention") < steps.index(
        'data-step="referrals.record_intervention"'
    )
    assert "JB2026110201" in steps

    # Another bank's agent: not theirs.
    other = _client(make_user(Role.BANK_AGENT, other_bank))
    assert other.get(url).status_code == 404
    assert f'data-intervention="{task.pk}"' not in _text(other.get("/referrals/interventions/"))


# --- admin ---------------------------------------------------------------------------------------


def test_the_admin_pages_are_read_only(
    admin_client: Client, cases: list[Case], judge: User, police: Organisation
) -> None:
    referral = _sent(judge, cases, police, Outcome.DISMISS)
    for name in ("referral", "referralcase", "identityreport", "reportedcontact", "intervention"):
        assert admin_client.get(f"/admin/referrals/{name}/").status_code == 200, name
        assert admin_client.get(f"/admin/referrals/{name}/add/").status_code == 403, name
    page = _text(admin_client.get(f"/admin/referrals/referral/{referral.pk}/change/"))
    assert referral.number in page and cases[0].case_number in page
    response = admin_client.post(f"/admin/referrals/referral/{referral.pk}/delete/")
    assert response.status_code == 403 and Referral.objects.filter(pk=referral.pk).exists()
