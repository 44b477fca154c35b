"""Handing out case numbers: one locked counter per court, year and type code (法〔2015〕137号).

Every stage that numbers cases (民诉前调, 民初, 民特, 民督, 财保, 执…) takes its sequence here, so
numbers have no gaps or duplicates even with several workers numbering at once.
"""

from django.db import transaction

from jiefen.accounts.models import Organisation
from jiefen.cases.models import CaseNumberCounter
from jiefen.law.case_numbers import CaseNumber


def take_numbers(court: Organisation, year: int, type_code: str, n: int) -> int:
    """Reserve `n` consecutive sequence numbers; return the first.

    The counter row is created if missing (INSERT … ON CONFLICT DO NOTHING) and then locked with
    SELECT … FOR UPDATE (SQLite: the IMMEDIATE transaction holds the write lock), so concurrent
    callers queue on it and never share a number. Runs in the caller's transaction if any.
    """
    with transaction.atomic():
        CaseNumberCounter.objects.bulk_create(
            [CaseNumberCounter(court=court, year=year, type_code=type_code, last=0)],
            ignore_conflicts=True,
        )
        counter = CaseNumberCounter.objects.select_for_update().get(
            court=court, year=year, type_code=type_code
        )
        first = counter.last + 1
        counter.last += n
        counter.save(update_fields=["last"])
    return first


def take_case_numbers(court: Organisation, year: int, type_code: str, n: int) -> list[str]:
    """`n` consecutive full-width case numbers, e.g. （2025）渝0105民初1号."""
    if n <= 0:
        return []
    first = take_numbers(court, year, type_code, n)
    return [
        str(CaseNumber(year=year, court_code=court.court_code, type_code=type_code, seq=seq))
        for seq in range(first, first + n)
    ]
