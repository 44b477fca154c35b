"""The one way other apps get the law parameters: baseline YAML + admin rows."""

from __future__ import annotations

from datetime import date

from jiefen.accounts.models import Organisation
from jiefen.hearings.scheduler import DEFAULT_HEARING_POLICY, HearingPolicy
from jiefen.law.errors import ParameterError
from jiefen.law.fees import FeePolicy, HalfRounding
from jiefen.law.parameters import Parameters, load_parameters
from jiefen.law.periods import HolidayCalendar
from jiefen.law.timelines import DEFAULT_TIMING_POLICY, TimingPolicy, mediation_days
from jiefen.lawdata.models import (
    CourtLawPolicy,
    HolidayDay,
    HolidayYear,
    LprFixing,
    ProvincialWage,
)


def current_parameters() -> Parameters:
    """Shipped parameters merged with the rows administrators entered.

    Call it once per request or per batch chunk and pass the result down as
    ``params=`` (it runs four small queries). A row contradicting the baseline was
    already refused by the model's ``clean()``; if one slipped in through another path,
    :class:`jiefen.law.ParameterError` is raised here rather than used silently.
    """
    return load_parameters().with_extra(
        lpr=[row.to_law() for row in LprFixing.objects.all()],
        holiday_years=[y.to_law(with_days=False) for y in HolidayYear.objects.all()],
        holidays=[d.to_law() for d in HolidayDay.objects.all()],
        wages=[row.to_law() for row in ProvincialWage.objects.all()],
        source="admin",
    )


def current_calendar() -> HolidayCalendar:
    """The holiday calendar built from :func:`current_parameters`."""
    return HolidayCalendar.from_params(current_parameters())


def _court_law_policy(court: Organisation) -> CourtLawPolicy | None:
    try:
        return court.law_policy
    except CourtLawPolicy.DoesNotExist:
        return None


def court_fee_policy(court: Organisation) -> FeePolicy:
    """The fee-rounding policy a court has chosen (legal-rules §1.3), as law's FeePolicy.

    A court with contradictory settings (whole yuan but 保留到分) raises
    :class:`ParameterError` naming the court, rather than printing a fee in 角分.
    """
    row = _court_law_policy(court)
    half = HalfRounding(row.fee_half_rounding) if row else HalfRounding.KEEP_HALF_YUAN
    try:
        return FeePolicy(
            rounding=court.fee_rounding or "half_up_yuan",  # type: ignore[arg-type]
            halve_after_rounding=court.fee_halve_after_rounding,
            half_rounding=half,
        )
    except ValueError:
        raise ParameterError(
            f"{court.name}的诉讼费政策相互矛盾：“一律取整到元”不能与“保留到分”同时选择，"
            "请在管理后台「法院规则政策」或机构设置中更正"
        ) from None


def court_timing_policy(court: Organisation) -> TimingPolicy:
    """A court's hearing lead and default instalment grace period (docs/law.md defaults)."""
    row = _court_law_policy(court)
    if row is None:
        return DEFAULT_TIMING_POLICY
    return TimingPolicy(
        hearing_lead_days=row.hearing_lead_days, instalment_grace_days=row.instalment_grace_days
    )


def court_hearing_policy(court: Organisation) -> HearingPolicy:
    """How a court's hearing sessions run: cases per half-day session, minutes per case, starts."""
    row = _court_law_policy(court)
    if row is None:
        return DEFAULT_HEARING_POLICY
    return HearingPolicy(
        session_cases=row.session_cases,
        minutes_per_case=row.minutes_per_case,
        morning_start=row.morning_start,
        afternoon_start=row.afternoon_start,
    )


def mediation_period_days(opened_on: date) -> int:
    """Days a court-annexed mediation lasts from ``opened_on`` (特邀调解规定 Art. 19)."""
    return mediation_days(as_of=opened_on, params=current_parameters())
