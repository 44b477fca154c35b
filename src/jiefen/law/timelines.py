"""The periods the stages schedule by: evidence, hearing lead, limitation, mediation.

Each legal length is a dated value in ``parameters/rules.yaml`` (with its citation and
``reviewed`` date) and is read here with an explicit legal date (``as_of=``):

- evidence period (举证期限, 民诉解释 Arts. 99, 266, 275): ordinary procedure **at least**
  15 days; summary procedure **at most** 15 days; small claims **generally at most** 7;
- complaint copy served within 5 days of filing, then 15 days to answer (民诉法 Art. 128);
- limitation period (诉讼时效) 3 years (民法典 Art. 188);
- court-annexed mediation (委派/委托调解) 30 days unless the parties agree to extend
  (特邀调解规定 Art. 19).

What the law leaves to the court is a :class:`TimingPolicy` with a documented default,
never a constant in stage code: how long after filing a court sets its hearings (beyond
the legal minimum) and the grace period it writes into instalment agreements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from jiefen.law.parameters import DatedValue, Parameters, load_parameters
from jiefen.law.periods import PROCEDURES, HolidayCalendar, Procedure, add_days, months_later

Bound = Literal["at_least", "at_most"]

#: Court practice, not law: hearing 35 days after filing = service window (5) + answer
#: period (15) + a 15-day evidence period after it. Courts may choose another lead.
DEFAULT_HEARING_LEAD_DAYS = 35
#: Court practice, not law: an instalment more than 10 days late accelerates the rest.
DEFAULT_INSTALMENT_GRACE_DAYS = 10
#: Sanity bound on a court's chosen lead (a hearing more than a year out is a typo).
MAX_HEARING_LEAD_DAYS = 365

_EVIDENCE_BOUND: dict[Procedure, Bound] = {
    "ordinary": "at_least",  # 民诉解释 Art. 99: 不得少于十五日
    "summary": "at_most",  # Arts. 99, 266: 不得超过十五日
    "small_claims": "at_most",  # Arts. 99, 275: 一般不得超过七日
}


@dataclass(frozen=True)
class TimingPolicy:
    """A court's choices on timing; the defaults are court practice, stated above.

    ``hearing_lead_days`` is how long after filing the court sets a hearing; the hearing
    is never earlier than the legal minimum (:func:`earliest_hearing_day`) whatever the
    lead. ``instalment_grace_days`` is the default grace period of an instalment plan
    when the claimant's settlement rule sets none.
    """

    hearing_lead_days: int = DEFAULT_HEARING_LEAD_DAYS
    instalment_grace_days: int = DEFAULT_INSTALMENT_GRACE_DAYS

    def __post_init__(self) -> None:
        if not (0 < self.hearing_lead_days <= MAX_HEARING_LEAD_DAYS):
            raise ValueError(f"hearing_lead_days must be 1–{MAX_HEARING_LEAD_DAYS}")
        if self.instalment_grace_days < 0:
            raise ValueError("instalment_grace_days must not be negative")


DEFAULT_TIMING_POLICY = TimingPolicy()


@dataclass(frozen=True)
class EvidencePeriod:
    """The evidence period of a procedure: ``days`` and whether it is a floor or a ceiling."""

    procedure: Procedure
    days: int
    bound: Bound
    citation: str


def _params(params: Parameters | None) -> Parameters:
    return params if params is not None else load_parameters()


def _rule(key: str, as_of: date, params: Parameters | None) -> DatedValue:
    return _params(params).rule(key, as_of)


def _check_procedure(procedure: str) -> Procedure:
    if procedure not in PROCEDURES:
        raise ValueError(f"unknown procedure {procedure!r}; use one of {', '.join(PROCEDURES)}")
    return procedure


def evidence_period(
    procedure: str, *, as_of: date, params: Parameters | None = None
) -> EvidencePeriod:
    """The evidence period the court gives in ``procedure`` (民诉解释 Arts. 99, 266, 275).

    Ordinary: the minimum, 15 days. Summary: the maximum, 15 days. Small claims: the usual
    maximum, 7 days. ``as_of`` is the filing date.
    """
    proc = _check_procedure(procedure)
    value = _rule(f"evidence_days_{proc}", as_of, params)
    return EvidencePeriod(proc, int(value.value), _EVIDENCE_BOUND[proc], value.citation)


def complaint_service_days(*, as_of: date, params: Parameters | None = None) -> int:
    """Days the court has to send the complaint copy after filing (民诉法 Art. 128)."""
    return int(_rule("complaint_service_days", as_of, params).value)


def minimum_hearing_lead_days(
    procedure: str, *, as_of: date, params: Parameters | None = None
) -> int:
    """Shortest lead from filing to hearing the law allows, before rest days move it.

    The complaint copy may be served as late as day 5 (民诉法 Art. 128); the hearing comes
    after both the 15-day answer period and the evidence period, which run from service.
    20 days in every procedure today (5 + max(15, 15 or 7)).
    """
    answer = int(_rule("answer_days", as_of, params).value)
    evidence = evidence_period(procedure, as_of=as_of, params=params).days
    return complaint_service_days(as_of=as_of, params=params) + max(answer, evidence)


def earliest_hearing_day(
    filed_on: date,
    procedure: str,
    *,
    lead_days: int = DEFAULT_HEARING_LEAD_DAYS,
    calendar: HolidayCalendar,
    params: Parameters | None = None,
) -> date:
    """First day a hearing may be set for a case filed on ``filed_on``.

    ``filed_on + lead_days`` (the court's policy), but never before the day after the
    answer and evidence periods end for a complaint served on the last allowed day — those
    periods are moved past rest days (民诉法 Art. 85) — and always a working day. A year
    without a holiday calendar raises :class:`~jiefen.law.errors.CalendarDataMissing`.
    """
    if lead_days <= 0:
        raise ValueError("lead_days must be positive")
    served_by = filed_on + timedelta(days=complaint_service_days(as_of=filed_on, params=params))
    answer = int(_rule("answer_days", filed_on, params).value)
    evidence = evidence_period(procedure, as_of=filed_on, params=params).days
    periods_end = max(
        add_days(served_by, answer, calendar=calendar),
        add_days(served_by, evidence, calendar=calendar),
    )
    day = max(filed_on + timedelta(days=lead_days), periods_end + timedelta(days=1))
    return calendar.next_workday(day)


def limitation_months(*, as_of: date, params: Parameters | None = None) -> DatedValue:
    """The limitation period in months in force on ``as_of`` (民法典 Art. 188: 3 years).

    Look it up on the date of the check: a two-year period still running on 2017-10-01
    became three years (法释〔2018〕12号 Art. 3).
    """
    return _rule("limitation_months", as_of, params)


def limitation_ends(start: date, *, as_of: date, params: Parameters | None = None) -> date:
    """Nominal last day of the limitation period running from ``start`` (the due date or
    the last interruption, 民法典 Arts. 188, 195), checked on ``as_of``."""
    return months_later(start, int(limitation_months(as_of=as_of, params=params).value))


def mediation_days(*, as_of: date, params: Parameters | None = None) -> int:
    """Length of court-annexed mediation from its opening: 30 days, extendable with both
    parties' consent (特邀调解规定 Art. 19). ``as_of`` is the opening date."""
    return int(_rule("mediation_days", as_of, params).value)
