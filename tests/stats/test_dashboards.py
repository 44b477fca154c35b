"""The dashboards through the Django test client: each role sees its own scope's numbers, the
case list behind a figure has exactly that many cases (and never another bank's), filters only
narrow, other roles get a 404, an unknown metric a 404 with a Chinese message.

The data (all 2026, hand-built with tests/stats/factories.py), two courts × two banks:

    #  court  bank  what                                            received filed  closed (判决)
    1  江北   长江  litigated: filed 01-10, pronounced 02-10         01-05    01-10  02-10
    2  江北   长江  litigated, default judgment, pronounced 03-10    02-03    02-05  03-10
    3  江北   巴渝  litigated: filed 01-12, pronounced 02-12         01-06    01-12  02-12
    4  江北   长江  mediation agreed 01-20                           01-04    —      —
    5  江北   巴渝  mediation failed 02-20                           02-01    —      —
    6  渝北   长江  litigated: filed 03-03, pronounced 03-25         03-01    03-03  03-25
    7  渝北   巴渝  received only                                    03-10    —      —

Service: case 1 SMS served; case 2 SMS failed, then e-mail served; case 3 SMS served.

Hand-counted figures (all periods):
    president of 江北 (cases 1–5): received 5, filed 3, closed 3, mediations ended 2 (4 and 5),
        succeeded 1 → 50.00%; judgments 3, default 1 → 33.33%; SMS 2 of 3 → 66.67%.
    长江 agent (1, 2, 4, 6): received 4, filed 3, closed 3.
    巴渝 agent (3, 5, 7): received 3, filed 1, closed 1.
    administrator (all 7): received 7, filed 4, closed 4.
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.urls import reverse

from jiefen.accounts.models import Role, User
from jiefen.service.models import Channel
from stats import factories as f

pytestmark = pytest.mark.django_db
PASSWORD = "test-pass-123"  # tests/conftest.py and the factories


def build_world() -> SimpleNamespace:
    """The seven cases of the table above, their people and the dashboard users."""
    jiangbei = f.court_org()
    yubei = f.court_org("渝0112", "重庆市渝北区人民法院")
    changjiang = f.institution_org()
    bayu = f.institution_org("BANK02", "巴渝银行股份有限公司信用卡中心")
    judge_a = f.person(Role.JUDGE, jiangbei, "王法官")
    judge_b = f.person(Role.JUDGE, yubei, "陈法官")
    mediator = f.person(Role.MEDIATOR, f.mediation_org_for(jiangbei), "李调解")

    def litigated(court: Any, bank: Any, judge: User, **dates: Any) -> Any:
        return f.litigated_case(court, bank, judge, **dates)

    c1 = litigated(
        jiangbei, changjiang, judge_a, created="2026-01-05", filed_on="2026-01-10",
        served="2026-01-15", heard="2026-02-01", pronounced="2026-02-10",
    )  # fmt: skip
    c2 = litigated(
        jiangbei, changjiang, judge_a, created="2026-02-03", filed_on="2026-02-05",
        served="2026-02-10", heard="2026-03-02", pronounced="2026-03-10", default=True,
    )  # fmt: skip
    c3 = litigated(
        jiangbei, bayu, judge_a, created="2026-01-06", filed_on="2026-01-12",
        served="2026-01-20", heard="2026-02-05", pronounced="2026-02-12",
    )  # fmt: skip
    c4 = f.mediated_case(
        jiangbei, changjiang, mediator, created="2026-01-04", opened="2026-01-05",
        agreed="2026-01-20",
    )  # fmt: skip
    c5 = f.mediated_case(
        jiangbei, bayu, mediator, created="2026-02-01", opened="2026-02-02", failed="2026-02-20"
    )
    c6 = litigated(
        yubei, changjiang, judge_b, created="2026-03-01", filed_on="2026-03-03",
        served="2026-03-05", heard="2026-03-20", pronounced="2026-03-25",
    )  # fmt: skip
    c7 = f.case(yubei, bayu, created="2026-03-10")
    f.attempt(c1, Channel.SMS, sent="2026-01-14", effective=True, served_on="2026-01-14")
    f.attempt(c2, Channel.SMS, sent="2026-02-08", effective=False)
    f.attempt(c2, Channel.EMAIL, sent="2026-02-09", effective=True, served_on="2026-02-09")
    f.attempt(c3, Channel.SMS, sent="2026-01-18", effective=True, served_on="2026-01-18")
    return SimpleNamespace(
        jiangbei=jiangbei,
        yubei=yubei,
        changjiang=changjiang,
        bayu=bayu,
        judge=judge_a,
        mediator=mediator,
        cases=[c1, c2, c3, c4, c5, c6, c7],
        president=f.person(Role.COURT_PRESIDENT, jiangbei, "赵院长"),
        admin=f.person(Role.PLATFORM_ADMIN, None, "平台管理员"),
        agent_a=f.person(Role.BANK_AGENT, changjiang, "长江经办"),
        agent_b=f.person(Role.BANK_AGENT, bayu, "巴渝经办"),
    )


@pytest.fixture
def world() -> SimpleNamespace:
    return build_world()


def _client(user: User) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def _page(client: Client, url: str, **params: str) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def _dashboard(user: User, **params: str) -> str:
    return _page(_client(user), reverse("stats:dashboard"), **params)


def _kpi(page: str, card: str) -> tuple[str, str]:
    """(number, link) of a KPI card's main figure."""
    m = re.search(rf'id="{card}".*?<a class="kpi-value" href="([^"]+)">([^<]+)</a>', page, re.S)
    assert m, f"no KPI {card}"
    return m[2], m[1].replace("&amp;", "&")


