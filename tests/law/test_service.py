"""Service (送达): when an attempt takes effect, and the periods it starts.

Expected dates are worked out by hand from the rules (在线诉讼规则 Arts. 29, 31; 民诉解释
Arts. 135–136, 140; 民诉法 Arts. 85, 91, 95, 128; 法释〔2004〕13号 Art. 11) and the State
Council holiday notices, not from the code.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from jiefen.law import (
    CHANNELS,
    ELECTRONIC,
    EscalationPolicy,
    HolidayCalendar,
    ServiceEffect,
    ServiceFacts,
    consent_basis,
    deadlines_after_service,
    earliest_effect,
    hearing_too_early,
    public_notice_allowed,
    service_effect,
)

CAL = HolidayCalendar.from_params()
ART_29 = "在线诉讼规则第二十九条"
ART_31_1 = "在线诉讼规则第三十一条第一项"
ART_31_2 = "在线诉讼规则第三十一条第二项"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_channels() -> None:
    assert CHANNELS == ("sms", "email", "portal", "post", "public_notice")
    assert frozenset({"sms", "email", "portal"}) == ELECTRONIC


# (consent, address confirmed, sent, delivered, read) → (effective, served_on, article in reason)
ELECTRONIC_CASES = [
    # No consent: no effect whatever the platform recorded (Art. 29).
    (False, True, None, datetime(2025, 3, 3, 10, 0), None, False, None, ART_29),
    (False, False, None, None, datetime(2025, 3, 5, 9, 0), False, None, ART_29),
    # Confirmed address: arrival at the recipient's system (Art. 31 (1)) …
    (
        True,
        True,
        datetime(2025, 3, 3, 23, 50),
        datetime(2025, 3, 4, 0, 10),
        None,
        True,
        date(2025, 3, 4),
        ART_31_1,
    ),
    # … or, without a delivery receipt, the platform's "sent successfully" day (Art. 135).
    (
        True,
        True,
        datetime(2025, 3, 3, 23, 50),
        None,
        None,
        True,
        date(2025, 3, 3),
        "第一百三十五条",
    ),
    (True, True, date(2025, 3, 3), None, None, True, date(2025, 3, 3), "第一百三十五条"),
    # Read proves arrival by that day at the latest.
    (True, True, None, None, datetime(2025, 3, 5, 8, 0), True, date(2025, 3, 5), ART_31_1),
    (True, True, None, None, None, False, None, ART_31_1),
    # Unconfirmed address: only the read (or reply) makes it effective, on that day (Art. 31 (2)).
    (
        True,
        False,
        datetime(2025, 3, 3, 9, 0),
        datetime(2025, 3, 3, 9, 1),
        datetime(2025, 3, 6, 20, 0),
        True,
        date(2025, 3, 6),
        ART_31_2,
    ),
    (True, False, None, datetime(2025, 3, 3, 9, 1), None, False, None, ART_31_2),
    (True, False, datetime(2025, 3, 3, 9, 0), None, None, False, None, ART_31_2),
    (True, False, None, None, None, False, None, ART_31_2),
]


@pytest.mark.parametrize("channel", ["sms", "email", "portal"])
@pytest.mark.parametrize(
    ("consent", "confirmed", "sent", "delivered", "read", "effective", "served_on", "article"),
    ELECTRONIC_CASES,
)
def test_electronic_service(
    channel: str,
    consent: bool,
    confirmed: bool,
    sent: datetime | date | None,
    delivered: datetime | None,
    read: datetime | None,
    effective: bool,
    served_on: date | None,
    article: str,
) -> None:
    facts = ServiceFacts(
        channel=channel,  # type: ignore[arg-type]
        consent=consent,
        address_confirmed=confirmed,
        sent=sent,
        delivered=delivered,
        read=read,
    )
    result = service_effect(facts, calendar=CAL)
    assert (result.effective, result.served_on) == (effective, served_on)
    assert article in result.reason
    assert result.channel == channel


def test_delivered_but_unread_at_an_unconfirmed_address_says_what_to_do() -> None:
    facts = ServiceFacts("sms", consent=True, delivered=datetime(2025, 3, 3, 9, 1))
    reason = service_effect(facts, calendar=CAL).reason
    assert "不发生送达效力" in reason
    assert "阅看" in reason and "邮寄" in reason


def test_the_local_day_of_an_aware_datetime_counts() -> None:
    late_evening = datetime(2025, 3, 3, 23, 30, tzinfo=SHANGHAI)
    facts = ServiceFacts("email", consent=True, address_confirmed=True, delivered=late_evening)
    assert service_effect(facts, calendar=CAL).served_on == date(2025, 3, 3)


def test_reason_names_the_day_and_the_article() -> None:
    facts = ServiceFacts("portal", consent=True, address_confirmed=True, delivered=date(2025, 3, 3))
    assert service_effect(facts, calendar=CAL).reason == (
        "已同意电子送达且地址经确认，送达信息到达受送达人特定系统之日（2025年3月3日）为送达之日"
        "（在线诉讼规则第三十一条第一项）"
    )


# (consent, address confirmed, signed, returned) → (effective, served_on, article)
POST_CASES = [
    (False, False, date(2025, 3, 4), None, True, date(2025, 3, 4), "民诉法第九十一条"),
    (True, True, date(2025, 3, 4), None, True, date(2025, 3, 4), "民诉法第九十一条"),
    (False, True, None, date(2025, 3, 6), True, date(2025, 3, 6), "第十一条"),
    (False, False, None, date(2025, 3, 6), False, None, "第十一条"),
    (True, False, None, date(2025, 3, 6), False, None, "第十一条"),
    (False, True, None, None, False, None, "民诉法第九十一条"),
]


@pytest.mark.parametrize(
    ("consent", "confirmed", "signed", "returned", "effective", "served_on", "article"),
    POST_CASES,
)
def test_postal_service(
    consent: bool,
    confirmed: bool,
    signed: date | None,
    returned: date | None,
    effective: bool,
    served_on: date | None,
    article: str,
) -> None:
    """Post needs no consent; a return counts only from a confirmed or agreed address."""
    facts = ServiceFacts(
        "post", consent=consent, address_confirmed=confirmed, signed=signed, returned=returned
    )
    result = service_effect(facts, calendar=CAL)
    assert (result.effective, result.served_on) == (effective, served_on)
    assert article in result.reason


@pytest.mark.parametrize("procedure", ["summary", "small_claims"])
def test_public_notice_is_refused_outside_ordinary_procedure(procedure: str) -> None:
    """民诉解释 Art. 140: the case must first convert to ordinary procedure."""
    facts = ServiceFacts("public_notice", procedure=procedure, published=date(2025, 3, 3))
    result = service_effect(facts, calendar=CAL)
    assert (result.effective, result.served_on) == (False, None)
    assert "第一百四十条" in result.reason and "普通程序" in result.reason
    assert not public_notice_allowed(procedure)


def test_public_notice_allowed_in_ordinary_procedure_only() -> None:
    assert public_notice_allowed("ordinary")
    with pytest.raises(ValueError, match="unknown procedure"):
        public_notice_allowed("special")


@pytest.mark.parametrize(
    ("published", "served_on", "why"),
    [
        (date(2025, 3, 3), date(2025, 4, 2), "30 days (民诉法 Art. 95)"),
        (date(2021, 3, 1), date(2021, 4, 30), "60 days before 2022-01-01"),
        (date(2021, 12, 31), date(2022, 3, 1), "published before 2022: still 60 days"),
        (date(2024, 9, 5), date(2024, 10, 8), "day 30 is 2024-10-05, National Day → 10-08"),
    ],
)
def test_public_notice_deemed_served(published: date, served_on: date, why: str) -> None:
    facts = ServiceFacts("public_notice", published=published)
    result = service_effect(facts, calendar=CAL)
    assert (result.effective, result.served_on) == (True, served_on), why
    assert "视为送达" in result.reason


def test_public_notice_not_yet_published() -> None:
    result = service_effect(ServiceFacts("public_notice"), calendar=CAL)
    assert (result.effective, result.served_on) == (False, None)


@pytest.mark.parametrize(
    ("as_of", "effective"),
    [(date(2025, 3, 20), False), (date(2025, 4, 1), False), (date(2025, 4, 2), True)],
)
def test_public_notice_still_running_on_as_of(as_of: date, effective: bool) -> None:
    facts = ServiceFacts("public_notice", published=date(2025, 3, 3))
    result = service_effect(facts, calendar=CAL, as_of=as_of)
    assert (result.effective, result.served_on) == (effective, date(2025, 4, 2))
    assert ("公告期尚未届满" in result.reason) is not effective


def test_as_of_after_electronic_arrival_keeps_it_effective() -> None:
    facts = ServiceFacts("sms", consent=True, address_confirmed=True, delivered=date(2025, 3, 3))
    result = service_effect(facts, calendar=CAL, as_of=date(2025, 3, 3))
    assert (result.effective, result.served_on) == (True, date(2025, 3, 3))


def test_unknown_channel_or_procedure_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown channel"):
        service_effect(ServiceFacts("fax"), calendar=CAL)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown procedure"):
        service_effect(ServiceFacts("post", procedure="special"), calendar=CAL)


def _effect(facts: ServiceFacts) -> ServiceEffect:
    return service_effect(facts, calendar=CAL)


def test_earliest_effective_channel_counts() -> None:
    """Email delivered the day before the SMS: service is done on the email's day."""
    sms = _effect(
        ServiceFacts("sms", consent=True, address_confirmed=True, delivered=date(2025, 3, 4))
    )
    email = _effect(
        ServiceFacts("email", consent=True, address_confirmed=True, delivered=date(2025, 3, 3))
    )
    post = _effect(ServiceFacts("post"))
    result = earliest_effect([sms, post, email])
    assert (result.effective, result.served_on, result.channel) == (True, date(2025, 3, 3), "email")


