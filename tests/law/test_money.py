"""RMB amounts in words (人民币大写) and rounding helpers."""

from decimal import Decimal

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiefen.law import amount_in_words, round_amount, to_fen, to_yuan

D = Decimal


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("123456.78", "壹拾贰万叁仟肆佰伍拾陆元柒角捌分"),
        ("100", "壹佰元整"),
        ("100.00", "壹佰元整"),
        ("0", "零元整"),
        ("0.78", "柒角捌分"),
        ("0.05", "伍分"),
        ("1.05", "壹元零伍分"),
        ("10005.05", "壹万零伍元零伍分"),
        ("10500", "壹万零伍佰元整"),
        ("1010", "壹仟零壹拾元整"),
        ("100050", "壹拾万零伍拾元整"),
        ("1000000", "壹佰万元整"),
        ("100000001", "壹亿零壹元整"),
        ("100000000.01", "壹亿元零壹分"),
        ("10.50", "壹拾元伍角"),
    ],
)
def test_amount_in_words(amount: str, words: str) -> None:
    assert amount_in_words(D(amount)) == words


def test_amount_in_words_refuses_what_it_cannot_write() -> None:
    with pytest.raises(ValueError, match="two decimal places"):
        amount_in_words(D("1.005"))
    with pytest.raises(ValueError):
        amount_in_words(D("-1"))
    with pytest.raises(TypeError):
        amount_in_words(1.5)  # type: ignore[arg-type]


@given(
    fen=st.integers(min_value=0, max_value=10**14 - 1)
)  # below 万亿: cn2an writes 万亿 groups differently
def test_amount_in_words_agrees_with_cn2an(fen: int) -> None:
    amount = D(fen) / 100
    assert amount_in_words(amount) == cn2an.an2cn(str(amount), "rmb")


def test_rounding_is_half_up_not_bankers() -> None:
    assert to_yuan(D("462.5")) == D(463)
    assert to_yuan(D("1384.5")) == D(1385)
    assert to_fen(D("0.125")) == D("0.13")
    assert round_amount(D("1384.99"), "truncate_yuan") == D(1384)
    with pytest.raises(ValueError):
        round_amount(D(1), "bankers")  # type: ignore[arg-type]
