"""The service file (一对一服务档案) on hand-built data.

Roster: 周律师 Monday/Wednesday, 吴律师 Tuesday/Thursday. Requests of the bank:
  r1 合规咨询 posted Mon 11-02 -> 周, first answer 11-04: 2 days, closed, rated 5;
  r2 合规咨询 posted Tue 11-03 -> 吴, first answer 11-08: 5 days, closed, rated 4;
  r3 诉讼代理 posted Thu 11-05 -> 吴, due Tue 11-10 (Fri 6, Mon 9, Tue 10), unanswered: overdue;
  r4 法治培训 posted Wed 12-02 -> 周, due 12-07, unanswered, on the file's day 12-02 not overdue.
Expected: by kind 2/1/1 (others 0); average answer time (2 + 5) / 2 = 3.5 days; open 2;
overdue 1; 2 ratings, average (5 + 4) / 2 = 4.50; 周 2 requests 1 answered 5.00, 吴 2, 1, 4.00.
The other bank's request never enters this file.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from jiefen.accounts.models import Organisation, User
from jiefen.cases import access
from jiefen.legal_services import actions, selectors
from jiefen.legal_services.models import LegalRequest

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
FILE_DAY = date(2026, 12, 2)
PASSWORD = "test-pass-123"


@dataclass
class Built:
    zhou: User
    wu: User
    requests: list[LegalRequest]


def _post(agent: User, kind: str, on: date) -> LegalRequest:
    return actions.post_request(by=agent, kind=kind, subject=f"{kind}需求", body="内容", on=on)


def _answered(request: LegalRequest, lawyer: User, at: datetime) -> None:
    actions.answer_request(request, "意见如下。", by=lawyer)
    # The answer's time is set by hand so the answer days are known.
    LegalRequest.objects.filter(pk=request.pk).update(answered_at=at)
    request.refresh_from_db()


@pytest.fixture
def built(agent: User, other_agent: User, make_lawyer: Callable[..., User]) -> Built:
    zhou = make_lawyer("周律师", "02", 0)
    wu = make_lawyer("吴律师", "13", 1)
    r1 = _post(agent, "compliance", date(2026, 11, 2))
    r2 = _post(agent, "compliance", date(2026, 11, 3))
    r3 = _post(agent, "litigation", date(2026, 11, 5))
    r4 = _post(agent, "training", FILE_DAY)
    _post(other_agent, "risk_review", date(2026, 11, 2))
    _answered(r1, zhou, datetime(2026, 11, 4, 10, 0, tzinfo=SHANGHAI))
    _answered(r2, wu, datetime(2026, 11, 8, 23, 30, tzinfo=SHANGHAI))
    actions.close_request(r1, by=agent, rating=5)
    actions.close_request(r2, by=agent, rating=4)
    return Built(zhou, wu, [r1, r2, r3, r4])


def test_the_file_figures(built: Built, agent: User, bank: Organisation) -> None:
    r1, r2, r3, r4 = built.requests
    zhou, wu = built.zhou, built.wu
    assert (r1.lawyer, r2.lawyer, r3.lawyer, r4.lawyer) == (zhou, wu, wu, zhou)
    assert r3.answer_due == date(2026, 11, 10)
    f = selectors.service_file(bank, access.visible_legal_requests(agent), FILE_DAY)
    assert [r.pk for r in f.requests] == [r4.pk, r3.pk, r2.pk, r1.pk]
    assert f.by_kind == [
        ("合规咨询", 2),
        ("诉讼代理", 1),
        ("风险排查", 0),
        ("合同审查", 0),
        ("法治培训", 1),
        ("其他", 0),
    ]
    assert f.average_answer_days == Decimal("3.5")
    assert (f.open_count, f.overdue_count, f.overdue_ids) == (2, 1, frozenset({r3.pk}))
    assert (f.rated, f.average_rating) == (2, Decimal("4.50"))
    assert f.rating_counts == [(5, 1), (4, 1), (3, 0), (2, 0), (1, 0)]
    assert [(x.name, x.requests, x.answered, x.average_rating) for x in f.lawyers] == [
        ("周律师", 2, 1, Decimal("5.00")),
        ("吴律师", 2, 1, Decimal("4.00")),
    ]


def test_a_lawyers_file_holds_only_their_requests(built: Built, bank: Organisation) -> None:
    f = selectors.service_file(bank, access.visible_legal_requests(built.wu), FILE_DAY)
    assert len(f.requests) == 2
    assert f.average_answer_days == Decimal("5.0")
    assert (f.open_count, f.overdue_count) == (1, 1)
    assert [x.name for x in f.lawyers] == ["吴律师"]


def test_the_file_page_shows_the_figures(built: Built, agent: User, bank: Organisation) -> None:
    client = Client()
    assert client.login(username=agent.username, password=PASSWORD)
    page = client.get(f"/legal-services/file/{bank.pk}/").content.decode()
    assert '<div class="stat" id="answer-days"><b>3.5</b>' in page
    assert '<div class="stat" id="average-rating"><b>4.50</b>' in page
    assert '<div class="stat" id="open"><b>2</b>' in page
    assert "已逾期" in page
    assert "risk_review需求" not in page  # the other bank's
