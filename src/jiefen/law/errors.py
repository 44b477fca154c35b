"""Exceptions raised by the rules in :mod:`jiefen.law`.

Every rule refuses to guess: a date outside a table, a year without a holiday
calendar, a malformed parameter file all raise one of these, with a message that
says what is missing and where to add it.
"""


class LawError(Exception):
    """Base class for every error raised by :mod:`jiefen.law`."""


class ParameterError(LawError):
    """A parameter file or an extra parameter row is malformed or overlaps another."""


class OutOfTableError(LawError):
    """A dated lookup (LPR, benchmark rate, fee schedule, wage) has no value for the date."""


class CalendarDataMissing(OutOfTableError):
    """No holiday calendar for the year of a date: never assume it is a working day.

    ``nominal_date`` is the unadjusted last day of the period, when known, so a caller
    can still show "on or after …" while the calendar for that year is not published.
    """

    def __init__(self, message: str, *, year: int, nominal_date: object = None) -> None:
        super().__init__(message)
        self.year = year
        self.nominal_date = nominal_date


class InvalidCaseNumber(LawError, ValueError):
    """A case number (案号) does not follow 法〔2015〕137号 or uses an unknown code."""


class InvalidIdentifier(LawError, ValueError):
    """An identifier (ID number, USCC, division code) is malformed."""