def _counts(page: str) -> dict[str, str]:
    return {name: _kpi(page, f"kpi-{name}")[0] for name in ("received", "filed", "closed")}


def _listed(page: str) -> list[str]:
    """The case ids of the rows of the case list."""
    return re.findall(r'<tr data-case="(\d+)">', page)


def _ids(w: SimpleNamespace, *numbers: int) -> list[str]:
    return sorted(str(w.cases[n - 1].pk) for n in numbers)


def test_each_role_sees_its_own_scope(world: SimpleNamespace) -> None:
    president = _dashboard(world.president)
    assert "重庆市江北区人民法院 金融审判运行态势" in president
    assert _counts(president) == {"received": "5", "filed": "3", "closed": "3"}
    assert _kpi(president, "kpi-mediation-rate")[0] == "50.00%"
    assert _kpi(president, "kpi-default-rate")[0] == "33.33%"

    bank_a = _dashboard(world.agent_a)
    assert "长江银行股份有限公司重庆分行 案件服务看板" in bank_a
    assert _counts(bank_a) == {"received": "4", "filed": "3", "closed": "3"}

    bank_b = _dashboard(world.agent_b)
    assert _counts(bank_b) == {"received": "3", "filed": "1", "closed": "1"}
    assert "长江银行" not in bank_b.split('id="dash-filters"', 1)[1]

    admin = _dashboard(world.admin)
    assert _counts(admin) == {"received": "7", "filed": "4", "closed": "4"}


def test_electronic_service_rate_per_channel(world: SimpleNamespace) -> None:
    page = _dashboard(world.president)
    card = page[page.index('id="kpi-service"') : page.index('id="kpi-default-rate"')]
    # SMS: 3 attempts (cases 1, 2, 3), 2 served; e-mail: 1 attempt, served.
    assert re.search(r"短信</span>\s*<a[^>]*>66.67%</a>", card)
    assert re.search(r"电子邮件</span>\s*<a[^>]*>100.00%</a>", card)


def test_case_list_count_equals_the_kpi_figure(world: SimpleNamespace) -> None:
    client = _client(world.president)
    page = _page(client, reverse("stats:dashboard"))
    for card, expected in (("kpi-received", (1, 2, 3, 4, 5)), ("kpi-filed", (1, 2, 3))):
        figure, link = _kpi(page, card)
        listed = _page(client, link)
        assert sorted(_listed(listed)) == _ids(world, *expected)
        assert int(figure) == len(expected)
        assert f'<span id="metric-figure">{figure}</span> 件' in listed
    mediated = _page(client, reverse("stats:cases"), metric="mediations_succeeded")
    assert _listed(mediated) == _ids(world, 4)
    assert "调解成功" in mediated


