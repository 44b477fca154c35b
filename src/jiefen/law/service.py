"""Service of court documents (送达): when an attempt takes legal effect, and what it starts.

The rules, by channel:

- **Electronic** (``sms``, ``email``, ``portal``; 民诉法 Art. 90) needs the recipient's
  consent (在线诉讼规则 Art. 29: express consent, a pre-dispute clause in the contract, an
  electronic address given in the party's own pleadings, or accepting a completed
  e-service by replying or taking part). Without consent it has no effect.
  To an address the party **confirmed** (Art. 31 (1)) it is served the day the message
  reaches the recipient's system; with no delivery receipt, the day the court platform
  shows "sent successfully" counts unless the party proves another date (民诉解释
  Arts. 135–136). To an address the court found but the party did **not** confirm
  (Art. 31 (2)) it takes effect only when the party replies or acts, or the system shows
  the message was read; delivery alone is not enough.
- **Post** (EMS 法院专递; 民诉法 Art. 91) needs no consent: served on the date on the
  signed receipt. Mail returned from an address the party gave, confirmed or agreed in
  the contract is served on the return date (法释〔2004〕13号 Art. 11); returned from any
  other address it has no effect.
- **Public notice** (公告送达; 民诉法 Art. 95) is deemed served when the notice period after
  publication ends (30 days; 60 before 2022-01-01, ``rules.yaml``). It is not allowed in
  summary procedure (民诉解释 Art. 140) nor in small claims (民诉法 Art. 166 (4)): such a
  case converts to ordinary procedure first.

Datetimes are court-local; only their calendar day matters. Every reason is the zh-hans
sentence the clerk and the parties read, naming the article.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, get_args

from jiefen.law.parameters import Parameters, load_parameters
from jiefen.law.periods import (
    PROCEDURES,
    HolidayCalendar,
    add_days,
    answer_deadline,
    public_notice_served_on,
)

Channel = Literal["sms", "email", "portal", "post", "public_notice"]
CHANNELS: tuple[Channel, ...] = get_args(Channel)
ELECTRONIC: frozenset[str] = frozenset({"sms", "email", "portal"})

#: What the parties read for each channel.
CHANNEL_LABELS: dict[str, str] = {
    "sms": "短信",
    "email": "电子邮件",
    "portal": "诉讼服务平台",
    "post": "法院专递",
    "public_notice": "公告",
}

_ART_31_1 = "在线诉讼规则第三十一条第一项"
_ART_31_2 = "在线诉讼规则第三十一条第二项"
_POST_RETURN = "法释〔2004〕13号《关于以法院专递方式邮寄送达民事诉讼文书的若干规定》第十一条"


@dataclass(frozen=True)
class ServiceFacts:
    """What is known about one service attempt on one channel.

    ``sent`` / ``delivered`` / ``read`` are the platform's records of an electronic
    message (send success, the recipient system's receipt, read); ``signed`` and
    ``returned`` the postal receipt or the return of the mail; ``published`` the day
    the public notice appeared.
    """

    channel: Channel
    consent: bool = False
    address_confirmed: bool = False
    procedure: str = "ordinary"  # ordinary | summary | small_claims
    sent: datetime | date | None = None
    delivered: datetime | date | None = None
    read: datetime | date | None = None
    signed: date | None = None
    returned: date | None = None
    published: date | None = None


@dataclass(frozen=True)
class ServiceEffect:
    """Whether service took effect, on which day, and why (zh-hans, with the article).

    ``served_on`` may be set while ``effective`` is false: a public notice still running
    on ``as_of`` says the day it will take effect.
    """

    effective: bool
    served_on: date | None
    reason: str
    channel: str = ""


def _cn(day: date) -> str:
    """A date as court documents write it: 2025年3月3日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _day(value: datetime | date | None) -> date | None:
    """Calendar day of a court-local date or datetime (naive or aware)."""
    if isinstance(value, datetime):
        return value.date()
    return value


def public_notice_allowed(procedure: str) -> bool:
    """Whether service by public notice may be used in ``procedure``.

    Not in summary procedure (民诉解释 Art. 140) nor in small claims (a party who cannot
    be found excludes small claims, 民诉法 Art. 166 (4)); the case must convert to
    ordinary procedure first.
    """
    if procedure not in PROCEDURES:
        raise ValueError(f"unknown procedure {procedure!r}; use one of {', '.join(PROCEDURES)}")
    return procedure == "ordinary"


def consent_basis(
    *, contract_clause: bool, confirmed_address: bool, pleadings_address: bool, acted: bool
) -> str | None:
    """The first ground on which the recipient consents to e-service (在线诉讼规则 Art. 29),
    as the phrase shown to users, or ``None`` when there is none (e-service then has no
    effect and the court must use post).

    Checked in this order: a pre-dispute e-service clause in the loan / card contract
    (Art. 29 (2)); express consent in the address confirmation (Art. 29 (1)); an electronic
    address the party gave in its own pleadings (Art. 29 (3)); replying or taking part in
    the proceedings after a completed e-service (Art. 29 (4)).
    """
    grounds = (
        (contract_clause, "合同约定电子送达条款"),
        (confirmed_address, "送达地址确认书中明确同意电子送达"),
        (pleadings_address, "在诉讼文书中主动提供电子送达地址"),
        (acted, "以回复收悉、参加诉讼等方式接受电子送达"),
    )
    return next((phrase for holds, phrase in grounds if holds), None)


def _electronic(facts: ServiceFacts) -> tuple[date | None, str]:
    label = CHANNEL_LABELS[facts.channel]
    if not facts.consent:
        return None, (
            f"受送达人未同意电子送达，{label}送达不发生送达效力；"
            "应取得同意或改用邮寄等其他方式送达（在线诉讼规则第二十九条）"
        )
    sent, delivered, read = _day(facts.sent), _day(facts.delivered), _day(facts.read)
    if facts.address_confirmed:
        if delivered is not None:
            return delivered, (
                f"已同意电子送达且地址经确认，送达信息到达受送达人特定系统之日"
                f"（{_cn(delivered)}）为送达之日（{_ART_31_1}）"
            )
        if sent is not None:
            return sent, (
                f"已同意电子送达且地址经确认，无到达回执的，以送达平台显示发送成功之日"
                f"（{_cn(sent)}）为送达之日，受送达人证明到达日期不同的除外"
                f"（民诉解释第一百三十五条、第一百三十六条；{_ART_31_1}）"
            )
        if read is not None:
            return read, (
                f"已同意电子送达且地址经确认，系统显示受送达人已阅看，送达信息最迟于阅看之日"
                f"（{_cn(read)}）到达，以该日为送达之日（{_ART_31_1}）"
            )
        return (
            None,
            f"已同意电子送达且地址经确认，但尚无发送成功或到达记录，尚未送达（{_ART_31_1}）",
        )
    if read is not None:
        return read, (
            f"电子地址未经受送达人确认，系统显示受送达人已阅看，阅看之日"
            f"（{_cn(read)}）为送达之日（{_ART_31_2}）"
        )
    reached = delivered or sent
    if reached is not None:
        return None, (
            f"电子地址未经受送达人确认，送达信息虽已于{_cn(reached)}到达，"
            "但无受送达人回复、参加诉讼或阅看的记录，不发生送达效力；"
            f"应等待受送达人阅看，或转为邮寄送达（{_ART_31_2}）"
        )
    return None, f"电子地址未经受送达人确认，且尚无到达或阅看记录，不发生送达效力（{_ART_31_2}）"


def _post(facts: ServiceFacts) -> tuple[date | None, str]:
    signed, returned = _day(facts.signed), _day(facts.returned)
    if signed is not None:
        return signed, (
            f"法院专递回执上注明的签收日期（{_cn(signed)}）为送达之日（民诉法第九十一条）"
        )
    if returned is not None:
        if facts.address_confirmed:
            return returned, (
                f"法院专递寄往受送达人确认或合同约定的送达地址后被退回，退回之日"
                f"（{_cn(returned)}）视为送达之日（{_POST_RETURN}）"
            )
        return None, (
            f"法院专递于{_cn(returned)}被退回，该地址未经受送达人确认或约定，"
            f"不发生送达效力；应核实地址后另行送达（{_POST_RETURN}）"
        )
    return None, "法院专递尚无签收或退回记录，尚未送达（民诉法第九十一条）"


def _public_notice(
    facts: ServiceFacts, calendar: HolidayCalendar, params: Parameters | None
) -> tuple[date | None, str]:
    if facts.procedure == "summary":
        return None, (
            "适用简易程序审理的案件不适用公告送达；需要公告送达的，应裁定转为普通程序审理"
            "（民诉解释第一百四十条）"
        )
    if facts.procedure == "small_claims":
        return None, (
            "小额诉讼案件不适用公告送达；一方当事人下落不明需要公告送达的，应裁定转为普通程序审理"
            "（民诉法第一百六十六条第四项；民诉解释第一百四十条）"
        )
    published = _day(facts.published)
    if published is None:
        return None, "公告尚未发布，公告期未开始，尚未送达（民诉法第九十五条）"
    served = public_notice_served_on(published, calendar=calendar, params=params)
    rule = (params if params is not None else load_parameters()).rule(
        "public_notice_days", published
    )
    days = int(rule.value)
    moved = ""
    if served != published + timedelta(days=days):
        moved = "，届满日为休息日，顺延至其后第一个工作日"
    return served, (
        f"公告于{_cn(published)}发布，自发布之日起经过{days}日即视为送达{moved}，"
        f"视为送达之日为{_cn(served)}（{rule.citation}）"
    )


def service_effect(
    facts: ServiceFacts,
    *,
    calendar: HolidayCalendar,
    params: Parameters | None = None,
    as_of: date | None = None,
) -> ServiceEffect:
    """Whether the attempt described by ``facts`` is legally served, and on which day.

    The rules per channel are in the module docstring. With ``as_of`` (the day of the
    check), a service date after it is reported as not yet effective, with the day it
    will take effect (a public notice still running). Raises ``ValueError`` for an
    unknown channel or procedure, and
    :class:`~jiefen.law.errors.CalendarDataMissing` when a notice period ends in a year
    without a holiday calendar.
    """
    if facts.channel not in CHANNELS:
        raise ValueError(f"unknown channel {facts.channel!r}; use one of {', '.join(CHANNELS)}")
    if facts.procedure not in PROCEDURES:
        raise ValueError(
            f"unknown procedure {facts.procedure!r}; use one of {', '.join(PROCEDURES)}"
        )
    if facts.channel in ELECTRONIC:
        served, reason = _electronic(facts)
    elif facts.channel == "post":
        served, reason = _post(facts)
    else:
        served, reason = _public_notice(facts, calendar, params)
    if served is None:
        return ServiceEffect(False, None, reason, facts.channel)
    if as_of is not None and served > as_of:
        if facts.channel == "public_notice":
            pending = f"截至{_cn(as_of)}公告期尚未届满，将于{_cn(served)}视为送达"
        else:
            pending = f"截至{_cn(as_of)}尚未送达，将于{_cn(served)}送达"
        return ServiceEffect(False, served, f"{pending}；{reason}", facts.channel)
    return ServiceEffect(True, served, reason, facts.channel)


def earliest_effect(effects: Iterable[ServiceEffect]) -> ServiceEffect:
    """The service that counts when several channels were tried: the effective one with
    the earliest service date (the first such in ``effects`` on a tie). Periods run from
    the first effective service (民诉法 Art. 85).

    With none effective, the result is not effective and its reason lists each channel's
    reason, so the clerk sees what to do next.
    """
    items = list(effects)
    effective = [e for e in items if e.effective and e.served_on is not None]
    if effective:
        return min(effective, key=lambda e: e.served_on or date.max)
    if not items:
        return ServiceEffect(False, None, "尚无送达记录，未送达")
    reasons = [
        f"{CHANNEL_LABELS.get(e.channel, e.channel)}：{e.reason}" if e.channel else e.reason
        for e in items
    ]
    return ServiceEffect(False, None, "；".join(reasons))


@dataclass(frozen=True)
class ServiceDeadlines:
    """The periods that service of the complaint copy and summons starts."""

    served_on: date
    answer_ends: date
    evidence_ends: date


def deadlines_after_service(
    served_on: date,
    *,
    evidence_days: int,
    calendar: HolidayCalendar,
    params: Parameters | None = None,
) -> ServiceDeadlines:
    """Last day of the answer period (15 days, 民诉法 Art. 128) and of the evidence period
    (``evidence_days``, set by the court within 民诉解释 Art. 99) counted from service;
    both move past rest days (民诉法 Art. 85). Served Fri 2024-09-20 → answer ends
    2024-10-08 (2024-10-05 is in the National Day holiday).
    """
    if evidence_days < 0:
        raise ValueError("evidence_days must not be negative")
    return ServiceDeadlines(
        served_on=served_on,
        answer_ends=answer_deadline(served_on, calendar=calendar, params=params),
        evidence_ends=add_days(served_on, evidence_days, calendar=calendar),
    )


def hearing_too_early(hearing_day: date, deadlines: ServiceDeadlines) -> bool:
    """True when a hearing on ``hearing_day`` would fall on or before the last day of the
    answer period or of the evidence period (民诉法 Art. 128; 民诉解释 Art. 99): the
    defendant's time would be cut short, so the hearing must be rescheduled."""
    return hearing_day <= max(deadlines.answer_ends, deadlines.evidence_ends)


#: Sanity bounds on a court's escalation policy (anything beyond is a typo).
MAX_ELECTRONIC_RETRIES = 10
MAX_ESCALATION_WAIT = timedelta(days=90)


@dataclass(frozen=True)
class EscalationPolicy:
    """When the service app gives up on a channel and tries the next one.

    Court practice, not law; the defaults: after a failed e-service attempt try
    ``electronic_retries`` (2) more times, ``retry_after`` (1 hour) apart; a message
    delivered to an unconfirmed address but unread after ``read_wait`` (3 days) has no
    effect (在线诉讼规则 Art. 31 (2)), so send by post; mail with no postal receipt after
    ``post_wait`` (15 days) is treated as undeliverable (next: verify the address, or
    public notice in ordinary procedure).
    """

    electronic_retries: int = 2
    retry_after: timedelta = timedelta(hours=1)
    read_wait: timedelta = timedelta(days=3)
    post_wait: timedelta = timedelta(days=15)

    def __post_init__(self) -> None:
        if not (0 <= self.electronic_retries <= MAX_ELECTRONIC_RETRIES):
            raise ValueError(f"electronic_retries must be 0–{MAX_ELECTRONIC_RETRIES}")
        for name in ("retry_after", "read_wait", "post_wait"):
            value = getattr(self, name)
            if not isinstance(value, timedelta):
                raise TypeError(f"{name} must be a timedelta")
            if not (timedelta(0) < value <= MAX_ESCALATION_WAIT):
                raise ValueError(
                    f"{name} must be positive and at most {MAX_ESCALATION_WAIT.days} days"
                )


DEFAULT_ESCALATION_POLICY = EscalationPolicy()
