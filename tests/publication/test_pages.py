"""The publication desk, the review page, the public pages and the `anonymise` command."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from jiefen.accounts.models import Organisation, OrganisationKind, Role, User
from jiefen.cases.models import Case
from jiefen.judgments.models import Judgment
from jiefen.publication.actions import prepare_publications
from jiefen.publication.models import Publication, PublicationState
from publication.conftest import EFFECTIVE_BY


@pytest.fixture
def pending(
    make_heard_case: Callable[..., Case], make_effective: Callable[..., Judgment]
) -> Publication:
    make_effective(make_heard_case(name="张三"))
    prepare_publications(by=None, as_of=EFFECTIVE_BY)
    return Publication.objects.get()


def _as(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_pending_judgments_are_not_public(pending: Publication, client: Client) -> None:
    listing = client.get(reverse("publication:public_list"))
    assert listing.status_code == 200
    assert "暂无公开的裁判文书" in listing.content.decode()
    assert client.get(reverse("publication:public_detail", args=[pending.pk])).status_code == 404
    review = client.get(reverse("publication:review", args=[pending.pk]))
    assert review.status_code == 302 and "/login" in review["Location"]


def test_the_clerk_reviews_side_by_side_and_releases(
    pending: Publication, clerk: User, client: Client
) -> None:
    _as(client, clerk)
    desk = client.get(reverse("publication:desk")).content.decode()
    assert pending.judgment.case.case_number in desk and pending.title in desk
    html = client.get(reverse("publication:review", args=[pending.pk])).content.decode()
    assert '<mark class="removed" title="自然人姓名">张三</mark>' in html
    assert '<mark class="replaced" title="自然人姓名">张某</mark>' in html
    assert '<mark class="removed" title="住址">建新北路一支路12号3单元5-2</mark>' in html
    assert 'id="release-form"' in html

    text = pending.anonymised_text + "\n被告联系电话13800138000。"
    client.post(reverse("publication:edit", args=[pending.pk]), {"text": text})
    refused = client.post(reverse("publication:release", args=[pending.pk]), follow=True)
    page = refused.content.decode()
    assert "仍含应删除的个人信息" in page and "字：电话号码" in page
    assert Publication.objects.get(pk=pending.pk).state == PublicationState.PENDING_REVIEW

    client.post(reverse("publication:edit", args=[pending.pk]), {"text": pending.anonymised_text})
    client.post(reverse("publication:release", args=[pending.pk]))
    assert Publication.objects.get(pk=pending.pk).state == PublicationState.RELEASED

    client.logout()
    listing = client.get(reverse("publication:public_list")).content.decode()
    assert pending.title in listing
    public = client.get(reverse("publication:public_detail", args=[pending.pk])).content.decode()
    assert "被告：张某，男" in public and "张三" not in public
    assert "建新北路" not in public and "原文" not in public


def test_a_judge_sees_the_review_but_cannot_release(
    pending: Publication, judge: User, client: Client
) -> None:
    _as(client, judge)
    html = client.get(reverse("publication:review", args=[pending.pk])).content.decode()
    assert 'id="release-form"' not in html and "公开审核由本案书记员办理" in html
    page = client.post(reverse("publication:release", args=[pending.pk]), follow=True)
    assert "法官不能「审核公开文书」" in page.content.decode()
    assert Publication.objects.get(pk=pending.pk).state == PublicationState.PENDING_REVIEW


def test_other_courts_and_other_roles_get_404(
    pending: Publication, agent: User, client: Client
) -> None:
    elsewhere = Organisation.objects.create(
        code="渝0112", name="重庆市渝北区人民法院", kind=OrganisationKind.COURT, court_code="渝0112"
    )
    stranger = User.objects.create_user(
        username="clerk-elsewhere", password="x", role=Role.CLERK, organisation=elsewhere
    )
    _as(client, stranger)
    assert client.get(reverse("publication:review", args=[pending.pk])).status_code == 404
    assert client.post(reverse("publication:release", args=[pending.pk])).status_code == 404
    assert pending.title not in client.get(reverse("publication:desk")).content.decode()
    _as(client, agent)
    assert client.get(reverse("publication:desk")).status_code == 404
    assert client.get(reverse("publication:review", args=[pending.pk])).status_code == 404


def test_the_clerk_prepares_from_the_desk_and_withholds(
    make_heard_case: Callable[..., Case],
    make_effective: Callable[..., Judgment],
    clerk: User,
    client: Client,
) -> None:
    make_effective(make_heard_case(name="王五"))
    _as(client, clerk)
    page = client.post(reverse("publication:prepare"), follow=True).content.decode()
    assert "已生成公开文本1份" in page
    publication = Publication.objects.get()
    client.post(reverse("publication:withhold", args=[publication.pk]), {"reason": ""})
    assert Publication.objects.get().state == PublicationState.PENDING_REVIEW
    client.post(reverse("publication:withhold", args=[publication.pk]), {"reason": "涉及国家秘密"})
    publication.refresh_from_db()
    assert publication.state == PublicationState.WITHHELD
    assert publication.withhold_reason == "涉及国家秘密"


def test_the_anonymise_command(tmp_path: Path) -> None:
    source = tmp_path / "judgment.txt"
    source.write_text(
        "被告张三，住重庆市江北区建新北路12号，手机13800138000，案号（2026）渝0105民初123号，"
        "本金123456.78元。\n被告欧阳娜娜。\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("anonymise", str(source), "--person", "张三", "--person", "欧阳娜娜", stdout=out)
    assert out.getvalue() == (
        "被告张某，住重庆市江北区，手机×，案号（2026）渝0105民初123号，本金123456.78元。\n"
        "被告欧阳某某。\n"
    )
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("anonymise", str(tmp_path / "missing.txt"))
    (tmp_path / "gbk.txt").write_bytes("张三".encode("gbk"))
    with pytest.raises(CommandError, match="不是 UTF-8 编码"):
        call_command("anonymise", str(tmp_path / "gbk.txt"))
