"""Each warning rule on hand-built data, just below and just above its thresholds."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from jiefen.accounts.models import InstitutionKind
from jiefen.judgments.models import DecisionKind, Judgment
from jiefen.law.identifiers import make_uscc
from jiefen.risk import firms, rules
from jiefen.risk.models import FeedRecord, FeedSource, WarningKind

from .conftest import AS_OF

Maker = Callable[..., Any]


# --- 1. cap_exceedance ----------------------------------------------------------------------


def test_cap_warns_at_ten_over_cap_cases_and_thirty_percent(make_org: Maker, claim: Maker) -> None:
    lender = make_org("渝信消费金融有限公司", InstitutionKind.CONSUMER_FINANCE)
    over = [claim(lender, AS_OF - timedelta(days=d), over_cap=True) for d in range(9)]
    # the tenth: a judgment reduced the interest to the cap (the case itself was not flagged)
    reduced = claim(lender, AS_OF - timedelta(days=20))
    Judgment.objects.create(case=reduced, kind=DecisionKind.JUDGMENT, reduced_for_cap=True)
    for d in range(23):  # 33 cases, 10 of them over the cap: 30.3 %
        claim(lender, AS_OF - timedelta(days=30 + d))
    claim(lender, AS_OF - timedelta(days=365), over_cap=True)  # 366th day back: outside
    [found] = rules.cap_exceedance(AS_OF)
    assert found.subject_name == "渝信消费金融有限公司"
    assert found.score == Decimal(30)
    assert sorted(found.case_ids) == sorted(c.pk for c in [*over, reduced])
    signals = {s["signal"]: s for s in found.signals}
    assert signals["cases"]["value"] == 33
    assert signals["over_cap"]["value"] == 10
    assert signals["share_over_cap"]["value"] == 0.303
    assert "33件" in found.summary and "10件" in found.summary


def test_cap_below_either_threshold_is_quiet(make_org: Maker, claim: Maker) -> None:
    nine = make_org("九件银行")
    for d in range(9):  # 9 of 9 over the cap: share 100 % but fewer than 10
        claim(nine, AS_OF - timedelta(days=d), over_cap=True)
    share = make_org("占比不足银行")
    for d in range(10):  # 10 of 34: 29.4 %
        claim(share, AS_OF - timedelta(days=d), over_cap=True)
    for d in range(24):
        claim(share, AS_OF - timedelta(days=d))
    assert rules.cap_exceedance(AS_OF) == []


# --- 2. surge -------------------------------------------------------------------------------


def _spread(claim: Maker, org: Any, count: int, newest_days_back: int) -> None:
    """`count` cases in the 30-day window whose last day is `newest_days_back` days back."""
    for i in range(count):
        claim(org, AS_OF - timedelta(days=newest_days_back + i % 30))


def test_surge_of_suits_at_three_times_the_baseline(make_org: Maker, claim: Maker) -> None:
    bank = make_org("激增银行")
    _spread(claim, bank, 30, 0)  # the last 30 days: 30 suits
    _spread(claim, bank, 60, 30)  # the six windows before: 60 suits, mean 10
    [found] = rules.surge(AS_OF)
    suits = next(s for s in found.signals if s["signal"] == "suits")
    assert (suits["value"], suits["baseline"], suits["ratio"]) == (30, 10.0, 3.0)
    assert found.score == Decimal(30)
    assert len(found.case_ids) == 30


def test_surge_just_below(make_org: Maker, claim: Maker) -> None:
    bank = make_org("平稳银行")
    _spread(claim, bank, 30, 0)
    _spread(claim, bank, 61, 30)  # mean 10.17: 30 < 3 × 10.17
    few = make_org("小银行")
    _spread(claim, few, 29, 0)  # zero baseline counts as 1, but 29 < 30 suits
    assert rules.surge(AS_OF) == []


def _complaints(uscc: str, count: int, days_back: int = 0) -> None:
    for i in range(count):
        FeedRecord.objects.create(
            source=FeedSource.COMPLAINT,
            external_id=f"TS-{uscc}-{days_back}-{i}",
            firm_name="被投诉机构",
            uscc=uscc,
            occurred_on=AS_OF - timedelta(days=days_back + i % 30),
        )


def test_surge_of_complaints_against_an_institution(make_org: Maker) -> None:
    hit = make_org("投诉激增银行")
    quiet = make_org("投诉不足银行")
    _complaints(hit.uscc, 10)  # 10 in the last window, none before: 10 × the baseline of 1
    _complaints(quiet.uscc, 9)
    [found] = rules.surge(AS_OF)
    assert found.institution_id == hit.pk
    complaints = next(s for s in found.signals if s["signal"] == "complaints")
    assert (complaints["value"], complaints["ratio"]) == (10, 10.0)
    assert found.score == Decimal(100)
    assert found.case_ids == []


# --- 3. professional_lender -----------------------------------------------------------------


def test_unlicensed_lender_suing_ten_borrowers_in_two_years(
    make_org: Maker, claim: Maker, person: Maker
) -> None:
    lender = make_org("重庆某某商贸有限公司", InstitutionKind.OTHER)
    cases = [claim(lender, AS_OF - timedelta(days=70 * i)) for i in range(10)]  # up to 630 days
    claim(lender, AS_OF - timedelta(days=730))  # the 731st day back: outside the two years
    [found] = rules.professional_lender(AS_OF)
    assert found.score == Decimal(10)
    assert sorted(found.case_ids) == sorted(c.pk for c in cases)
    assert "10名不同借款人" in found.summary and "地方标准" in found.summary


def test_nine_borrowers_or_a_licensed_bank_is_not_a_professional_lender(
    make_org: Maker, claim: Maker, person: Maker
) -> None:
    lender = make_org("九人商贸有限公司", InstitutionKind.OTHER)
    again = person("钱七")
    for i in range(8):
        claim(lender, AS_OF - timedelta(days=i))
    for i in range(4):  # one borrower sued four times: still 9 distinct borrowers
        claim(lender, AS_OF - timedelta(days=10 + i), defendant=again)
    bank = make_org("持牌银行")
    for i in range(12):
        claim(bank, AS_OF - timedelta(days=i))
    assert rules.professional_lender(AS_OF) == []


def test_a_registration_without_a_lending_licence_makes_a_bank_suspect(
    make_org: Maker, claim: Maker
) -> None:
    shell = make_org("自称银行的咨询公司", InstitutionKind.BANK)
    real = make_org("真银行", InstitutionKind.BANK)
    for org, scope in ((shell, "企业管理咨询；商务信息咨询"), (real, "吸收公众存款；发放贷款")):
        FeedRecord.objects.create(
            source=FeedSource.REGISTRATION,
            external_id=f"REG-{org.pk}",
            firm_name=org.name,
            uscc=org.uscc,
            occurred_on=AS_OF - timedelta(days=1000),
            business_scope=scope,
        )
        for i in range(10):
            claim(org, AS_OF - timedelta(days=i))
    [found] = rules.professional_lender(AS_OF)
    assert found.institution_id == shell.pk
    assert "登记经营范围无放贷许可" in found.summary


# --- 4. contact_cluster ---------------------------------------------------------------------


def test_a_ring_sharing_a_mobile_and_an_employer(
    make_org: Maker, claim: Maker, person: Maker
) -> None:
    bank = make_org("长江银行")
    a = person("甲一", mobile="13800001234")
    b = person("乙二", mobile="+86 138 0000 1234", employer="重庆鑫达机械厂")
    c = person("丙三", employer="重庆鑫达机械厂")
    cases = [claim(bank, AS_OF - timedelta(days=i), defendant=p) for i, p in enumerate((a, b, c))]
    [found] = rules.contact_cluster(AS_OF)
    assert found.score == Decimal(3 + 2 * 1)
    assert sorted(found.case_ids) == sorted(x.pk for x in cases)
    assert found.subject_name == "甲一等3人"
    shown = {s["signal"]: s for s in found.signals}
    assert shown["shared_mobile"]["value"] == "138****1234"  # masked, never the number
    assert shown["shared_mobile"]["parties"] == 2
    assert shown["shared_employer"]["value"] == "重庆鑫达机械厂"
    assert "13800001234" not in str(found.signals)


def test_co_defendants_of_one_case_are_no_ring(
    make_org: Maker, claim: Maker, person: Maker
) -> None:
    bank = make_org("长江银行")
    home = "重庆市渝北区龙溪街道金山路8号2-1"
    husband = person("丁四", address=home, mobile="13900002222")
    wife = person("戊五", address=home, mobile="13900002222")
    guarantor = person("己六", address=home)
    for i in range(3):  # one family's three loans: the same defendant every time
        claim(bank, AS_OF - timedelta(days=i), defendant=husband, guarantors=[wife, guarantor])
    assert rules.contact_cluster(AS_OF) == []


def test_placeholder_and_claimant_employers_join_nobody(
    make_org: Maker, claim: Maker, person: Maker
) -> None:
    bank = make_org("长江银行股份有限公司")
    for i, employer in enumerate(("个体", "个体", "个体", "无", "无", "无")):
        claim(bank, AS_OF - timedelta(days=i), defendant=person(employer=employer))
    for i in range(3):  # staff of the claimant borrowing from it
        claim(bank, AS_OF - timedelta(days=i), defendant=person(employer="长江银行股份有限公司"))
    for i in range(2):  # a real employer, but only two people: no ring
        claim(bank, AS_OF - timedelta(days=i), defendant=person(employer="重庆某某火锅店"))
    assert rules.contact_cluster(AS_OF) == []


def test_a_shared_address_written_two_ways(make_org: Maker, claim: Maker, person: Maker) -> None:
    bank = make_org("长江银行")
    people = [
        person("庚七", address="重庆市南岸区南坪西路１２号３－５", division="500108"),
        person("辛八", address="重庆市南岸区 南坪西路12号3-5", division="500108"),
        person("壬九", address="重庆市南岸区南坪西路12号3－5。", division="500108"),
    ]
    for i, p in enumerate(people):
        claim(bank, AS_OF - timedelta(days=i), defendant=p)
    [found] = rules.contact_cluster(AS_OF)
    assert found.score == Decimal(3)
    address = next(s for s in found.signals if s["signal"] == "shared_address")
    assert address["value"] == "重庆市南岸区"  # the district, not the street
    assert address["parties"] == 3


# --- 5. quasi_financial ---------------------------------------------------------------------


def _firm(name: str, scope: str, events: list[tuple[str, int]], division: str = "500112") -> str:
    uscc = make_uscc(division, f"{zlib.crc32(name.encode()) % 10**8:08d}")
    FeedRecord.objects.create(
        source=FeedSource.REGISTRATION,
        external_id=f"REG-{uscc}",
        firm_name=name,
        uscc=uscc,
        division_code=division,
        occurred_on=AS_OF - timedelta(days=2000),
        business_scope=scope,
    )
    for i, (source, days_back) in enumerate(events):
        FeedRecord.objects.create(
            source=source,
            external_id=f"{source}-{uscc}-{i}",
            firm_name=name,
            uscc=uscc,
            occurred_on=AS_OF - timedelta(days=days_back),
        )
    return uscc


P, C = FeedSource.PENALTY, FeedSource.COMPLAINT


def test_rising_quasi_financial_firm_at_twenty(db: Any) -> None:
    _firm("重庆聚财投资管理有限公司", "投资管理；资产管理", [(P, 10), (P, 80)])
    [found] = firms.quasi_financial(AS_OF)
    assert found.kind == WarningKind.QUASI_FINANCIAL
    assert found.score == Decimal(20)
    assert found.division_code == "500112"
    signals = {s["signal"]: s for s in found.signals}
    assert (signals["recent"]["value"], signals["recent"]["threshold"]) == (20, 0)
    assert "重庆市渝北区" in found.summary and "投资管理" in found.summary


def test_quasi_financial_below_score_not_rising_or_not_quasi(db: Any) -> None:
    _firm("重庆差一分资产管理有限公司", "资产管理", [(P, 10), (C, 11), (C, 12), (C, 13)])  # 19
    _firm("重庆平稳理财咨询有限公司", "理财咨询", [(P, 100), (P, 120), (C, 10)])  # 3 < 20
    _firm("重庆美味餐饮有限公司", "餐饮服务", [(P, 1), (P, 2), (P, 3)])  # 30, but a restaurant
    assert firms.quasi_financial(AS_OF) == []


def test_platform_cases_count_two_points(make_org: Maker, claim: Maker) -> None:
    uscc = _firm("重庆速贷小额贷款有限公司", "小额贷款", [(P, 5)])  # 10 points
    lender = make_org("重庆速贷小额贷款有限公司", InstitutionKind.MICRO_LOAN, uscc=uscc)
    for i in range(4):  # 4 cases as claimant: 8 points, 18 in all
        claim(lender, AS_OF - timedelta(days=i))
    assert firms.quasi_financial(AS_OF) == []
    claim(lender, AS_OF - timedelta(days=5))  # the fifth: 20
    [found] = firms.quasi_financial(AS_OF)
    assert found.score == Decimal(20)
    assert len(found.case_ids) == 5
