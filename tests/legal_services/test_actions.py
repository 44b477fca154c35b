"""The actions: only the assigned lawyer answers; a follow-up re-opens to the lawyer with a new
answer period; the institution closes its own request with a 1-5 rating; bad input is refused
naming the field, with nothing written; each act leaves an audit record."""

from collections.abc import Callable
from datetime import date

import pytest
from django.utils import timezone

from jiefen.accounts.models import Organisation, Role, User
from jiefen.audit.models import AuditRecord
from jiefen.lawdata.selectors import current_calendar
from jiefen.legal_services import actions
from jiefen.legal_services.models import LegalRequest, Reply, ReplySide, RequestState
from jiefen.legal_services.rules import add_working_days

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 30)


@pytest.fixture
def lawyer(make_lawyer: Callable[..., User]) -> User:
    return make_lawyer("周律师", "0123456")


@pytest.fixture
def request_(agent: User, lawyer: User) -> LegalRequest:
    return actions.post_request(
        by=agent, kind="contract_review", subject="格式条款审查", body="请审查合约。", on=MONDAY
    )


def test_post_records_the_request_and_an_audit_record(
    request_: LegalRequest, agent: User, bank: Organisation, lawyer: User
) -> None:
    stored = LegalRequest.objects.get()
    assert (stored.institution, stored.posted_by, stored.kind) == (bank, agent, "contract_review")
    assert (stored.lawyer, stored.state, stored.answer_due) == (
        lawyer,
        "assigned",
        date(2026, 12, 3),
    )
    record = AuditRecord.objects.get(action="legal_services.post")
    assert record.actor_id == agent.pk
    assert record.payload["lawyer"] == str(lawyer.pk)
    assert "请审查合约" not in str(record.payload)


def test_only_the_assigned_lawyer_answers(
    request_: LegalRequest, agent: User, make_lawyer: Callable[..., User]
) -> None:
    colleague = make_lawyer("吴律师")
    with pytest.raises(actions.ActionRefused, match="未分派给您"):
        actions.answer_request(request_, "意见。", by=colleague)
    with pytest.raises(actions.ActionRefused, match="金融机构经办人不能「答复法律服务需求」"):
        actions.answer_request(request_, "意见。", by=agent)
    with pytest.raises(actions.ActionRefused):
        actions.answer_request(request_, "意见。", by=None)
    assert Reply.objects.count() == 0
    assert LegalRequest.objects.get().state == RequestState.ASSIGNED


def test_answer_follow_up_answer_close_with_rating(
    request_: LegalRequest, agent: User, lawyer: User
) -> None:
    actions.answer_request(request_, "条款需加粗提示。", by=lawyer)
    stored = LegalRequest.objects.get()
    assert stored.state == RequestState.ANSWERED
    first_answer = stored.answered_at
    assert first_answer is not None

    actions.follow_up(request_, "违约金5%是否过高？", by=agent)
    stored.refresh_from_db()
    today = timezone.localdate()
    assert stored.state == RequestState.ASSIGNED
    assert stored.answer_due == add_working_days(today, 3, current_calendar())

    actions.answer_request(request_, "建议不超过实际损失的130%。", by=lawyer)
    stored.refresh_from_db()
    assert stored.state == RequestState.ANSWERED
    assert stored.answered_at == first_answer  # the file measures the first answer

    actions.close_request(request_, by=agent, rating=4)
    stored.refresh_from_db()
    assert (stored.state, stored.rating) == (RequestState.CLOSED, 4)
    assert stored.closed_at is not None
    assert list(Reply.objects.values_list("side", flat=True)) == [
        ReplySide.LAWYER,
        ReplySide.INSTITUTION,
        ReplySide.LAWYER,
    ]
    assert list(
        AuditRecord.objects.filter(action__startswith="legal_services.")
        .order_by("seq")
        .values_list("action", flat=True)
    ) == [
        "legal_services.post",
        "legal_services.answer",
        "legal_services.follow_up",
        "legal_services.answer",
        "legal_services.close",
    ]
    with pytest.raises(actions.ActionRefused, match="已办结"):
        actions.follow_up(request_, "还有问题", by=agent)
    with pytest.raises(actions.ActionRefused, match="已办结"):
        actions.answer_request(request_, "补充", by=lawyer)


def test_ratings_must_be_1_to_5_and_need_an_answer(
    request_: LegalRequest, agent: User, lawyer: User
) -> None:
    with pytest.raises(actions.RequestInvalid, match="尚未获得律师答复") as unanswered:
        actions.close_request(request_, by=agent, rating=5)
    assert unanswered.value.field == "rating"
    actions.answer_request(request_, "意见。", by=lawyer)
    for bad in (0, 6):
        with pytest.raises(actions.RequestInvalid, match=f"满意度评价「{bad}」无效"):
            actions.close_request(request_, by=agent, rating=bad)
    assert LegalRequest.objects.get().state == RequestState.ANSWERED


def test_another_institution_may_not_follow_up_or_close(
    request_: LegalRequest, other_agent: User
) -> None:
    with pytest.raises(actions.ActionRefused, match="不属于本机构"):
        actions.close_request(request_, by=other_agent)
    with pytest.raises(actions.ActionRefused, match="不属于本机构"):
        actions.follow_up(request_, "追问", by=other_agent)
    assert LegalRequest.objects.get().state == RequestState.ASSIGNED


@pytest.mark.parametrize(
    ("kind", "subject", "body", "field", "message"),
    [
        ("compliance", "  ", "内容", "subject", "需求标题不能为空"),
        ("tax", "标题", "内容", "kind", "需求类别「tax」不存在，应为：合规咨询、诉讼代理"),
        ("", "标题", "内容", "kind", "需求类别「（空）」不存在"),
        ("compliance", "标题", "", "body", "需求内容不能为空"),
        ("compliance", "长" * 201, "内容", "subject", "需求标题过长（201字，不超过200字）"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    agent: User, lawyer: User, kind: str, subject: str, body: str, field: str, message: str
) -> None:
    with pytest.raises(actions.RequestInvalid, match=message) as refused:
        actions.post_request(by=agent, kind=kind, subject=subject, body=body, on=MONDAY)
    assert refused.value.field == field
    assert LegalRequest.objects.count() == 0
    assert not AuditRecord.objects.filter(action__startswith="legal_services.").exists()


def test_only_an_institutions_agent_posts(
    make_user: Callable[..., User], lawyer: User, court: Organisation
) -> None:
    admin = make_user(Role.PLATFORM_ADMIN)
    judge = make_user(Role.JUDGE, court)
    for who in (admin, judge, lawyer, None):
        with pytest.raises(actions.ActionRefused):
            actions.post_request(by=who, kind="compliance", subject="标题", body="内容", on=MONDAY)
    assert LegalRequest.objects.count() == 0
