"""The record and transcript pages: who may open them, and what the forms do."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hearings.record_setup import answer, bench, scheduled_case
from jiefen.accounts.models import Role
from jiefen.hearings.actions.record import open_record
from jiefen.hearings.models import Finding, Transcript


@pytest.fixture
def pages(court: Any, make_user: Any, make_case: Any, series: Any) -> dict[str, Any]:
    b = bench(court, make_user, series)
    case, hearing = scheduled_case(make_case, b, series)
    answer(case, {"principal": ("objection", "本金已部分归还")})
    open_record([case.pk], by=b.clerk)
    return {"bench": b, "case": case, "hearing": hearing, "series": series}


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_outsiders_get_404(pages: dict[str, Any], agent: Any, make_user: Any, court: Any) -> None:
    hearing, series = pages["hearing"], pages["series"]
    bank = _client(agent)
    assert bank.get(f"/hearings/record/series/{series.pk}/").status_code == 404
    assert bank.get(f"/hearings/record/hearing/{hearing.pk}/").status_code == 404
    other_judge = _client(make_user(Role.JUDGE, court))
    assert other_judge.get(f"/hearings/record/hearing/{hearing.pk}/").status_code == 404


def test_judge_sees_the_table_and_finds_a_disputed_element(pages: dict[str, Any]) -> None:
    b, hearing, series, case = pages["bench"], pages["hearing"], pages["series"], pages["case"]
    judge = _client(b.judge)
    page = judge.get(f"/hearings/record/series/{series.pk}/").content.decode()
    assert case.case_number in page and "确认全部无争议要素" in page
    table = judge.get(f"/hearings/record/hearing/{hearing.pk}/").content.decode()
    assert "有异议。理由：本金已部分归还" in table
    principal = Finding.objects.get(case=case, key="principal")
    url = f"/hearings/record/hearing/{hearing.pk}/find/{principal.pk}/"
    answer_page = judge.post(url, {"text": "认定", "principal": "99999"}, follow=True)
    assert "认定借款本金99,999.00元超过原告主张的45,000.00元" in answer_page.content.decode()
    judge.post(url, {"text": "尚欠本金40,000.00元", "principal": "40000.00"})
    principal.refresh_from_db()
    assert principal.confirmed and principal.amounts == {"principal": "40000.00"}


def test_clerk_generates_and_requests_signatures_and_sees_own_code(pages: dict[str, Any]) -> None:
    b, hearing = pages["bench"], pages["hearing"]
    clerk = _client(b.clerk)
    clerk.post(f"/hearings/transcripts/{hearing.pk}/generate/")
    assert Transcript.objects.filter(hearing=hearing).exists()
    clerk.post(f"/hearings/transcripts/{hearing.pk}/request/")
    page = clerk.get(f"/hearings/transcripts/{hearing.pk}/").content.decode()
    assert page.count("您的验证码") == 1  # the clerk's own, not the judge's
    assert "未配置语音转写模型（JIEFEN_SPEECH_MODEL）" in page