def test_earliest_ignores_a_delivery_without_consent() -> None:
    no_consent = _effect(ServiceFacts("sms", address_confirmed=True, delivered=date(2025, 3, 1)))
    signed = _effect(ServiceFacts("post", signed=date(2025, 3, 5)))
    result = earliest_effect([no_consent, signed])
    assert (result.served_on, result.channel) == (date(2025, 3, 5), "post")


def test_no_effective_channel_joins_the_reasons() -> None:
    sms = _effect(ServiceFacts("sms", consent=True, delivered=date(2025, 3, 3)))
    post = _effect(ServiceFacts("post", returned=date(2025, 3, 8)))
    result = earliest_effect([sms, post])
    assert (result.effective, result.served_on) == (False, None)
    assert sms.reason in result.reason and post.reason in result.reason
    assert "短信" in result.reason and "法院专递" in result.reason
    assert earliest_effect([]).effective is False


@pytest.mark.parametrize(
    ("contract", "confirmed", "pleadings", "acted", "basis"),
    [
        (True, True, True, True, "合同约定电子送达条款"),
        (False, True, True, True, "送达地址确认书中明确同意电子送达"),
        (False, False, True, True, "在诉讼文书中主动提供电子送达地址"),
        (False, False, False, True, "以回复收悉、参加诉讼等方式接受电子送达"),
        (False, False, False, False, None),
    ],
)
def test_consent_basis_first_ground_that_holds(
    contract: bool, confirmed: bool, pleadings: bool, acted: bool, basis: str | None
) -> None:
    """在线诉讼规则 Art. 29: any one ground is consent; none → no e-service."""
    assert (
        consent_basis(
            contract_clause=contract,
            confirmed_address=confirmed,
            pleadings_address=pleadings,
            acted=acted,
        )
        == basis
    )


