"""ID numbers, USCC, mobile numbers."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from jiefen.law import (
    check_resident_id,
    is_valid_mobile,
    is_valid_uscc,
    make_resident_id,
    make_uscc,
)


def test_reference_example() -> None:
    result = check_resident_id("11010519491231002X")
    assert result.valid
    assert result.birth_date == date(1949, 12, 31)
    assert result.division == "110105"
    assert result.sex == "female"
    assert check_resident_id("11010519491231002x").valid


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("110105194912310021", "check character"),
        ("11010519491331002X", "birth date"),
        ("99010519491231002X", "province"),
        ("1101051949123100", "17 digits"),
    ],
)
def test_invalid_ids(value: str, reason: str) -> None:
    result = check_resident_id(value)
    assert not result.valid
    assert reason in result.reason


def test_birth_after_the_legal_date_is_invalid() -> None:
    number = make_resident_id("500105", date(2024, 5, 1), 11)
    assert check_resident_id(number).valid
    assert not check_resident_id(number, as_of=date(2024, 4, 30)).valid


@given(
    division=st.sampled_from(["110105", "500105", "310115", "440106", "520102"]),
    birth=st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31)),
    seq=st.integers(min_value=0, max_value=999),
)
def test_generated_ids_are_valid_and_agree_with_stdnum(
    division: str, birth: date, seq: int
) -> None:
    number = make_resident_id(division, birth, seq)
    result = check_resident_id(number)
    assert result.valid and result.birth_date == birth and result.division == division
    assert result.sex == ("male" if seq % 2 else "female")
    # stdnum also checks that the division existed in the birth year (500105 dates from
    # 1997), which ID numbers issued later do not guarantee: compare the check character only.
    assert ric.calc_check_digit(number) == number[17]  # stdnum ignores the last character


def test_uscc() -> None:
    assert is_valid_uscc("91110108551385082Q")
    assert not is_valid_uscc("91110108551385082A")
    code = make_uscc("500105", "MA5U7G3X")
    assert is_valid_uscc(code)
    assert code.startswith("91500105MA5U7G3X")


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("13800138000", True),
        ("+86 138 0013 8000", True),
        ("19912345678", True),
        ("12345678901", False),
        ("010-12345678", False),
        ("+1 650 253 0000", False),
        ("not a number", False),
    ],
)
def test_mobile_numbers(value: str, valid: bool) -> None:
    assert is_valid_mobile(value) is valid
