"""Case numbers (法〔2015〕137号)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiefen.law import (
    TYPE_CODES,
    CaseNumber,
    InvalidCaseNumber,
    court_code_for_division,
    parse_case_number,
)


def test_format_uses_full_width_brackets() -> None:
    assert str(CaseNumber(2024, "渝0105", "民初", 1234)) == "（2024）渝0105民初1234号"


@pytest.mark.parametrize(
    ("text", "court", "type_code", "seq"),
    [
        ("（2024）渝0105民初1234号", "渝0105", "民初", 1234),
        ("(2024)渝0105民初1234号", "渝0105", "民初", 1234),
        (" （2024）渝01民终7号 ", "渝01", "民终", 7),
        ("（2025）渝0105民诉前调88号", "渝0105", "民诉前调", 88),
        ("（2025）最高法民终1号", "最高法", "民终", 1),
        ("（2025）内01执恢3号", "内01", "执恢", 3),
        ("（2025）黔0102执异5号", "黔0102", "执异", 5),
        ("（2025）沪0115财保12号", "沪0115", "财保", 12),
        ("（2025）粤0192民督4号", "粤0192", "民督", 4),
        ("（2025）京执9号", "京", "执", 9),
    ],
)
def test_parse(text: str, court: str, type_code: str, seq: int) -> None:
    number = parse_case_number(text)
    assert (number.court_code, number.type_code, number.seq) == (court, type_code, seq)


@pytest.mark.parametrize(
    "text",
    [
        "（2024）蒙0105民初1号",  # Inner Mongolia is 内
        "（2024）贵0102民初1号",  # Guizhou is 黔
        "（2024）渝0105刑初1号",  # not a type code of this platform
        "（2024）渝010民初1号",  # three digits
        "（2024）渝0105民初0号",
        "2024渝0105民初1号",
        "（2024）渝0105民初1",
    ],
)
def test_invalid_case_numbers(text: str) -> None:
    with pytest.raises(InvalidCaseNumber):
        parse_case_number(text)


def test_hint_for_common_abbreviation_mistakes() -> None:
    with pytest.raises(InvalidCaseNumber, match="use 内"):
        CaseNumber(2024, "蒙01", "民初", 1)


@pytest.mark.parametrize(
    ("division", "court"),
    [
        ("500105", "渝0105"),
        ("310115", "沪0115"),
        ("520102", "黔0102"),
        ("150102", "内0102"),
        ("500000", "渝"),
    ],
)
def test_court_code_from_division(division: str, court: str) -> None:
    assert court_code_for_division(division) == court


@pytest.mark.parametrize("division", ["5001", "990101", "500100"])
def test_court_code_from_bad_division(division: str) -> None:
    with pytest.raises(InvalidCaseNumber):
        court_code_for_division(division)


@given(
    year=st.integers(min_value=2000, max_value=2100),
    court=st.sampled_from(["渝0105", "沪0115", "内01", "黔", "最高法", "粤0192"]),
    type_code=st.sampled_from(sorted(TYPE_CODES)),
    seq=st.integers(min_value=1, max_value=999_999),
)
def test_format_parse_round_trip(year: int, court: str, type_code: str, seq: int) -> None:
    number = CaseNumber(year, court, type_code, seq)
    assert parse_case_number(str(number)) == number
    assert parse_case_number(str(number).replace("（", "(").replace("）", ")")) == number
