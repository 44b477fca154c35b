"""Wording of element-style judgment orders (判决主文) for financial disputes.

Pure string helpers for :mod:`jiefen.law.judgment`: amounts in figures with thousands
separators and two decimals ("12,345.67元", as courts print them), dates 年月日, ordinals
in Chinese numerals, and the order sentences whose legal content is decided there. The
wording follows the complaint (``cases.elements.guarantee_claim`` / ``_priority_claim``)
and SPC practice: joint guarantee 民法典 Art. 688, general guarantee Art. 687 (先诉抗辩权),
recovery Art. 700, priority Arts. 386, 410.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from jiefen.law.money import to_fen

_DIGITS = "零一二三四五六七八九"

#: Labels of the money components in the order (loans; cards differ for the principal).
COMPONENT_LABELS = {
    "principal": "借款本金",
    "interest": "利息",
    "penalty_interest": "罚息",
    "compound_interest": "复利",
    "fees": "费用",
    "liquidated_damages": "违约金",
    "lawyer_fees": "律师费",
}
CARD_PRINCIPAL_LABEL = "透支本金"


def figures(amount: Decimal) -> str:
    """12345.6 → "12,345.60元" (figures with separators, fen always shown)."""
    return f"{to_fen(amount):,.2f}元"


def percent(value: Decimal) -> str:
    """24.00 → "24%", 13.80 → "13.8%", 9.125 → "9.125%" (no trailing zeros)."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def cn_date(day: date) -> str:
    """2024-03-05 → "2024年3月5日"."""
    return f"{day.year}年{day.month}月{day.day}日"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 15 → 十五, 30 → 三十, 105 → 一百零五 (ordinals and periods)."""
    if n < 0:
        raise ValueError("no Chinese numeral for a negative number")
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        tens, ones = divmod(n, 10)
        return _DIGITS[tens] + "十" + (_DIGITS[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        if rest == 0:
            tail = ""
        elif rest < 10:
            tail = "零" + _DIGITS[rest]
        elif rest < 20:
            tail = "一" + cn_number(rest)
        else:
            tail = cn_number(rest)
        return _DIGITS[hundreds] + "百" + tail
    raise ValueError(f"{n} is too large for an order ordinal")


def ordinals(numbers: Sequence[int]) -> str:
    """(1, 2) → "第一、二项" (how judgments refer back to earlier orders)."""
    return "第" + "、".join(cn_number(n) for n in numbers) + "项"


def names(people: Sequence[str], fallback: str) -> str:
    """ "被告张三、李四", or the fallback role when no name is known."""
    return "被告" + "、".join(people) if people else fallback


def payment_period(days: int) -> str:
    """ "于本判决生效之日起十日内" (民诉法: the court fixes the performance period)."""
    return f"于本判决生效之日起{cn_number(days)}日内"


def money_order(
    debtors: str, claimant: str, items: Sequence[tuple[str, Decimal]], days: int, verb: str
) -> str:
    """ "被告甲于本判决生效之日起十日内偿还原告乙借款本金…元、利息…元，合计…元"."""
    listed = "、".join(f"{label}{figures(amount)}" for label, amount in items)
    total = sum((amount for _, amount in items), Decimal(0))
    tail = f"，合计{figures(total)}" if len(items) > 1 else ""
    return f"{debtors}{payment_period(days)}{verb}{claimant}{listed}{tail}"


def continuing_text(base: Decimal, annual_percent: Decimal, from_date: date) -> str:
    """ "以50,000.00元为基数，按年利率24%计算，自2025年7月1日起至实际清偿之日止"."""
    return (
        f"以{figures(base)}为基数，按年利率{percent(annual_percent)}计算，"
        f"自{cn_date(from_date)}起至实际清偿之日止"
    )


def guarantor_order(
    name: str, liability: str, limit: Decimal | None, orders: str, debtors: str
) -> str:
    """One guarantor's order with the recovery clause (民法典 Arts. 687, 688, 691, 700).

    Joint: "被告丙对上述第一、二项债务承担连带清偿责任"; general: "被告丙对被告甲上述第一、
    二项债务经依法强制执行后仍不能履行的部分承担清偿责任" — the 先诉抗辩权 wording, never 连带.
    """
    scope = f"在{figures(limit)}范围内" if limit is not None else ""
    if liability == "joint":
        duty = f"被告{name}{scope}对上述{orders}债务承担连带清偿责任"
    else:
        duty = f"被告{name}{scope}对{debtors}上述{orders}债务经依法强制执行后仍不能履行的部分承担清偿责任"
    return f"{duty}；被告{name}承担保证责任后，有权向{debtors}追偿"


def priority_order(
    claimant: str, debtors: str, description: str, orders: str, maximum: Decimal | None
) -> str:
    """ "原告乙对被告甲名下的…折价或者拍卖、变卖所得价款在上述第…项债务范围内享有优先受偿权"."""
    if maximum is not None:
        scope = f"在最高债权额{figures(maximum)}范围内对上述{orders}债务"
    else:
        scope = f"在上述{orders}债务范围内"
    return (
        f"{claimant}对{debtors}名下的{description}折价或者拍卖、变卖所得价款{scope}享有优先受偿权"
    )


def fee_sentence(
    full: Decimal,
    payable: Decimal,
    halved: bool,
    claimant: str,
    debtors: str,
    fee_plaintiff: Decimal,
    fee_defendants: Decimal,
) -> str:
    """ "案件受理费1,050.00元，减半收取525.00元，由原告乙负担…元，被告甲负担…元"."""
    text = f"案件受理费{figures(full)}"
    if halved:
        text += f"，减半收取{figures(payable)}"
    shares = []
    if fee_plaintiff > 0:
        shares.append(f"{claimant}负担{figures(fee_plaintiff)}")
    if fee_defendants > 0:
        shares.append(f"{debtors}负担{figures(fee_defendants)}")
    if not shares:
        return text
    return f"{text}，由{'，'.join(shares)}"
