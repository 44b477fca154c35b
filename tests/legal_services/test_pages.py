"""The pages through the test client: who may open what (the same 404 for forbidden and
missing), the post form's errors shown beside the field with nothing written, the lawyer's desk
with overdue requests marked, and answering, following up and closing through the forms."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from jiefen.accounts.models import MediationOrgKind, Organisation, OrganisationKind, Role, User
from jiefen.legal_services import actions
from jiefen.legal_services.models import LegalRequest, RequestState

pytestmark = pytest.mark.django_db

PASSWORD = "test-pass-123"


def _client(user: User) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def _text(response: Any) -> str:
    return str(response.content.decode())


@pytest.fixture
def lawyer(make_lawyer: Callable[..., User]) -> User:
    return make_lawyer("周律师", "0123456", 0)


@pytest.fixture
def posted(agent: User, lawyer: User) -> LegalRequest:
    return actions.post_request(
        by=agent, kind="risk_review", subject="贷后风险排查", body="请排查。", on=date(2026, 11, 2)
    )


def test_the_agent_posts_through_the_form(agent: User, lawyer: User) -> None:
    response = _client(agent).post(
        "/legal-services/",
        {"kind": "compliance", "subject": "催收合规", "body": "请提出意见。"},
        follow=True,
    )
    stored = LegalRequest.objects.get()
    assert response.redirect_chain[-1][0] == f"/legal-services/{stored.pk}/"
    page = _text(response)
    assert "已分派给周律师律师" in page
    assert f"答复期限{stored.answer_due:%Y-%m-%d}" in page
    assert stored.lawyer == lawyer


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "compliance", "subject": "", "body": "内容"}, "subject", "需求标题不能为空"),
        ({"kind": "loans", "subject": "标题", "body": "内容"}, "kind", "需求类别「loans」不存在"),
        ({"kind": "compliance", "subject": "标题", "body": " "}, "body", "需求内容不能为空"),
    ],
)
def test_bad_input_is_shown_on_the_form(
    agent: User, lawyer: User, data: dict[str, str], field: str, message: str
) -> None:
    response = _client(agent).post("/legal-services/", data)
    assert response.status_code == 400
    page = _text(response)
    assert f'<p class="error" role="alert" id="error-{field}">{message}' in page
    assert f'value="{data["subject"]}"' in page  # the input is kept
    assert LegalRequest.objects.count() == 0


def test_the_lawyer_desk_lists_assigned_requests_overdue_marked(
    posted: LegalRequest, lawyer: User, make_lawyer: Callable[..., User]
) -> None:
    page = _text(_client(lawyer).get("/legal-services/"))
    assert f'<tr data-request="{posted.pk}" class="overdue">' in page  # due 2026-11-05
    assert "已逾期" in page
    colleague = make_lawyer("吴律师")
    assert "贷后风险排查" not in _text(_client(colleague).get("/legal-services/"))


def test_who_may_open_a_request_and_a_file(
    posted: LegalRequest,
    agent: User,
    other_agent: User,
    lawyer: User,
    bank: Organisation,
    other_bank: Organisation,
    court: Organisation,
    make_user: Callable[..., User],
    make_lawyer: Callable[..., User],
) -> None:
    detail, file = f"/legal-services/{posted.pk}/", f"/legal-services/file/{bank.pk}/"
    admin = make_user(Role.PLATFORM_ADMIN)
    for who in (agent, lawyer, admin):
        assert _client(who).get(detail).status_code == 200, who
        assert _client(who).get(file).status_code == 200, who
    colleague = make_lawyer("吴律师")
    committee = Organisation.objects.create(
        code="MED01",
        name="人民调解委员会",
        kind=OrganisationKind.MEDIATION_ORG,
        mediation_kind=MediationOrgKind.PEOPLES_COMMITTEE,
    )
    outsider = make_user(Role.MEDIATOR, committee)
    judge = make_user(Role.JUDGE, court)
    for who in (other_agent, colleague, outsider, judge):
        assert _client(who).get(detail).status_code == 404, who
        assert _client(who).get(file).status_code == 404, who
    for who in (outsider, judge):
        assert _client(who).get("/legal-services/").status_code == 404, who
    assert _client(agent).get("/legal-services/999999/").status_code == 404
    assert _client(agent).get(f"/legal-services/file/{other_bank.pk}/").status_code == 404
    assert _client(lawyer).get(f"/legal-services/file/{other_bank.pk}/").status_code == 404
    assert _client(admin).get(f"/legal-services/file/{other_bank.pk}/").status_code == 200
    assert _client(agent).get("/legal-services/file/999999/").status_code == 404
    # Posting on someone else's request is a 404 too, and changes nothing.
    assert _client(other_agent).post(f"{detail}close/").status_code == 404
    assert _client(colleague).post(f"{detail}answer/", {"body": "x"}).status_code == 404
    assert LegalRequest.objects.get().state == RequestState.ASSIGNED


def test_answer_follow_up_and_close_through_the_forms(
    posted: LegalRequest, agent: User, lawyer: User
) -> None:
    url = f"/legal-services/{posted.pk}/"
    empty = _client(lawyer).post(f"{url}answer/", {"body": " "})
    assert empty.status_code == 400
    assert "答复内容不能为空" in _text(empty)
    page = _text(_client(lawyer).post(f"{url}answer/", {"body": "风险点如下。"}, follow=True))
    assert "答复已发送" in page and "风险点如下。" in page
    page = _text(_client(agent).post(f"{url}follow-up/", {"body": "请补充。"}, follow=True))
    assert '<span class="tag" id="state">已分派</span>' in page
    _client(lawyer).post(f"{url}answer/", {"body": "补充如下。"})
    bad = _client(agent).post(f"{url}close/", {"rating": "9"})
    assert "满意度评价「9」无效，应为1至5分" in _text(bad)
    page = _text(_client(agent).post(f"{url}close/", {"rating": "5"}, follow=True))
    assert "满意度评价：5 分" in page
    stored = LegalRequest.objects.get()
    assert (stored.state, stored.rating) == (RequestState.CLOSED, 5)
    assert stored.replies.count() == 3


def test_the_admin_desk_lists_every_institutions_file(
    posted: LegalRequest,
    other_agent: User,
    bank: Organisation,
    other_bank: Organisation,
    make_user: Callable[..., User],
) -> None:
    actions.post_request(by=other_agent, kind="other", subject="其他", body="内容")
    page = _text(_client(make_user(Role.PLATFORM_ADMIN)).get("/legal-services/"))
    assert f'href="/legal-services/file/{bank.pk}/"' in page
    assert f'href="/legal-services/file/{other_bank.pk}/"' in page
    assert "贷后风险排查" in page and "其他" in page
    assert 'id="post-form"' not in page
