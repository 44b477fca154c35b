"""Money helpers: rounding to fen/yuan and RMB amounts in words (人民币大写).

Money is always :class:`~decimal.Decimal`. Rounding is HALF_UP ("四舍五入"), the
convention of Chinese courts and banks, never the banker's rounding that ``round()``
uses. The words follow the PBoC rules for writing amounts on bills and vouchers
(《支付结算办法》附件《正确填写票据和结算凭证的基本规定》): ``元整`` after a whole
amount, ``零`` for inner zeros, no ``整`` after ``分``.
"""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Literal

FEN = Decimal("0.01")
YUAN = Decimal("1")
ZERO = Decimal("0")

Rounding = Literal["half_up_yuan", "fen", "truncate_yuan"]
ROUNDINGS: tuple[Rounding, ...] = ("half_up_yuan", "fen", "truncate_yuan")

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_GROUP_UNITS = ("", "万", "亿", "万亿")


def to_fen(amount: Decimal) -> Decimal:
    """Round to 0.01 yuan, half up (the precision of every amount in a judgment)."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def to_yuan(amount: Decimal) -> Decimal:
    """Round to whole yuan, half up (the default precision of litigation fees)."""
    return amount.quantize(YUAN, rounding=ROUND_HALF_UP)


def round_amount(amount: Decimal, rounding: Rounding) -> Decimal:
    """Round ``amount`` with a named court rounding policy.

    ``half_up_yuan`` → whole yuan half up; ``fen`` → 0.01 half up; ``truncate_yuan`` →
    whole yuan, dropping the fraction. The 诉讼费用交纳办法 says nothing about rounding,
    so this is court practice and a per-court policy (legal-rules.md §1.3).
    """
    if rounding == "half_up_yuan":
        return to_yuan(amount)
    if rounding == "fen":
        return to_fen(amount)
    if rounding == "truncate_yuan":
        return amount.quantize(YUAN, rounding=ROUND_DOWN)
    raise ValueError(f"unknown rounding policy {rounding!r}; use one of {', '.join(ROUNDINGS)}")


def _group_in_words(n: int) -> str:
    """Words for 0 < n < 10000, with inner zeros collapsed and trailing zeros dropped."""
    digits = f"{n:04d}"
    out: list[str] = []
    pending_zero = False
    started = False
    for i, ch in enumerate(digits):
        d = int(ch)
        unit = _SMALL_UNITS[3 - i]
        if d == 0:
            pending_zero = started
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(_DIGITS[d] + unit)
        started = True
    return "".join(out)


def _integer_in_words(n: int) -> str:
    if n == 0:
        return ""
    groups: list[int] = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    if len(groups) > len(_GROUP_UNITS):
        raise ValueError("amount too large to write in words")
    out: list[str] = []
    need_zero = False
    for idx in range(len(groups) - 1, -1, -1):
        g = groups[idx]
        if g == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or g < 1000):
            out.append("零")
        out.append(_group_in_words(g) + _GROUP_UNITS[idx])
        need_zero = False
    return "".join(out)


def amount_in_words(amount: Decimal) -> str:
    """RMB amount in capital words (人民币大写) as courts write it in judgments.

    >>> amount_in_words(Decimal("123456.78"))
    '壹拾贰万叁仟肆佰伍拾陆元柒角捌分'
    >>> amount_in_words(Decimal("100"))
    '壹佰元整'

    Amounts with more than two decimal places (other than trailing zeros) are refused
    rather than silently rounded: round with :func:`to_fen` first, on purpose.
    """
    if not isinstance(amount, Decimal):
        raise TypeError("amount_in_words takes a Decimal")
    if amount < 0:
        raise ValueError("negative amounts have no RMB words form")
    if amount != amount.quantize(FEN):
        raise ValueError(f"{amount} has more than two decimal places; round it with to_fen first")
    fen_total = int(amount * 100)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    words = _integer_in_words(yuan)
    if yuan:
        words += "元"
    if jiao == 0 and fen == 0:
        return (words or "零元") + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif yuan:
        words += "零"
    if fen:
        words += _DIGITS[fen] + "分"
    return words
