"""The risk desk's pages through the Django test client: who may open them (院庭长 and 平台管理员;
everyone else the same 404 as a missing page), the list and its filters, one warning with its
signals, cases and timeline, assign / handle / close moving the state and showing Chinese errors
on bad input, the grid by district and the feed upload with its row errors.

The two warnings every test starts from (raised by the real sweep, hand-checked):
- 职业放贷人: 渝北民间借贷有限公司 (institution kind "other", not licensed) sued 10 different
  borrowers in the last 2 years → score = 10 borrowers (threshold 10).
- 类金融企业: 重庆鑫汇财富管理有限公司 (scope 财富管理, district 500112 渝北区) has 2 penalties in
  the last 90 days and none before → score = 10 × 2 = 20 (threshold 20), rising (20 > 0).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jiefen.accounts.models import InstitutionKind, Organisation, OrganisationKind, Role, User
from jiefen.cases.models import Case
from jiefen.law.identifiers import make_uscc
from jiefen.risk.actions import detect_warnings, import_feed_records
from jiefen.risk.models import FeedImport, FeedRecord, Warning, WarningKind, WarningState

PASSWORD = "test-pass-123"  # tests/conftest.py
FIRM = "重庆鑫汇财富管理有限公司"
FIRM_USCC = make_uscc("500112", "61234567")
LENDER = "渝北民间借贷有限公司"

pytestmark = pytest.mark.django_db


def seed(make_org: Callable[..., Organisation], claim: Callable[..., Case]) -> dict[str, Any]:
    """The lender's 10 cases, the firm's feed records and the sweep run today."""
    today = timezone.localdate()
    lender = make_org(LENDER, InstitutionKind.OTHER)
    cases = [claim(lender, today - timedelta(days=3 * d + 1)) for d in range(10)]
    import_feed_records(
        [
            _record(
                "registration", "DJ-1", today - timedelta(days=400), scope="财富管理；投资咨询"
            ),
            _record("penalty", "CF-1", today - timedelta(days=10), detail="违规销售理财产品"),
            _record("penalty", "CF-2", today - timedelta(days=20), detail="虚假宣传"),
        ],
        by=None,
    )
    detect_warnings(by=None, as_of=today)
    return {
        "cases": cases,
        "lender": Warning.objects.get(kind=WarningKind.PROFESSIONAL_LENDER),
        "firm": Warning.objects.get(kind=WarningKind.QUASI_FINANCIAL),
    }


def _record(source: str, external_id: str, on: date, **extra: str) -> dict[str, Any]:
    return {
        "source": source,
        "external_id": external_id,
        "firm_name": FIRM,
        "uscc": FIRM_USCC,
        "division_code": "500112",
        "occurred_on": on.isoformat(),
        "detail": extra.get("detail", ""),
        "business_scope": extra.get("scope", ""),
    }


@pytest.fixture
def seeded(make_org: Callable[..., Organisation], claim: Callable[..., Case]) -> dict[str, Any]:
    return seed(make_org, claim)


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.PLATFORM_ADMIN, full_name="平台管理员甲")


@pytest.fixture
def president(make_user: Callable[..., User], court: Organisation) -> User:
    return make_user(Role.COURT_PRESIDENT, court, full_name="李院长")


def _client(user: User) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def _text(response: Any) -> str:
    return str(response.content.decode())


def _section(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</table>", start)]


# --- access -----------------------------------------------------------------------------------


def test_other_roles_get_404_on_every_page_and_form(
    seeded: dict[str, Any],
    make_user: Callable[..., User],
    court: Organisation,
    bank: Organisation,
) -> None:
    w = seeded["lender"]
    outsiders = [
        make_user(Role.BANK_AGENT, bank),
        make_user(Role.JUDGE, court),
        make_user(Role.DEFENDANT),
    ]
    for user in outsiders:
        c = _client(user)
        for url in ("/risk/", f"/risk/{w.pk}/", "/risk/grid/", "/risk/feeds/"):
            assert c.get(url).status_code == 404, (user.role, url)
        for action in ("assign", "handle", "close"):
            assert c.post(f"/risk/{w.pk}/{action}/", {"note": "x"}).status_code == 404
    w.refresh_from_db()
    assert w.state == WarningState.OPEN
    anonymous = Client().get("/risk/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_court_president_sees_the_warnings_of_the_court_only(
    seeded: dict[str, Any], president: User, make_user: Callable[..., User]
) -> None:
    c = _client(president)
    page = _text(c.get("/risk/"))
    assert LENDER in page and FIRM not in page  # the firm is in 渝北区, not the court's 江北区
    assert c.get(f"/risk/{seeded['lender'].pk}/").status_code == 200
    assert c.get(f"/risk/{seeded['firm'].pk}/").status_code == 404
    assert c.get("/risk/999999/").status_code == 404
    elsewhere = Organisation.objects.create(
        code="渝0112",
        name="重庆市渝北区人民法院",
        kind=OrganisationKind.COURT,
        court_code="渝0112",
        division_code="500113",
    )
    other = _client(make_user(Role.COURT_PRESIDENT, elsewhere))
    assert other.get(f"/risk/{seeded['lender'].pk}/").status_code == 404
    assert "暂无" in _text(other.get("/risk/"))


# --- the list ---------------------------------------------------------------------------------


def test_desk_lists_warnings_by_score_with_counts_and_filters(
    seeded: dict[str, Any], admin: User
) -> None:
    c = _client(admin)
    page = _text(c.get("/risk/"))
    rows = _section(page, "warnings")
    # 20 points before 10 points
    assert rows.index(FIRM) < rows.index(LENDER)
    assert ">20<" in rows and ">10<" in rows
    assert "共 2 条预警" in page
    counts = page[page.index('id="kind-counts"') : page.index('id="filters"')]
    assert 'data-kind="professional_lender">职业放贷人<b>1</b>' in counts
    assert 'data-kind="cap_exceedance">超限主张利息<b>0</b>' in counts

    only_firms = _text(c.get("/risk/?kind=quasi_financial"))
    assert FIRM in _section(only_firms, "warnings") and LENDER not in only_firms
    district = _text(c.get("/risk/?district=500112"))
    assert "重庆市渝北区：共 1 条预警" in district
    assert LENDER not in _section(district, "warnings")
    closed = _text(c.get("/risk/?state=closed"))
    assert "暂无符合筛选条件的预警" in closed
    # a made-up filter value is ignored, never an error
    assert "共 2 条预警" in _text(c.get("/risk/?kind=nonsense&state=x&district=abc"))


# --- one warning ------------------------------------------------------------------------------


def test_warning_page_explains_itself(seeded: dict[str, Any], admin: User) -> None:
    w = seeded["lender"]
    page = _text(_client(admin).get(f"/risk/{w.pk}/"))
    assert "职业放贷人：" + LENDER in page
    assert "非持牌金融机构" in page and "10名不同借款人" in page
    signals = _section(page, "signals")
    assert 'data-signal="borrowers"' in signals
    borrowers = signals[signals.index('data-signal="borrowers"') :]
    assert '<td data-label="取值" class="num value">10</td>' in borrowers
    assert '<td data-label="预警线" class="num threshold">10</td>' in borrowers
    assert "风险分 = 近两年起诉的不同借款人数" in page
    cases = _section(page, "cases")
    for case in seeded["cases"]:
        assert f'href="/cases/{case.pk}/"' in cases
    assert "相关案件（10 件）" in page
    assert 'data-step="open"' in _section(page, "timeline")
    for form in ("assign-form", "handle-form", "close-form"):
        assert f'id="{form}"' in page


def test_share_signals_read_as_percentages() -> None:
    from jiefen.risk.views import signal_rows

    rows = signal_rows(
        [
            {"signal": "share_over_cap", "label": "超限案件占比", "value": 0.303, "threshold": 0.3},
            {
                "signal": "suits",
                "label": "近30日起诉案件数",
                "value": 31,
                "threshold": 30,
                "baseline": 2.5,
                "ratio": 12.4,
                "factor": 3,
            },
        ]
    )
    assert (rows[0]["value"], rows[0]["threshold"]) == ("30.3%", "30.0%")
    assert rows[1]["note"] == "前6个周期均值：2.5；为均值的倍数：12.4；预警倍数：3"


def test_assign_handle_close_move_the_state(
    seeded: dict[str, Any], admin: User, president: User
) -> None:
    w = seeded["lender"]
    c = _client(admin)
    r = c.post(f"/risk/{w.pk}/assign/", {"assignee": president.pk}, follow=True)
    assert "已分派给李院长处置" in _text(r)
    w.refresh_from_db()
    assert (w.state, w.assignee_id) == (WarningState.ASSIGNED, president.pk)
    assert "分派给" in _section(_text(r), "timeline")

    # the court president handles it
    p = _client(president)
    r = p.post(
        f"/risk/{w.pk}/handle/", {"note": "已约谈该公司负责人，移送金融监管部门"}, follow=True
    )
    assert "处置情况已登记" in _text(r)
    w.refresh_from_db()
    assert (w.state, w.handling_note) == (
        WarningState.HANDLED,
        "已约谈该公司负责人，移送金融监管部门",
    )
    timeline = _section(_text(r), "timeline")
    assert "李院长" in timeline and "已约谈该公司负责人" in timeline

    r = c.post(f"/risk/{w.pk}/close/", follow=True)
    page = _text(r)
    assert "预警已关闭" in page
    w.refresh_from_db()
    assert w.state == WarningState.CLOSED and w.closed_score == w.score
    assert 'id="close-form"' not in page and 'id="assign-form"' not in page
    # a closed warning refuses further handling, with the reason, nothing changed
    r = c.post(f"/risk/{w.pk}/assign/", {"assignee": admin.pk})
    assert r.status_code == 400 and "预警已关闭，不能再处置" in _text(r)
    w.refresh_from_db()
    assert w.assignee_id == president.pk


def test_bad_input_is_shown_and_nothing_changes(
    seeded: dict[str, Any], admin: User, make_user: Callable[..., User], court: Organisation
) -> None:
    w = seeded["lender"]
    c = _client(admin)
    r = c.post(f"/risk/{w.pk}/assign/", {"assignee": ""})
    assert r.status_code == 400 and "请选择处置人" in _text(r)
    judge = make_user(Role.JUDGE, court)
    r = c.post(f"/risk/{w.pk}/assign/", {"assignee": judge.pk})
    assert r.status_code == 400
    assert "所选处置人不存在或不能处置风险预警（仅院庭长、平台管理员）" in _text(r)
    r = c.post(f"/risk/{w.pk}/handle/", {"note": "   "})
    assert r.status_code == 400 and "请填写处置情况" in _text(r)
    w.refresh_from_db()
    assert (w.state, w.assignee_id, w.handling_note) == (WarningState.OPEN, None, "")
    assert c.get(f"/risk/{w.pk}/assign/").status_code == 405


# --- the grid ---------------------------------------------------------------------------------


def test_grid_shows_districts_coloured_and_linked(seeded: dict[str, Any], admin: User) -> None:
    page = _text(_client(admin).get("/risk/grid/"))
    cell = page[page.index('data-division="500112"') :]
    cell = cell[: cell.index("</a>")]
    assert 'data-heat="heat3"' in cell  # the only district: the highest score
    assert "重庆市渝北区" in cell and '<span class="score">20</span>' in cell
    assert '类金融 <span class="quasi">1</span> 家' in cell
    assert '上升 <span class="rising">1</span> 家' in cell
    assert 'href="/risk/?district=500112"' in page


# --- feeds ------------------------------------------------------------------------------------

CSV = (
    "source,external_id,firm_name,uscc,division_code,occurred_on,detail,amount\n"
    f"complaint,TS-9,{FIRM},{FIRM_USCC},500112,2026-11-02,承诺保本高收益,\n"
    f"penalty,CF-9,{FIRM},91500000XXXXXXXXXX,500112,2026-11-03,违规,1000\n"
    f"penalty,CF-10,,{FIRM_USCC},500112,2026/11/03,违规,abc\n"
)


def _upload(c: Client, text: str, name: str = "feed.csv") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return c.post(
        "/risk/feeds/",
        {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
        follow=True,
    )


def test_feed_upload_keeps_good_rows_and_names_bad_ones(admin: User) -> None:
    c = _client(admin)
    page = _text(_upload(c, CSV))
    assert "feed.csv：共 3 行，新增 1 条" in page
    errors = _section(page, "import-errors")
    assert "第3行「统一社会信用代码」：「91500000XXXXXXXXXX」不是有效的统一社会信用代码" in errors
    assert "第4行「企业名称」：不能为空" in errors
    assert "第4行「发生日期」：「2026/11/03」不是YYYY-MM-DD格式的日期" in errors
    assert "第4行「金额」：「abc」不是非负金额" in errors
    assert list(FeedRecord.objects.values_list("external_id", flat=True)) == ["TS-9"]

    again = _text(_upload(c, CSV))
    assert "新增 0 条，已存在 1 条（未重复导入）" in again
    assert FeedRecord.objects.count() == 1
    assert FeedImport.objects.count() == 2
    assert _section(again, "imports").count("data-import=") == 2


def test_feed_upload_refusals(admin: User, president: User) -> None:
    c = _client(admin)
    r = c.post("/risk/feeds/", {})
    assert r.status_code == 400 and "请选择要上传的 CSV 文件" in _text(r)
    page = _text(_upload(c, "firm,date\n甲,2026-01-01\n"))
    assert "第1行「表头」：缺少列" in page
    # the court president reads the imports but does not import
    p = _client(president)
    assert 'id="upload-form"' not in _text(p.get("/risk/feeds/"))
    r = _upload(p, CSV)
    assert r.status_code == 400 and "不能「导入外部风险数据」" in _text(r)
    assert FeedRecord.objects.count() == 0
