"""The publication sweep, the clerk's review and who may do what (法释〔2016〕19号)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from jiefen.accounts.models import Organisation, OrganisationKind, Role, User
from jiefen.audit.models import AuditRecord
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.models import Case
from jiefen.judgments.models import DecisionKind, DecisionState, Judgment
from jiefen.publication.actions import edit_text, prepare_publications, release, withhold
from jiefen.publication.models import Publication, PublicationState
from jiefen.publication.selectors import released
from jiefen.publication.tasks import prepare_publications_task
from publication.conftest import EFFECTIVE_BY


@pytest.fixture
def prepared(
    make_heard_case: Callable[..., Case], make_effective: Callable[..., Judgment]
) -> Publication:
    make_effective(make_heard_case(name="张三"))
    assert prepare_publications(by=None, as_of=EFFECTIVE_BY) == 1
    return Publication.objects.get()


def _other_decision(case: Case, kind: str) -> Judgment:
    """A mediation document or withdrawal ruling that took effect (built directly: the start)."""
    return Judgment.objects.create(
        case=case, kind=kind, state=DecisionState.EFFECTIVE, effective_on=date(2025, 9, 20)
    )


def test_the_sweep_prepares_each_effective_judgment_once(
    prepared: Publication, make_heard_case: Callable[..., Case]
) -> None:
    assert prepared.state == PublicationState.PENDING_REVIEW
    assert prepared.prepared_on == EFFECTIVE_BY
    assert prepared.title == "长江银行股份有限公司重庆分行与张某金融借款合同纠纷一审民事判决书"
    assert "被告：张某，男" in prepared.anonymised_text
    assert {r["kind"] for r in prepared.replacements} == {"name", "address", "id_number"}
    assert prepare_publications(by=None, as_of=EFFECTIVE_BY) == 0
    assert Publication.objects.count() == 1
    # A judgment not yet effective on the day is not prepared.
    drafted = make_heard_case(name="李四")
    Judgment.objects.create(
        case=drafted, kind=DecisionKind.JUDGMENT, state=DecisionState.PRONOUNCED
    )
    assert prepare_publications(by=None, as_of=EFFECTIVE_BY) == 0
    assert AuditRecord.objects.filter(action="publication.prepare").count() == 1


def test_the_task_runs_the_sweep_for_its_slot(
    make_heard_case: Callable[..., Case], make_effective: Callable[..., Judgment]
) -> None:
    make_effective(make_heard_case(name="张三"))
    before = 1758902400  # 2025-09-27 00:00 Beijing time: effective on 2025-09-17, so due
    assert prepare_publications_task.call(before) == 1
    assert prepare_publications_task.call(before) == 0


def test_mediation_documents_and_withdrawals_are_never_prepared_nor_released(
    make_heard_case: Callable[..., Case], clerk: User, client: Client
) -> None:
    mediated = _other_decision(make_heard_case(name="张三"), DecisionKind.MEDIATION)
    withdrawn = _other_decision(make_heard_case(name="李四"), DecisionKind.WITHDRAWAL)
    assert prepare_publications(by=None, as_of=EFFECTIVE_BY) == 0
    assert not Publication.objects.exists()
    # Should one exist all the same, it is never released nor listed.
    rogue = Publication.objects.create(
        judgment=mediated,
        title="调解书",
        original_text="x",
        anonymised_text="x",
        prepared_on=EFFECTIVE_BY,
    )
    with pytest.raises(TransitionRefused, match="民事调解书依法不在互联网公布"):
        release(rogue, by=clerk)
    Publication.objects.filter(pk=rogue.pk).update(state=PublicationState.RELEASED)
    assert not released().exists()
    assert client.get(reverse("publication:public_detail", args=[rogue.pk])).status_code == 404
    assert withdrawn.kind == DecisionKind.WITHDRAWAL and not hasattr(withdrawn, "publication")


def test_a_judge_cannot_release_only_the_clerk(
    prepared: Publication, judge: User, clerk: User
) -> None:
    with pytest.raises(TransitionRefused, match="无权执行此操作：法官不能「审核公开文书」"):
        release(prepared, by=judge)
    prepared.refresh_from_db()
    assert prepared.state == PublicationState.PENDING_REVIEW
    assert release(prepared, by=clerk).state == PublicationState.RELEASED
    assert AuditRecord.objects.filter(action="publication.release").count() == 1


def test_an_edited_text_is_checked_again_before_release(prepared: Publication, clerk: User) -> None:
    lines = prepared.anonymised_text.split("\n")
    lines[4] += "联系电话13800138000。"
    edited = edit_text(prepared, "\n".join(lines), by=clerk)
    assert edited.edited_by == clerk
    column = len(lines[4]) - len("13800138000。") + 1
    with pytest.raises(
        TransitionRefused, match=f"仍含应删除的个人信息.*第5行第{column}字：电话号码"
    ):
        release(edited, by=clerk)
    lines[4] = lines[4].replace("联系电话13800138000。", "") + "被告张三到庭。"
    edit_text(edited, "\n".join(lines), by=clerk)
    with pytest.raises(TransitionRefused, match=r"第5行第\d+字：自然人姓名"):
        release(edited, by=clerk)
    lines[4] = lines[4].replace("被告张三到庭。", "")
    edit_text(edited, "\n".join(lines), by=clerk)
    done = release(edited, by=clerk)
    assert done.state == PublicationState.RELEASED and done.reviewed_by == clerk
    with pytest.raises(TransitionRefused, match="只能处理待审核的文书"):
        edit_text(done, "改", by=clerk)


def test_an_empty_edit_is_refused(prepared: Publication, clerk: User) -> None:
    with pytest.raises(TransitionRefused, match="公开文本不能为空"):
        edit_text(prepared, "  \r\n ", by=clerk)
    prepared.refresh_from_db()
    assert prepared.edited_at is None


def test_withholding_needs_a_reason_and_takes_a_release_down(
    prepared: Publication, clerk: User
) -> None:
    with pytest.raises(TransitionRefused, match="请填写不予公开的理由"):
        withhold(prepared, " ", by=clerk)
    release(prepared, by=clerk)
    assert list(released()) == [prepared]
    down = withhold(prepared, "涉及商业秘密", by=clerk)
    assert down.state == PublicationState.WITHHELD and down.withhold_reason == "涉及商业秘密"
    assert not released().exists()
    with pytest.raises(TransitionRefused, match="已决定不予公开"):
        withhold(down, "再次", by=clerk)


def test_another_courts_clerk_may_not_review(prepared: Publication) -> None:
    elsewhere = Organisation.objects.create(
        code="渝0112", name="重庆市渝北区人民法院", kind=OrganisationKind.COURT, court_code="渝0112"
    )
    stranger = User.objects.create_user(
        username="clerk-elsewhere", password="x", role=Role.CLERK, organisation=elsewhere
    )
    with pytest.raises(TransitionRefused, match="不在您的办理范围内"):
        release(prepared, by=stranger)
    assert prepare_publications(by=stranger, as_of=EFFECTIVE_BY) == 0
