"""Feed imports: bad rows named by row and field, good rows kept, re-imports change nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jiefen.accounts.models import Role, User
from jiefen.audit.models import AuditRecord
from jiefen.law.identifiers import make_uscc
from jiefen.risk.actions import ActionRefused, import_feed_csv, import_feed_records
from jiefen.risk.models import FeedImport, FeedRecord, FeedSource

USCC = make_uscc("500103", "12345678")
BAD_USCC = USCC[:-1] + ("1" if USCC[-1] != "1" else "2")  # a wrong check character
HEADER = (
    "source,external_id,firm_name,uscc,division_code,occurred_on,detail,amount,"
    "business_scope,registered_capital\n"
)


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.PLATFORM_ADMIN)


def _csv(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


GOOD = (
    f"penalty,CF-2026-001,重庆聚财投资管理有限公司,{USCC},500103,2026-10-08,"
    "未经批准从事理财业务,50000,,",
    f"registration,REG-001,重庆聚财投资管理有限公司,{USCC},500103,2019-03-01,,,"
    "投资管理；资产管理,1000",
    "投诉,TS-9,重庆某某财富管理有限公司,,500105,2026-11-01,承诺保本高收益,,,",
)


def test_bad_rows_are_named_and_good_rows_kept(admin: User) -> None:
    data = _csv(
        GOOD[0],
        "fine,X-1,某公司,,,2026-10-01,,,,",  # line 3: unknown source
        f"complaint,X-2,某公司,{BAD_USCC},,2026-10-01,,,,",  # line 4: bad check digit
        "complaint,X-3,,,5001,2026-13-01,,-5,,",  # line 5: four problems
        GOOD[1],
        "",  # a blank line is skipped (and not counted)
        GOOD[2],
    )
    result = import_feed_csv(data, by=admin, name="feed.csv")
    assert (result.rows, result.accepted, result.unchanged) == (6, 3, 0)
    messages = [e["message"] for e in result.errors]
    assert messages == [
        "第3行「来源」：应为 penalty/complaint/registration（行政处罚/投诉/工商登记）",
        f"第4行「统一社会信用代码」：「{BAD_USCC}」不是有效的统一社会信用代码",
        "第5行「企业名称」：不能为空",
        "第5行「行政区划代码」：应为6位数字",
        "第5行「发生日期」：「2026-13-01」不是YYYY-MM-DD格式的日期",
        "第5行「金额」：「-5」不是非负金额",
    ]
    assert [(e["row"], e["field"]) for e in result.errors][:2] == [(3, "source"), (4, "uscc")]
    penalty = FeedRecord.objects.get(external_id="CF-2026-001")
    assert penalty.source == FeedSource.PENALTY
    assert penalty.amount == Decimal("50000.00")
    assert penalty.occurred_on == date(2026, 10, 8)
    assert FeedRecord.objects.get(external_id="REG-001").registered_capital == Decimal("1000.00")
    assert FeedRecord.objects.get(external_id="TS-9").source == FeedSource.COMPLAINT  # 投诉
    assert set(FeedRecord.objects.values_list("external_id", flat=True)) == {
        "CF-2026-001",
        "REG-001",
        "TS-9",
    }
    audit = AuditRecord.objects.get(action="risk.import_feed")
    assert audit.payload["accepted"] == 3 and audit.payload["errors"] == 6


def test_reimporting_the_same_file_changes_nothing(admin: User) -> None:
    data = _csv(*GOOD)
    first = import_feed_csv(data, by=admin)
    stored = list(FeedRecord.objects.order_by("pk").values())
    again = import_feed_csv(data, by=admin)
    assert (first.accepted, first.unchanged) == (3, 0)
    assert (again.accepted, again.unchanged) == (0, 3)
    assert list(FeedRecord.objects.order_by("pk").values()) == stored
    # the same records as JSON are the same records too
    same = import_feed_records(
        [
            {
                "source": "complaint",
                "external_id": "TS-9",
                "firm_name": "改名公司",
                "occurred_on": "2026-11-02",
            }
        ],
        by=admin,
    )
    assert (same.accepted, same.unchanged) == (0, 1)
    assert FeedRecord.objects.get(external_id="TS-9").firm_name == "重庆某某财富管理有限公司"


def test_json_records_number_rows_from_one(admin: User) -> None:
    result = import_feed_records(
        [
            {
                "source": "penalty",
                "external_id": "J-1",
                "firm_name": "甲公司",
                "occurred_on": "2026-09-09",
                "amount": 1200.5,
            },
            "not an object",
            {"source": "penalty", "external_id": "J-3", "firm_name": "乙公司"},
        ],
        by=admin,
    )
    assert result.accepted == 1
    assert [e["message"] for e in result.errors] == [
        "第2行「记录」：不是JSON对象",
        "第3行「发生日期」：不能为空",
    ]
    assert FeedRecord.objects.get(external_id="J-1").amount == Decimal("1200.50")


def test_a_file_without_the_required_columns_or_not_utf8(admin: User) -> None:
    headless = import_feed_csv("firm_name,uscc\n某公司,\n".encode(), by=admin)
    assert [e["message"] for e in headless.errors] == [
        "第1行「表头」：缺少列 source（来源）、external_id（来源编号）、occurred_on（发生日期）"
    ]
    gbk = import_feed_csv(_csv(GOOD[0]).decode().encode("gbk"), by=admin)
    assert [e["message"] for e in gbk.errors] == ["第1行「文件」：文件不是UTF-8编码"]
    assert FeedRecord.objects.count() == 0
    assert FeedImport.objects.count() == 2


def test_only_the_centre_imports(make_user: Callable[..., User], bank: Any) -> None:
    agent = make_user(Role.BANK_AGENT, bank)
    with pytest.raises(ActionRefused, match="导入外部风险数据"):
        import_feed_csv(_csv(*GOOD), by=agent)
    assert FeedImport.objects.count() == 0
    assert import_feed_csv(_csv(*GOOD), by=None).accepted == 3  # the system (a scheduled feed)


def test_the_documented_example_imports(admin: User) -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "risk.md").read_text()
    example = doc.split("```csv\n", 1)[1].split("```", 1)[0]
    result = import_feed_csv(example.encode(), by=admin)
    assert (result.rows, result.accepted, result.errors) == (3, 3, [])