@pytest.mark.parametrize(
    ("served", "evidence_days", "answer_ends", "evidence_ends"),
    [
        # Fri 2024-09-20 + 15 = 2024-10-05, National Day holiday → 2024-10-08.
        (date(2024, 9, 20), 15, date(2024, 10, 8), date(2024, 10, 8)),
        # Small claims, 7 days: Fri 2024-09-27 is a working day.
        (date(2024, 9, 20), 7, date(2024, 10, 8), date(2024, 9, 27)),
        # Public notice deemed served 2025-04-02 → answer period ends 2025-04-17.
        (date(2025, 4, 2), 15, date(2025, 4, 17), date(2025, 4, 17)),
        # A 30-day evidence period outlasts the answer period (Mon 03-03 → Tue 03-18).
        (date(2025, 3, 3), 30, date(2025, 3, 18), date(2025, 4, 2)),
    ],
)
def test_deadlines_after_service(
    served: date, evidence_days: int, answer_ends: date, evidence_ends: date
) -> None:
    deadlines = deadlines_after_service(served, evidence_days=evidence_days, calendar=CAL)
    assert (deadlines.served_on, deadlines.answer_ends, deadlines.evidence_ends) == (
        served,
        answer_ends,
        evidence_ends,
    )


def test_negative_evidence_period_is_refused() -> None:
    with pytest.raises(ValueError):
        deadlines_after_service(date(2025, 3, 3), evidence_days=-1, calendar=CAL)


@pytest.mark.parametrize(
    ("served", "evidence_days", "hearing", "too_early"),
    [
        (date(2024, 9, 20), 15, date(2024, 10, 5), True),
        (date(2024, 9, 20), 15, date(2024, 10, 8), True),  # the last day itself
        (date(2024, 9, 20), 15, date(2024, 10, 9), False),
        (date(2025, 3, 3), 30, date(2025, 3, 19), True),  # answer over, evidence not
        (date(2025, 3, 3), 30, date(2025, 4, 2), True),
        (date(2025, 3, 3), 30, date(2025, 4, 3), False),
    ],
)
def test_hearing_too_early(
    served: date, evidence_days: int, hearing: date, too_early: bool
) -> None:
    """民诉法 Art. 128; 民诉解释 Art. 99: no hearing until both periods have run out."""
    deadlines = deadlines_after_service(served, evidence_days=evidence_days, calendar=CAL)
    assert hearing_too_early(hearing, deadlines) is too_early


def test_escalation_policy_defaults() -> None:
    policy = EscalationPolicy()
    assert policy.electronic_retries == 2
    assert policy.retry_after == timedelta(hours=1)
    assert policy.read_wait == timedelta(days=3)
    assert policy.post_wait == timedelta(days=15)
    assert EscalationPolicy(electronic_retries=0).electronic_retries == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"electronic_retries": -1},
        {"electronic_retries": 11},
        {"retry_after": timedelta(0)},
        {"read_wait": timedelta(days=-1)},
        {"post_wait": timedelta(days=91)},
    ],
)
def test_escalation_policy_refuses_nonsense(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        EscalationPolicy(**kwargs)  # type: ignore[arg-type]


def test_escalation_policy_wants_timedeltas() -> None:
    with pytest.raises(TypeError):
        EscalationPolicy(read_wait=3)  # type: ignore[arg-type]
