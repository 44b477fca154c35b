"""Case numbers under concurrent workers: no gaps, no duplicates (法〔2015〕137号).

Several threads, each with its own database connection, file disjoint sets of cases at the
same time. On PostgreSQL the counter row is locked with SELECT … FOR UPDATE; on SQLite the
IMMEDIATE transactions serialise the writers. Both must give 1..N exactly once.
"""

import threading
from datetime import date
from typing import Any

import pytest
from django.db import connection

from jiefen.cases.models import Case
from jiefen.cases.states import State
from jiefen.docket.actions import file_cases
from jiefen.law.case_numbers import parse_case_number

WORKERS = 4
PER_WORKER = 5


def _file_in_parallel(groups: list[list[int]], clerk: Any) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(groups))

    def work(ids: list[int]) -> None:
        try:
            barrier.wait()
            file_cases(ids, by=clerk, filed_on=date(2025, 7, 1))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(g,)) for g in groups]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _assert_gapless() -> None:
    numbers = [
        parse_case_number(n).seq
        for n in Case.objects.exclude(case_number=None).values_list("case_number", flat=True)
    ]
    assert sorted(numbers) == list(range(1, WORKERS * PER_WORKER + 1))


@pytest.mark.django_db(transaction=True)
def test_parallel_workers_sqlite_or_postgres(make_case: Any, staff: Any) -> None:
    cases = [make_case(state=State.AWAITING_FILING) for _ in range(WORKERS * PER_WORKER)]
    groups = [[c.pk for c in cases[i::WORKERS]] for i in range(WORKERS)]
    assert _file_in_parallel(groups, staff["clerks"][0]) == []
    _assert_gapless()
    assert Case.objects.filter(state=State.FILED).count() == WORKERS * PER_WORKER


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_workers_postgres_row_lock(make_case: Any, staff: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SELECT … FOR UPDATE on the counter row (SQLite locks the whole database instead; covered above)"
        )
    cases = [make_case(state=State.AWAITING_FILING) for _ in range(WORKERS * PER_WORKER)]
    # Overlapping requests: every worker tries to file ALL cases; each case is filed exactly once.
    groups = [[c.pk for c in cases] for _ in range(WORKERS)]
    assert _file_in_parallel(groups, staff["clerks"][0]) == []
    _assert_gapless()
