"""Enforcement rules (执行): dishonest-debtor list, freezing periods, terminating the round (终本).

- **Dishonest-debtor list** (失信被执行人名单) — 《最高人民法院关于公布失信被执行人名单信息的
  若干规定》(法释〔2013〕17号, amended by 法释〔2017〕7号, in force 2017-05-01): the six
  grounds of Art. 1; the 2-year term of Art. 2 for grounds (二)–(六), extendable by 1–3 years,
  while ground (一) (able but refuses) lasts until performance; Art. 3 (no listing under
  ground (一) with sufficient security or seized assets that suffice); Art. 4 (never a minor);
  Art. 10 (deletion within 3 working days after full performance — for a listing without a
  term — or after the term of a listing with one has run; a term listing may be deleted early
  when the debtor performs, Art. 2 para. 2).
- **Freezing periods** — 民诉解释 Art. 485 (2015: Art. 487): bank deposits 1 year, movables
  2 years, real estate and other property rights 3 years; renewable before expiry.
- **Terminating the current round** (终结本次执行程序) — 《最高人民法院关于严格规范终结本次
  执行程序的规定（试行）》(法〔2016〕373号) Arts. 1, 5, 9: conditions, hearing the creditor,
  and the inquiry every 6 months for 5 years afterwards.

Every period length is a dated value in ``parameters/rules.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from jiefen.law.errors import LawError
from jiefen.law.parameters import Parameters, load_parameters
from jiefen.law.periods import HolidayCalendar, months_later

__all__ = [
    "FREEZE_CLASSES",
    "LISTING_GROUNDS",
    "TerminationFacts",
    "delisting_deadline",
    "freeze_ends",
    "listing_ends",
    "listing_refusal",
    "next_reinquiry",
    "reinquiry_schedule",
    "termination_refusal",
]

LISTING_GROUNDS: dict[str, str] = {
    "able_but_refuses": "有履行能力而拒不履行生效法律文书确定义务",
    "obstructs": "以伪造证据、暴力、威胁等方法妨碍、抗拒执行",
    "evades": "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行",
    "breaks_reporting": "违反财产报告制度",
    "breaks_restriction": "违反限制消费令",
    "breaks_settlement": "无正当理由拒不履行执行和解协议",
}
"""The grounds of Art. 1 items (一)–(六), in the order of the text."""

LISTING_ITEMS: dict[str, str] = dict(
    zip(LISTING_GROUNDS, ("一", "二", "三", "四", "五", "六"), strict=True)
)

UNTIL_PERFORMANCE = "able_but_refuses"
"""The one ground with no fixed term (Art. 2 sets the term for items (二)–(六) only)."""

_DISHONEST = "《最高人民法院关于公布失信被执行人名单信息的若干规定》"

FREEZE_CLASSES: dict[str, str] = {
    "deposit": "deposit",
    # Wages are frozen where they are paid into: an account (a deposit) or the employer's
    # payroll (a monetary claim, 收入); both are money, so they take the deposit period.
    "wages": "deposit",
    "vehicle": "movable",
    "real_estate": "property_right",
    "securities": "property_right",
}
"""Asset kind (``enforcement.models.AssetKind``) → freezing class of 民诉解释 Art. 485."""


def _params(params: Parameters | None) -> Parameters:
    return params if params is not None else load_parameters()


def _rule_int(key: str, as_of: date, params: Parameters | None) -> int:
    return int(_params(params).rule(key, as_of).value)


def _last_day(start: date, months: int) -> date:
    """Last day of a period of ``months`` that starts on ``start`` (that day included):
    the day before the corresponding day (2025-03-10 + 1 year → 2026-03-09); with no
    corresponding day (29 February in a common year) the month's last day."""
    anniversary = months_later(start, months)
    if anniversary.day < start.day:
        return anniversary
    return anniversary - timedelta(days=1)


# --------------------------------------------------------------------------- dishonest list


def listing_refusal(
    *, ground: str, is_minor: bool, fully_performed: bool, secured: bool
) -> str | None:
    """Why the debtor must not be listed as dishonest, or ``None`` when the listing may go on.

    ``secured``: the debtor gave sufficient and effective security, or the property already
    seized, frozen or attached suffices to pay the debt (Art. 3 items (一)(二)); Art. 3 bars
    listing on ground (一) only, so a debtor who obstructed or evaded execution can still be
    listed.
    """
    if is_minor:
        return f"被执行人为未成年人，不得纳入失信被执行人名单（{_DISHONEST}第四条）"
    if fully_performed:
        return (
            f"被执行人已履行生效法律文书确定的义务，不得纳入失信被执行人名单（{_DISHONEST}第一条）"
        )
    if ground not in LISTING_GROUNDS:
        return (
            "未载明法定的纳入情形；仅因无履行能力不得纳入失信名单"
            f"（{_DISHONEST}第一条、第三条第四项）"
        )
    if secured and ground == UNTIL_PERFORMANCE:
        return (
            "被执行人已提供充分有效担保，或已查封、扣押、冻结的财产足以清偿债务，"
            f"不得以有履行能力而拒不履行为由纳入失信被执行人名单（{_DISHONEST}第三条）"
        )
    return None


