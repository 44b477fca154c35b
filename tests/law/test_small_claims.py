"""Small-claims eligibility from the provincial wage table (民诉法 Arts. 165–166)."""

from datetime import date
from decimal import Decimal

import pytest

from jiefen.law import (
    OutOfTableError,
    WageFigure,
    load_parameters,
    small_claims_eligible,
    small_claims_limits,
    small_claims_threshold,
)

D = Decimal


def test_threshold_is_half_the_wage_in_force() -> None:
    assert small_claims_threshold("重庆市", date(2025, 9, 1)) == D("58773.00")
    assert small_claims_threshold("渝", date(2025, 3, 1)) == D("56826.50")
    limits = small_claims_limits("重庆", date(2025, 9, 1))
    assert limits.wage.year == 2024
    assert limits.agreement_limit == D("235092.00")


def test_announced_thresholds_are_used_as_announced() -> None:
    assert small_claims_threshold("江苏", date(2026, 2, 1)) == D(64610)
    assert small_claims_limits("江苏", date(2026, 2, 1)).agreement_limit == D(258440)
    assert small_claims_threshold("浙江省", date(2022, 6, 1)) == D(54323)
    assert small_claims_threshold("上海", date(2023, 1, 1)) == D("68378.50")


@pytest.mark.parametrize(
    ("province", "as_of"),
    [
        ("江苏", date(2025, 6, 1)),  # the 2023 figure is not seeded: the 2022 one is too old
        ("江苏", date(2026, 1, 3)),  # the day before the 2026 notice
        ("重庆", date(2024, 1, 1)),  # before the first seeded figure
        ("重庆", date(2027, 1, 1)),  # 2024 figure too old for 2027
        ("西藏", date(2025, 1, 1)),  # no data at all
    ],
)
def test_missing_or_stale_wage_data_is_an_error(province: str, as_of: date) -> None:
    with pytest.raises(OutOfTableError):
        small_claims_threshold(province, as_of)


def test_unknown_province() -> None:
    with pytest.raises(OutOfTableError, match="unknown province"):
        small_claims_threshold("火星", date(2025, 1, 1))


def test_eligibility_with_reasons() -> None:
    as_of = date(2025, 9, 1)
    assert small_claims_eligible(D("58773.00"), "重庆", as_of).mandatory
    above = small_claims_eligible(D("58773.01"), "重庆", as_of)
    assert not above
    assert "agree" in above.reasons[0]
    agreed = small_claims_eligible(D(200_000), "重庆", as_of, parties_agree=True)
    assert agreed and agreed.by_agreement
    assert not small_claims_eligible(D(300_000), "重庆", as_of, parties_agree=True)
    excluded = small_claims_eligible(D(1000), "重庆", as_of, exclusions=["party_missing"])
    assert not excluded
    assert "下落不明" in excluded.reasons[-1]
    with pytest.raises(ValueError):
        small_claims_eligible(D(1000), "重庆", as_of, exclusions=["bored"])  # type: ignore[list-item]


def test_admin_wage_figure_extends_the_table() -> None:
    params = load_parameters().with_extra(
        wages=[
            WageFigure(
                province="西藏自治区",
                year=2024,
                amount=D(150_000),
                applies_from=date(2025, 7, 1),
                source="test",
                reviewed=date(2025, 7, 1),
            )
        ]
    )
    assert small_claims_threshold("藏", date(2025, 8, 1), params=params) == D("75000.00")
