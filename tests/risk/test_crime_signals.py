"""Rules 6–8 (withheld interest, effective rate, serial loans) and `case_signals` on hand-built
loans; the expected numbers are worked out here from the formulas of docs/risk.md."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from jiefen.accounts.models import InstitutionKind
from jiefen.cases.models import Case, CaseType
from jiefen.risk import crime
from jiefen.risk.models import WarningKind

from .conftest import AS_OF

Maker = Callable[..., Any]

START = date(2025, 1, 10)
END = START + timedelta(days=180)  # T = 180
# 4 × the one-year LPR in force on 2025-01-10 (3.10 %, fixed 2024-10-21): 民间借贷规定 Art. 25.
PRIVATE_CAP = Decimal("4") * Decimal("3.10")


def facts(
    agreed: str = "50000.00",
    disbursed: str = "50000.00",
    rate: str = "12",
    start: date = START,
    end: date | None = END,
    paid_on: date | None = None,
    basis: int = 360,
) -> dict[str, Any]:
    return {
        "contract": {"name": "借款合同", "signed_on": start.isoformat()},
        "loan_amount": {"agreed": agreed, "disbursed": disbursed},
        "term": {"start": start.isoformat(), "end": end.isoformat() if end else ""},
        "disbursed_on": (paid_on or start).isoformat(),
        "rates": {"annual_rate_percent": rate, "basis": basis},
    }


def loan(claim: Maker, org: Any, elements: dict[str, Any], **kw: Any) -> Case:
    """A loan case received on `on` (default: 10 days before AS_OF) with these elements."""
    on = kw.pop("on", AS_OF - timedelta(days=10))
    case: Case = claim(org, on, **kw)
    Case.objects.filter(pk=case.pk).update(elements=elements)
    case.refresh_from_db()
    return case


def effective(a: str, d: str, r: str, days: int, basis: int = 360) -> Decimal:
    """E = (I + W) / D × basis / T × 100, I = A × r/100 × T/basis (2 dp, half up)."""
    agreed, paid, rate = Decimal(a), Decimal(d), Decimal(r)
    interest = agreed * rate / 100 * days / basis
    value = (interest + agreed - paid) / paid * basis / days * 100
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP)


# --- 6. withheld_interest -------------------------------------------------------------------


def test_three_loans_paid_out_below_the_agreed_amount(make_org: Maker, claim: Maker) -> None:
    lender = make_org("重庆速融商贸有限公司", InstitutionKind.OTHER)
    pairs = [("50000.00", "45000.00"), ("30000.00", "27600.00"), ("20000.00", "19000.00")]
    flagged = [loan(claim, lender, facts(a, d)) for a, d in pairs]
    loan(claim, lender, facts("40000.00", "40000.00"))  # paid in full: not flagged
    [found] = crime.withheld_interest(AS_OF)
    assert found.kind == WarningKind.WITHHELD_INTEREST
    assert found.subject_key == f"institution:{lender.pk}"
    assert found.institution_id == lender.pk
    assert found.case_ids == sorted(c.pk for c in flagged)
    total = sum(Decimal(a) - Decimal(d) for a, d in pairs)  # 5000 + 2400 + 1000
    shares = [(Decimal(a) - Decimal(d)) / Decimal(a) for a, d in pairs]  # 10 %, 8 %, 5 %
    share = (sum(shares) / 3).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    signals = {s["signal"]: s for s in found.signals}
    assert signals["cases"]["value"] == 3 and signals["cases"]["threshold"] == 3
    assert signals["withheld_total"]["value"] == "8400.00" == f"{total:.2f}"
    assert signals["share_withheld"]["value"] == float(share) == 0.0767
    assert found.score == 3 + (share * 100).quantize(Decimal(1), ROUND_HALF_UP) == 11
    assert "8,400.00元" in found.summary and "砍头息" in found.summary


def test_withheld_interest_below_the_thresholds_is_quiet(make_org: Maker, claim: Maker) -> None:
    two = make_org("两件商贸有限公司", InstitutionKind.OTHER)
    loan(claim, two, facts("50000.00", "49999.99"))
    loan(claim, two, facts("50000.00", "45000.00"))
    loan(claim, two, facts("50000.00", "50000.00"))
    old = make_org("旧案商贸有限公司", InstitutionKind.OTHER)
    loan(claim, old, facts("50000.00", "45000.00"))
    loan(claim, old, facts("50000.00", "45000.00"))
    # the 731st day back: outside the two years
    loan(claim, old, facts("50000.00", "45000.00"), on=AS_OF - timedelta(days=730))
    cards = make_org("卡中心银行")
    for _ in range(3):  # not a loan: a card case carrying loan amounts is not measured
        case = loan(claim, cards, facts("50000.00", "45000.00"))
        Case.objects.filter(pk=case.pk).update(case_type=CaseType.CREDIT_CARD)
    odd = make_org("数据异常商贸有限公司", InstitutionKind.OTHER)
    for _ in range(3):  # more paid out than agreed, or nothing: not measured
        loan(claim, odd, facts("45000.00", "50000.00"))
    loan(claim, odd, {"loan_amount": {"agreed": "50000.00", "disbursed": ""}})
    assert crime.withheld_interest(AS_OF) == []


# --- 7. effective_rate ----------------------------------------------------------------------


def test_the_worked_example_and_a_private_lenders_cap(make_org: Maker, claim: Maker) -> None:
    lender = make_org("重庆速融商贸有限公司", InstitutionKind.OTHER)
    worked = loan(claim, lender, facts("50000.00", "45000.00", "12"))
    e_worked = effective("50000.00", "45000.00", "12", 180)
    # I = 50000 × 12 % × 180/360 = 3000; W = 5000; E = 8000 / 45000 × 2 × 100
    assert e_worked == Decimal("35.56")
    # 20.83 %: at least 1.5 × 12 % and above the private lender's cap of 12.40 %
    mid = loan(claim, lender, facts("50000.00", "48000.00", "12"))
    e_mid = effective("50000.00", "48000.00", "12", 180)
    assert e_mid == Decimal("20.83")
    # a 365-day basis, a year's term, 6 % stated and 8 % withheld
    long_facts = facts("100000.00", "92000.00", "6", end=START + timedelta(days=365), basis=365)
    longer = loan(claim, lender, long_facts)
    e_long = effective("100000.00", "92000.00", "6", 365, basis=365)
    assert e_long == Decimal("15.22")
    [found] = crime.effective_rate(AS_OF)
    assert found.kind == WarningKind.EFFECTIVE_RATE
    assert found.subject_key == f"institution:{lender.pk}"
    assert found.case_ids == sorted(c.pk for c in (worked, mid, longer))
    signals = {s["signal"]: s for s in found.signals}
    assert signals["cases"]["value"] == 3
    assert signals["effective_max"]["value"] == "35.56"
    mean_e = ((e_worked + e_mid + e_long) / 3).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert signals["effective_mean"]["value"] == str(mean_e)
    assert signals["cap"]["value"] == f"{PRIVATE_CAP}%"
    over = (e_worked + e_mid + e_long - 3 * PRIVATE_CAP) / 3
    assert found.score == 3 + over.quantize(Decimal(1), ROUND_HALF_UP)
    assert "35.56%" in found.summary and "12.40%" in found.summary


def test_effective_rate_just_below_the_factor_or_the_cap(make_org: Maker, claim: Maker) -> None:
    lender = make_org("重庆速融商贸有限公司", InstitutionKind.OTHER)
    # 17.88 % < 1.5 × 12 % = 18 % (above the 12.40 % cap, but not far above the stated rate)
    assert effective("50000.00", "48650.00", "12", 180) == Decimal("17.88")
    for _ in range(3):
        loan(claim, lender, facts("50000.00", "48650.00", "12"))
    # 36 % stated and nothing withheld: above the cap (rule 1's business), not above the stated
    for _ in range(3):
        loan(claim, lender, facts("50000.00", "50000.00", "36"))
    # a licensed bank: 20.83 % is ≥ 18 % but within its 24 % cap
    bank = make_org("持牌银行")
    for _ in range(3):
        loan(claim, bank, facts("50000.00", "48000.00", "12"))
    # two flagged loans are not yet a practice; a loan without a term is not measured
    two = make_org("两件商贸有限公司", InstitutionKind.OTHER)
    loan(claim, two, facts("50000.00", "45000.00", "12"))
    loan(claim, two, facts("50000.00", "45000.00", "12"))
    loan(claim, two, facts("50000.00", "45000.00", "12", end=None))
    assert crime.effective_rate(AS_OF) == []


def test_a_licensed_lender_above_twenty_four_percent(make_org: Maker, claim: Maker) -> None:
    bank = make_org("渝信小额贷款有限公司", InstitutionKind.MICRO_LOAN)
    cases = [loan(claim, bank, facts("50000.00", "45000.00", "12")) for _ in range(3)]
    [found] = crime.effective_rate(AS_OF)
    assert found.case_ids == sorted(c.pk for c in cases)
    assert {s["signal"]: s["value"] for s in found.signals}["cap"] == "24.00%"
    e = effective("50000.00", "45000.00", "12", 180)
    assert found.score == 3 + (e - 24).quantize(Decimal(1), ROUND_HALF_UP) == 15


# --- 8. serial_loans ------------------------------------------------------------------------


def _serial(
    claim: Maker, org: Any, borrower: Any, steps: list[tuple[str, date, int]]
) -> list[Case]:
    """Loans of (agreed, paid out on, term days) to one borrower."""
    return [
        loan(
            claim,
            org,
            facts(a, a, "12", start=day, end=day + timedelta(days=days)),
            defendant=borrower,
        )
        for a, day, days in steps
    ]


def test_a_chain_of_loans_each_paying_off_the_last(
    make_org: Maker, claim: Maker, person: Maker
) -> None:
    lender = make_org("重庆速融商贸有限公司", InstitutionKind.OTHER)
    borrower = person("周小明")
    first_end = START + timedelta(days=180)  # 2025-07-09
    second_on = first_end + timedelta(days=7)  # 7 days after the first is due
    second_end = second_on + timedelta(days=90)
    third_on = second_end - timedelta(days=7)  # 7 days before the second is due
    chain = _serial(
        claim,
        lender,
        borrower,
        [("50000.00", START, 180), ("60000.00", second_on, 90), ("60000.00", third_on, 90)],
    )
    # the same borrower at another lender is another chain (here: a single loan)
    _serial(
        claim,
        make_org("另一商贸有限公司", InstitutionKind.OTHER),
        borrower,
        [("80000.00", third_on + timedelta(days=90), 90)],
    )
    [found] = crime.serial_loans(AS_OF)
    assert found.kind == WarningKind.SERIAL_LOANS
    assert found.subject_key == f"institution:{lender.pk}:party:{borrower.pk}"
    assert found.subject_name == "重庆速融商贸有限公司—周小明"
    assert found.institution_id == lender.pk
    assert found.case_ids == [c.pk for c in chain]
    assert found.score == Decimal(30)
    signals = {s["signal"]: s for s in found.signals}
    assert signals["chain_length"]["value"] == 3 and signals["chain_length"]["threshold"] == 2
    assert signals["loan_2"]["value"] == (
        f"{second_on.isoformat()}放款，约定借款60,000.00元，{second_end.isoformat()}到期"
    )
    assert "50,000.00元" in found.summary and "60,000.00元" in found.summary


def test_serial_loans_just_outside_the_pattern(
    make_org: Maker, claim: Maker, person: Maker
) -> None:
    lender = make_org("重庆速融商贸有限公司", InstitutionKind.OTHER)
    first_end = START + timedelta(days=180)
    late = person("晚八天")  # paid out 8 days after the first was due
    _serial(
        claim,
        lender,
        late,
        [("50000.00", START, 180), ("50000.00", first_end + timedelta(days=8), 90)],
    )
    smaller = person("金额变小")  # on time but smaller than the first
    _serial(claim, lender, smaller, [("50000.00", START, 180), ("49999.99", first_end, 90)])
    early = person("提前八天")  # 8 days before the first was due
    _serial(
        claim,
        lender,
        early,
        [("50000.00", START, 180), ("50000.00", first_end - timedelta(days=8), 90)],
    )
    assert crime.serial_loans(AS_OF) == []


# --- case_signals ---------------------------------------------------------------------------


def test_case_signals_of_one_case(make_org: Maker, claim: Maker, person: Maker) -> None:
    lender = make_org("重庆速融商贸有限公司", InstitutionKind.OTHER)
    borrower = person("周小明")
    first = loan(claim, lender, facts("50000.00", "45000.00", "12"), defendant=borrower)
    second_on = END + timedelta(days=3)
    second = loan(
        claim,
        lender,
        facts("55000.00", "55000.00", "12", start=second_on, end=second_on + timedelta(days=90)),
        defendant=borrower,
    )
    by_name = {s["signal"]: s for s in crime.case_signals(first)}
    assert set(by_name) == {"withheld_interest", "effective_rate"}
    assert by_name["withheld_interest"]["value"] == (
        "5,000.00元（约定50,000.00元，实际出借45,000.00元，占10.00%）"
    )
    assert by_name["effective_rate"]["value"] == "35.56%"
    assert by_name["effective_rate"]["threshold"] == "≥18.00%且超过法定上限12.40%"
    assert by_name["effective_rate"]["flagged"] is True
    [serial] = crime.case_signals(second)  # paid in full: only its predecessor
    assert serial["signal"] == "serial_loans"
    assert serial["value"] == (
        f"{first.contract_number}：{START.isoformat()}放款，约定借款50,000.00元，"
        f"{END.isoformat()}到期"
    )
    plain = loan(claim, lender, facts("50000.00", "50000.00", "12"))
    assert crime.case_signals(plain) == []
    card = loan(claim, lender, facts("50000.00", "45000.00", "12"))
    Case.objects.filter(pk=card.pk).update(case_type=CaseType.CREDIT_CARD)
    card.refresh_from_db()
    assert crime.case_signals(card) == []