def listing_ends(
    ground: str, listed_on: date, *, years: int | None = None, params: Parameters | None = None
) -> date | None:
    """Last day of the listing, or ``None`` for ground (一), listed until performance.

    Grounds (二)–(六): 2 years from the listing day (Art. 2); ``years`` extends it by 1–3
    years (violence or threats in serious circumstances, or several dishonest acts), at most
    5 years in all. 2025-03-10, 2 years → 2027-03-09.
    """
    if ground not in LISTING_GROUNDS:
        raise LawError(f"未知的失信情形：{ground!r}")
    if ground == UNTIL_PERFORMANCE:
        if years is not None:
            raise LawError(
                "以有履行能力而拒不履行为由纳入的，期限至履行完毕为止，不适用延长"
                f"（{_DISHONEST}第二条）"
            )
        return None
    months = _rule_int("dishonest_listing_months", listed_on, params)
    if years is not None:
        most = _rule_int("dishonest_listing_extension_max_months", listed_on, params) // 12
        if not 1 <= years <= most:
            raise LawError(f"失信名单期限只能延长一至{most}年：{years}（{_DISHONEST}第二条）")
        months += 12 * years
    return _last_day(listed_on, months)


def delisting_deadline(
    performed_on: date, *, calendar: HolidayCalendar, params: Parameters | None = None
) -> date:
    """Last day to delete the entry: the 3rd working day after full performance (or after
    the listing term ended) — Art. 10 "应当在三个工作日内删除失信信息". Working days follow the
    holiday calendar (make-up Saturdays count; a year without calendar data raises)."""
    days = _rule_int("delisting_working_days", performed_on, params)
    current = performed_on
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if calendar.is_workday(current):
            counted += 1
    return current


# --------------------------------------------------------------------------- freezing


def freeze_ends(asset_kind: str, starts_on: date, *, params: Parameters | None = None) -> date:
    """Last day of a freeze, seizure or attachment that starts on ``starts_on`` (that day
    included): deposits and wages 1 year, vehicles 2 years, real estate and securities 3
    years (民诉解释 Art. 485). 2025-03-10 deposit → 2026-03-09. Renewal before the last day is
    a new period of the same length (Art. 485 para. 2)."""
    klass = FREEZE_CLASSES.get(asset_kind)
    if klass is None:
        raise LawError(f"未知的财产类型：{asset_kind!r}（可选：{'、'.join(FREEZE_CLASSES)}）")
    return _last_day(starts_on, _rule_int(f"freeze_months_{klass}", starts_on, params))


# --------------------------------------------------------------------------- 终本


@dataclass(frozen=True)
class TerminationFacts:
    """What the court has done in an enforcement case, for the 终本 conditions (Art. 1, 5)."""

    filed_on: date
    as_of: date
    notice_issued: bool
    report_ordered: bool
    restriction_issued: bool
    inquiry_done: bool
    disposable_assets: bool
    creditor_heard: bool


_TERMINATION = "《最高人民法院关于严格规范终结本次执行程序的规定（试行）》"


def _zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def termination_refusal(facts: TerminationFacts, *, params: Parameters | None = None) -> str | None:
    """Why the current round may not be terminated yet, or ``None`` when it may.

    Checked in the order of Art. 1: execution notice and report order (一); consumption
    restriction (二); the asset investigation exhausted with nothing disposable (三); more
    than 3 months since filing (四); then Art. 5, the creditor informed and heard.
    """
    missing = [
        what
        for what, done in (("执行通知", facts.notice_issued), ("报告财产令", facts.report_ordered))
        if not done
    ]
    if missing:
        return f"尚未向被执行人发出{'和'.join(missing)}，不得终结本次执行程序（{_TERMINATION}第一条第一项）"
    if not facts.restriction_issued:
        return f"尚未向被执行人发出限制消费令，不得终结本次执行程序（{_TERMINATION}第一条第二项）"
    if not facts.inquiry_done:
        return f"尚未穷尽财产调查措施，不得终结本次执行程序（{_TERMINATION}第一条第三项）"
    if facts.disposable_assets:
        return (
            "已发现被执行人有可供执行且能够处置的财产，应当依法处置，"
            f"不得终结本次执行程序（{_TERMINATION}第一条第三项）"
        )
    months = _rule_int("termination_min_months", facts.filed_on, params)
    ends = months_later(facts.filed_on, months)
    if facts.as_of <= ends:
        return (
            f"自执行案件立案之日（{_zh(facts.filed_on)}）起尚未超过{months}个月"
            f"（{_zh(ends)}届满），不得终结本次执行程序（{_TERMINATION}第一条第四项）"
        )
    if not facts.creditor_heard:
        return (
            "尚未将案件执行情况告知申请执行人并听取其对终结本次执行程序的意见"
            f"（{_TERMINATION}第五条）"
        )
    return None


def reinquiry_schedule(
    terminated_on: date, *, params: Parameters | None = None
) -> tuple[date, ...]:
    """The dates of the court's online asset inquiries after 终本: every 6 months for 5 years
    (Art. 9 para. 2), each the corresponding day ``6 × k`` months after ``terminated_on``
    (month end when there is none). 2025-03-31 → 2025-09-30, 2026-03-31, …, 2030-03-31."""
    interval = _rule_int("reinquiry_interval_months", terminated_on, params)
    period = _rule_int("reinquiry_period_months", terminated_on, params)
    if interval <= 0:
        raise LawError(f"复查间隔必须为正数：{interval}")
    return tuple(months_later(terminated_on, m) for m in range(interval, period + 1, interval))


def next_reinquiry(
    terminated_on: date, after: date, *, params: Parameters | None = None
) -> date | None:
    """The first scheduled inquiry strictly after ``after``, or ``None`` once the 5 years are over."""
    for day in reinquiry_schedule(terminated_on, params=params):
        if day > after:
            return day
    return None