def test_bank_b_never_lists_bank_a_cases(world: SimpleNamespace) -> None:
    client = _client(world.agent_b)
    url = reverse("stats:cases")
    assert sorted(_listed(_page(client, url, metric="received"))) == _ids(world, 3, 5, 7)
    # A forged breakdown key of the other bank, or its id as a filter, shows nothing extra.
    forged = _page(client, url, metric="received", dim="institution", key=str(world.changjiang.pk))
    assert _listed(forged) == []
    assert _listed(_page(client, url, metric="received", institution=str(world.changjiang.pk))) == (
        _ids(world, 3, 5, 7)
    )
    assert "长江银行" not in _page(client, url, metric="filed")


def test_admin_filters_narrow_the_figures(world: SimpleNamespace) -> None:
    yubei, bayu = str(world.yubei.pk), str(world.bayu.pk)
    assert _counts(_dashboard(world.admin, court=yubei)) == {
        "received": "2",
        "filed": "1",
        "closed": "1",
    }
    assert _counts(_dashboard(world.admin, institution=bayu))["received"] == "3"
    both = _dashboard(world.admin, court=str(world.jiangbei.pk), institution=bayu)
    assert _counts(both) == {"received": "2", "filed": "1", "closed": "1"}
    # The link behind the figure keeps the filters: the list has those two cases.
    _, link = _kpi(both, "kpi-received")
    assert parse_qs(urlparse(link).query)["institution"] == [bayu]
    assert sorted(_listed(_page(_client(world.admin), link))) == _ids(world, 3, 5)


def test_filters_outside_the_scope_show_nothing_extra(world: SimpleNamespace) -> None:
    # The president cannot widen to another court (no court filter for the role) …
    assert _counts(_dashboard(world.president, court=str(world.yubei.pk)))["received"] == "5"
    # … and narrowing to a bank works inside the court: cases 3 and 5.
    bayu = _dashboard(world.president, institution=str(world.bayu.pk))
    assert _counts(bayu) == {"received": "2", "filed": "1", "closed": "1"}
    # A bank's agent may narrow by court only; another institution's id is ignored.
    assert _counts(_dashboard(world.agent_a, institution=str(world.bayu.pk)))["received"] == "4"
    assert _counts(_dashboard(world.agent_a, court=str(world.yubei.pk))) == {
        "received": "1",
        "filed": "1",
        "closed": "1",
    }


def test_period_filter(world: SimpleNamespace) -> None:
    january = _dashboard(world.president, period="2026-01")
    assert _counts(january) == {"received": "3", "filed": "2", "closed": "0"}
    february = _dashboard(world.president, period="2026-02")
    assert _counts(february) == {"received": "2", "filed": "1", "closed": "2"}
    assert '<option value="2026-Q1">2026年第1季度</option>' in _dashboard(world.president)
    bad = _dashboard(world.president, period="2026-13")
    assert "月份应为 1 至 12" in bad
    assert _counts(bad)["received"] == "5"


def test_month_point_lists_that_months_cases(world: SimpleNamespace) -> None:
    page = _dashboard(world.president)
    data = re.search(r'<script id="dash-data" type="application/json">(.*?)</script>', page, re.S)
    assert data
    import json

    trend = next(c for c in json.loads(data[1])["charts"] if c["id"] == "chart-trend")
    assert trend["categories"] == ["2026年1月", "2026年2月", "2026年3月"]
    filed = next(s for s in trend["series"] if s["name"] == "立案")
    assert [p["value"] for p in filed["data"]] == [2, 1, 0]
    listed = _page(_client(world.president), filed["data"][0]["url"])
    assert sorted(_listed(listed)) == _ids(world, 1, 3)


def test_breakdown_tables(world: SimpleNamespace) -> None:
    page = _dashboard(world.president)
    table = page[page.index('id="table-institution"') :]
    table = table[: table.index("</table>")]
    row = re.search(rf'data-key="{world.bayu.pk}">(.*?)</tr>', table, re.S)
    assert row and "巴渝银行股份有限公司信用卡中心" in row[1]
    assert re.findall(r'<a href="[^"]+">(\d+)</a>', row[1]) == ["2", "1", "1"]
    assert 'id="table-judge"' in page and "王法官" in page and "李调解" in page
    assert 'id="table-judge"' not in _dashboard(world.agent_a)


