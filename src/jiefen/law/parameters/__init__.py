"""Dated parameters of the law rules (YAML in this folder) and their strict loader.

``load_parameters()`` returns the shipped baseline (cached); ``params.with_extra(...)``
adds rows an administrator entered (LPR fixings, holiday years, wage figures).
"""

from jiefen.law.parameters.loader import PARAMETERS_DIR, load_parameters, load_parameters_from
from jiefen.law.parameters.model import (
    BenchmarkRate,
    Bracket,
    DatedValue,
    FeeSchedule,
    HolidayDay,
    HolidayYear,
    LprFixing,
    Parameters,
    Province,
    SpecialCourtCode,
    WageFigure,
)

__all__ = [
    "PARAMETERS_DIR",
    "BenchmarkRate",
    "Bracket",
    "DatedValue",
    "FeeSchedule",
    "HolidayDay",
    "HolidayYear",
    "LprFixing",
    "Parameters",
    "Province",
    "SpecialCourtCode",
    "WageFigure",
    "load_parameters",
    "load_parameters_from",
]
