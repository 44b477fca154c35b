"""Several task workers share one filing job: the chunks cover each case once, the job's end is
split finer so no worker waits long for another, and two real workers at once still number each
case once and store one document set per case (issue 14: scale-out on PostgreSQL)."""

import os
import subprocess
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from jiefen.cases.models import Series
from jiefen.cases.states import State
from jiefen.docket.actions import _split, plan_job, start_filing

from .test_crash import MANAGE, _assert_exactly_right, _make_cases

FILED_ON = date(2025, 7, 1)


@pytest.mark.parametrize(
    ("cases", "size", "sizes"),
    [
        (400, 50, [50] * 6 + [11] * 8 + [12]),  # the last 100 cases in quarter chunks
        (150, 50, [50] + [11] * 8 + [12]),
        (60, 50, [12] * 5),  # a job of a few chunks is all finer chunks
        (5, 2, [2, 2, 1]),  # chunks too small to split stay equal
        (24, 3, [3] * 8),
        (0, 50, []),
    ],
)
def test_chunks_cover_every_case_once_in_order_with_a_finer_end(
    cases: int, size: int, sizes: list[int]
) -> None:
    ids = list(range(1000, 1000 + cases))
    parts = _split(ids, size)
    assert [len(p) for p in parts] == sizes
    assert [pk for part in parts for pk in part] == ids


@pytest.mark.django_db
def test_a_planned_job_ends_in_finer_chunks(
    make_case: Any, staff: Any, series: Series, settings: Any
) -> None:
    settings.JIEFEN_FILING_CHUNK = 20
    cases = [make_case(series=series, state=State.AWAITING_FILING) for _ in range(45)]
    job = start_filing(by=staff["clerks"][0], series=series, run_now=True, filed_on=FILED_ON)
    chunks = plan_job(job.pk)
    assert [len(c.case_ids) for c in chunks] == [5] * 9
    assert sorted(pk for c in chunks for pk in c.case_ids) == sorted(c.pk for c in cases)
    assert plan_job(job.pk) == chunks  # planned once


def _started(log: Path) -> bool:
    return log.exists() and "Starting worker" in log.read_text(errors="replace")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_task_workers_file_one_job_exactly_once(
    make_case: Any,
    make_party: Any,
    staff: Any,
    court: Any,
    bank: Any,
    var_dir: Path,
    database_url: str,
) -> None:
    """Two `jiefen db_worker` processes drain one job's chunks at once (on PostgreSQL in
    parallel; SQLite takes them in turn): every case is filed and numbered once, the numbers
    run 1..N, each case has exactly one document set, the counts and audit chain are right."""
    series = Series.objects.create(
        institution=bank, court=court, case_type="financial_loan", product="个人消费贷款"
    )
    recipients = _make_cases(make_case, make_party, series)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "JIEFEN_VAR_DIR": str(var_dir),
        "JIEFEN_FILING_CHUNK": "3",
    }
    logs = [var_dir / f"worker-{i}.log" for i in range(2)]
    workers = []
    for log in logs:
        with log.open("wb") as out:  # a file, not a pipe: an unread pipe blocks the worker
            workers.append(
                subprocess.Popen(
                    [
                        *MANAGE,
                        "db_worker",
                        "--no-startup-delay",
                        "--interval",
                        "0.1",
                        "--no-reload",
                    ],
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
    try:
        deadline = time.monotonic() + 120
        while not all(_started(log) for log in logs):
            assert all(w.poll() is None for w in workers), "a worker exited at start"
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.05)
        job = start_filing(by=staff["clerks"][0], series=series, filed_on=FILED_ON)
        deadline = time.monotonic() + 300
        while True:
            job.refresh_from_db()
            if job.status in (job.Status.DONE, job.Status.FAILED):
                break
            assert all(w.poll() is None for w in workers), "a worker exited during the job"
            assert time.monotonic() < deadline, f"the job did not finish ({job.filed} filed)"
            time.sleep(0.1)
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(timeout=60)
    _assert_exactly_right(job, recipients)