@pytest.mark.parametrize("who", ["judge", "mediator", "defendant", "anonymous"])
def test_other_roles_get_404(world: SimpleNamespace, who: str, make_user: Any) -> None:
    if who == "anonymous":
        client = Client()
        response = client.get(reverse("stats:dashboard"))
        assert response.status_code == 302  # to the login page
        return
    if who == "defendant":
        party = world.cases[0].defendants[0].party
        user = make_user(Role.DEFENDANT, None, party=party)
    else:
        user = getattr(world, who)
    client = _client(user)
    assert client.get(reverse("stats:dashboard")).status_code == 404
    assert client.get(reverse("stats:cases"), {"metric": "received"}).status_code == 404
    assert client.post(reverse("stats:white_paper"), {"period": "2026"}).status_code == 404


def test_unknown_metric_is_404_with_a_message(world: SimpleNamespace) -> None:
    client = _client(world.president)
    url = reverse("stats:cases")
    response = client.get(url, {"metric": "profit"})
    assert response.status_code == 404
    assert "未知的统计指标“profit”" in response.content.decode()
    assert client.get(url, {"metric": "service_attempts:pigeon"}).status_code == 404
    assert client.get(url, {"metric": "filed", "dim": "colour", "key": "1"}).status_code == 404
    assert client.get(url).status_code == 404


def test_amount_list_heading(world: SimpleNamespace) -> None:
    page = _page(_client(world.agent_b), reverse("stats:cases"), metric="claimed")
    # 巴渝: only case 3 was filed, claim 10,000.00 (the factories' default).
    assert (
        '<span id="metric-figure">10,000.00</span>元，涉及 <span id="metric-count">1</span> 件'
        in (page)
    )
    assert _listed(page) == _ids(world, 3)


def test_white_paper_only_for_president_and_admin(world: SimpleNamespace) -> None:
    assert 'id="white-paper-button"' in _dashboard(world.president)
    assert 'id="white-paper-button"' not in _dashboard(world.agent_a)
    response = _client(world.agent_a).post(reverse("stats:white_paper"), {"period": "2026"})
    assert response.status_code == 404
    bad = _client(world.president).post(
        reverse("stats:white_paper"), {"period": "明年"}, follow=True
    )
    assert "生成白皮书失败：统计期间「明年」有误" in bad.content.decode()


def test_white_paper_pdf(world: SimpleNamespace) -> None:
    response = _client(world.president).post(reverse("stats:white_paper"), {"period": "2026"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    assert "%E7%99%BD%E7%9A%AE%E4%B9%A6-2026.pdf" in response["Content-Disposition"]


def test_admin_chooses_the_white_papers_court(world: SimpleNamespace) -> None:
    client = _client(world.admin)
    url = reverse("stats:white_paper")
    bad = client.post(url, {"period": "2026", "court": "99999"}, follow=True)
    assert "生成白皮书失败：所选法院“99999”不存在" in bad.content.decode()
    response = client.post(url, {"period": "2026-Q1", "court": str(world.yubei.pk)})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert "2026-Q1.pdf" in response["Content-Disposition"]


def test_case_list_pages_by_fifty(world: SimpleNamespace) -> None:
    for n in range(53):
        f.case(world.yubei, world.bayu, created=f"2026-04-{n % 28 + 1:02d}")
    client = _client(world.agent_b)
    first = _page(client, reverse("stats:cases"), metric="received", period="2026-04")
    # 53 cases received in April by 巴渝: 50 on the first page, 3 on the second.
    assert '<span id="metric-figure">53</span> 件' in first
    assert len(_listed(first)) == 50
    assert "第 1 / 2 页，共 53 件" in first
    second = _page(client, reverse("stats:cases"), metric="received", period="2026-04", page="2")
    assert len(_listed(second)) == 3
    assert not set(_listed(first)) & set(_listed(second))


def test_an_institution_without_cases_sees_zeros(world: SimpleNamespace) -> None:
    third = f.institution_org("BANK03", "山城农村商业银行股份有限公司")
    page = _dashboard(f.person(Role.BANK_AGENT, third, "山城经办"))
    assert _counts(page) == {"received": "0", "filed": "0", "closed": "0"}
    assert _kpi(page, "kpi-closure-rate")[0] == "—"
    assert "本期间暂无数据" in page
    assert "重庆市江北区人民法院" not in page.split("</header>", 1)[1]
