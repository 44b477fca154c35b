"""The one way other apps get the law parameters: baseline YAML + admin rows."""

from __future__ import annotations

from jiefen.accounts.models import Organisation
from jiefen.law.fees import FeePolicy
from jiefen.law.parameters import Parameters, load_parameters
from jiefen.law.periods import HolidayCalendar
from jiefen.lawdata.models import HolidayDay, HolidayYear, LprFixing, ProvincialWage


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


def court_fee_policy(court: Organisation) -> FeePolicy:
    """The fee-rounding policy a court has chosen (legal-rules §1.3), as law's FeePolicy."""
    return FeePolicy(
        rounding=court.fee_rounding or "half_up_yuan",  # type: ignore[arg-type]
        halve_after_rounding=court.fee_halve_after_rounding,
    )
