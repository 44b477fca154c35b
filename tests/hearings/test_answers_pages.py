"""The answer pages: the party's and the lawyer's, refusals as 404, errors beside the element."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from jiefen.accounts.models import Role, User
from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case, CaseParty, PartyRole
from jiefen.cases.states import State
from jiefen.documents.actions import issue_document
from jiefen.hearings.models import Agent, Answer
from jiefen.service.models import Service

pytestmark = pytest.mark.django_db

_numbers = iter(range(8100, 8999))


@pytest.fixture
def case(make_case: Callable[..., Case], make_party: Callable[..., Any]) -> Case:
    c = make_case(state=State.SERVED, case_number=f"（2025）渝0105民初{next(_numbers)}号")
    CaseParty.objects.create(case=c, party=make_party(name="钱担保"), role=PartyRole.GUARANTOR)
    return c


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(case: Case) -> str:
    return f"/hearings/answers/case/{case.pk}/"


def test_the_party_sees_each_element_beside_the_claim_and_submits(
    case: Case, make_user: Callable[..., User]
) -> None:
    party = case.defendants[0].party
    client = _client(make_user(Role.DEFENDANT, party=party))
    index = client.get("/hearings/answers/").content.decode()
    assert case.case_number in index and "未答辩" in index
    page = client.get(_url(case)).content.decode()
    assert "对本金有无异议" in page and "原告主张" in page and "45,000.00" in page
    assert 'href="/hearings/answers/"' in page  # the nav link 要素式答辩

    r = client.post(
        _url(case), {"pos-interest": "objection", "reason-interest": "", "action": "submit"}
    )
    assert r.status_code == 422
    body = r.content.decode()
    assert 'id="error-interest"' in body and "有异议的，请填写事实和理由" in body
    assert not Answer.objects.filter(case=case).exists()

    evidence = SimpleUploadedFile("还款凭证.pdf", b"%PDF-1.4 test")
    r = client.post(
        _url(case),
        {
            "pos-principal": "no_objection",
            "pos-interest": "objection",
            "reason-interest": "罚息过高",
            "file-interest": evidence,
            "action": "submit",
        },
    )
    assert r.status_code == 302
    done = client.get(_url(case)).content.decode()
    answer = Answer.objects.get(case=case, party=party)
    assert answer.submitted_at is not None and answer.document is not None
    assert "答辩状已提交" in done and f"/documents/{answer.document.pk}/download/" in done
    assert "罚息过高" in done and "证据：还款凭证.pdf" in done
    assert client.get(f"/documents/{answer.document.pk}/download/").status_code == 200
    assert "已提交" in client.get("/hearings/answers/").content.decode()


def test_a_draft_is_kept_and_shown_again(case: Case, make_user: Callable[..., User]) -> None:
    party = case.defendants[0].party
    client = _client(make_user(Role.DEFENDANT, party=party))
    r = client.post(_url(case), {"pos-principal": "no_objection", "action": "draft"})
    assert r.status_code == 302
    assert Answer.objects.get(case=case).submitted_at is None
    page = client.get(_url(case)).content.decode()
    assert 'value="no_objection" checked' in page and "答辩草稿已保存" in page


def test_the_lawyer_answers_from_their_list(case: Case, make_user: Callable[..., User]) -> None:
    party = case.defendants[0].party
    lawyer = make_user(Role.LAWYER)
    Agent.objects.create(
        case=case, party=party, lawyer=lawyer, law_firm="某所", authority="general"
    )
    client = _client(lawyer)
    listing = client.get("/hearings/answers/lawyer/").content.decode()
    assert case.case_number in listing and party.name in listing
    assert 'href="/hearings/answers/lawyer/"' in listing
    r = client.post(_url(case), {"pos-principal": "no_objection", "action": "submit"})
    assert r.status_code == 302
    answer = Answer.objects.get(case=case)
    assert answer.party == party and answer.agent.lawyer == lawyer


def test_others_get_404(case: Case, make_user: Callable[..., User], bank: Any) -> None:
    guarantor = CaseParty.objects.get(case=case, role=PartyRole.GUARANTOR).party
    other_lawyer = make_user(Role.LAWYER)
    Agent.objects.create(
        case=case, party=guarantor, lawyer=other_lawyer, law_firm="某所", authority="general"
    )
    stranger_lawyer = make_user(Role.LAWYER)
    agent = make_user(Role.BANK_AGENT, bank)
    for user in (stranger_lawyer, agent):
        client = _client(user)
        assert client.get(_url(case)).status_code == 404
        assert client.post(_url(case), {"pos-principal": "no_objection"}).status_code == 404
    assert _client(agent).get("/hearings/answers/").status_code == 404
    # The guarantor's lawyer answers for the guarantor, never for the borrower.
    _client(other_lawyer).post(
        _url(case),
        {"pos-principal": "objection", "reason-principal": "保证期间已过", "action": "submit"},
    )
    assert list(Answer.objects.values_list("party_id", flat=True)) == [guarantor.pk]


def test_a_late_answer_is_accepted_marked_and_shown(
    case: Case, make_user: Callable[..., User]
) -> None:
    party = case.defendants[0].party
    notice = issue_document(
        case,
        "generic",
        recipient=party,
        context={"title": "应诉通知书", "paragraphs": ["请答辩。"]},
        by=None,
    )
    ends = timezone.localdate() - timedelta(days=3)
    Service.objects.create(case=case, party=party, packet=notice, answer_ends=ends)
    client = _client(make_user(Role.DEFENDANT, party=party))
    page = client.get(_url(case)).content.decode()
    assert f"答辩期至 {ends:%Y}年{ends.month}月{ends.day}日" in page and "已超过答辩期" in page
    r = client.post(_url(case), {"pos-principal": "no_objection", "action": "submit"})
    assert r.status_code == 302
    answer = Answer.objects.get(case=case)
    record = AuditRecord.objects.get(action="hearings.answer_submitted", object_id=str(answer.pk))
    assert record.payload["late"] is True
    assert "逾期提交" in client.get(_url(case)).content.decode()


def test_the_party_names_a_lawyer_on_the_page(case: Case, make_user: Callable[..., User]) -> None:
    party = case.defendants[0].party
    lawyer = make_user(Role.LAWYER, full_name="孙明")
    client = _client(make_user(Role.DEFENDANT, party=party))
    form = {"lawyer": lawyer.username, "law_firm": "重庆某律师事务所", "authority": "general"}
    assert client.post(f"{_url(case)}agent/", form).status_code == 302
    assert "已委托孙明律师为诉讼代理人" in client.get(_url(case)).content.decode()
    assert Agent.objects.get(case=case).party == party
    unknown = {**form, "lawyer": "nobody"}
    client.post(f"{_url(case)}agent/", unknown)
    assert "未找到用户名为nobody的律师" in client.get(_url(case)).content.decode()
    assert case.case_number in _client(lawyer).get("/hearings/answers/lawyer/").content.decode()
