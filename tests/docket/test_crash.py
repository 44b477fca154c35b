"""kill -9 of the filing worker in the middle of a job; resuming ends with exactly the right docket.

A real task worker (`jiefen db_worker`) files a job chunk by chunk on the test database (SQLite
file or PostgreSQL) and is killed with SIGKILL mid-job; `jiefen filing_resume` queues the
unfinished chunks and a fresh worker finishes them. Every case must then be numbered once,
the numbers consecutive, each case must have exactly one document set and the job's counts
must be right.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import date
from typing import Any

import pytest

from jiefen.audit.chain import verify
from jiefen.cases.models import Case, CaseEvent, CaseParty, PartyRole, Series
from jiefen.cases.states import State
from jiefen.docket.actions import start_filing
from jiefen.docket.models import Filing, FilingJob
from jiefen.docket.paperwork import COVER_KINDS, FILING_KINDS
from jiefen.docket.tasks import run_job
from jiefen.documents.models import StoredDocument
from jiefen.documents.storage import sha256
from jiefen.law.case_numbers import parse_case_number

MANAGE = [sys.executable, "-m", "jiefen.manage"]
CASES = 24
CHUNK = 3


def _make_cases(make_case: Any, make_party: Any, series: Series) -> dict[int, int]:
    """CASES cases, every third with a guarantor too; case id → recipients (claimant + parties)."""
    recipients = {}
    for i in range(CASES):
        case = make_case(series=series, state=State.AWAITING_FILING)
        if i % 3 == 0:
            CaseParty.objects.create(
                case=case, party=make_party("保证人"), role=PartyRole.GUARANTOR
            )
        recipients[case.pk] = 1 + CaseParty.objects.filter(case=case).count()
    return recipients


def _wait_mid_job(job_id: int, worker: subprocess.Popen[bytes], lo: int, hi: int) -> None:
    """Poll the job row (as the progress page does) until between lo and hi cases are filed."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = FilingJob.objects.get(pk=job_id)
        if lo <= job.filed < hi:
            return
        assert worker.poll() is None, f"the worker exited early ({worker.returncode})"
        time.sleep(0.05)
    raise AssertionError(f"the job never got to the middle (filed {job.filed})")


def _sequences() -> list[int]:
    numbers = Case.objects.exclude(case_number=None).values_list("case_number", flat=True)
    return sorted(parse_case_number(n).seq for n in numbers)


def _packets(case_ids: list[int]) -> dict[int, int]:
    """case id → filing packets stored (one signed cover per recipient)."""
    covers = StoredDocument.objects.filter(
        case_id__in=case_ids, kind__in=COVER_KINDS, issued_for="filing", packet=None
    )
    counts: dict[int, int] = {}
    for case_id in covers.values_list("case_id", flat=True):
        counts[case_id] = counts.get(case_id, 0) + 1
    return counts


def _assert_exactly_right(job: FilingJob, recipients: dict[int, int]) -> None:
    job.refresh_from_db()
    ids = sorted(recipients)
    assert job.status == FilingJob.Status.DONE, job.error
    assert Case.objects.filter(pk__in=ids, state=State.FILED).count() == CASES
    assert _sequences() == list(range(1, CASES + 1))  # each numbered once, no gap, no duplicate
    assert Filing.objects.filter(job=job).count() == CASES
    assert CaseEvent.objects.filter(case_id__in=ids, transition="file").count() == CASES
    assert _packets(ids) == recipients  # exactly one document set per case
    expected = sum(2 + 5 * (n - 1) for n in recipients.values())
    docs = StoredDocument.objects.filter(case_id__in=ids, kind__in=FILING_KINDS)
    assert docs.count() == expected
    for doc in docs:  # every stored file is the one its row describes
        assert sha256(doc.absolute_path.read_bytes()) == doc.sha256
    assert (job.total, job.filed, job.documented, job.documents, job.skipped) == (
        CASES,
        CASES,
        CASES,
        expected,
        0,
    )
    assert verify()[1] is None  # the audit chain still verifies
    # A further run changes nothing.
    run_job(job.pk, inline=True)
    assert StoredDocument.objects.filter(case_id__in=ids).count() == expected
    assert _sequences() == list(range(1, CASES + 1))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_kill_9_filing_worker_mid_job_then_resume(
    make_case: Any,
    make_party: Any,
    staff: Any,
    court: Any,
    bank: Any,
    var_dir: Any,
    database_url: str,
) -> None:
    series = Series.objects.create(
        institution=bank, court=court, case_type="financial_loan", product="个人消费贷款"
    )
    recipients = _make_cases(make_case, make_party, series)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "JIEFEN_VAR_DIR": str(var_dir),
        "JIEFEN_FILING_CHUNK": str(CHUNK),
        "JIEFEN_FILING_THROTTLE_MS": "300",
    }
    # The clerk's click: the job is committed and its task queued for the worker.
    job = start_filing(by=staff["clerks"][0], series=series, filed_on=date(2025, 7, 1))
    # Output goes to a file: an unread pipe fills up and blocks the worker mid-task.
    log = (var_dir / "worker.log").open("wb")
    worker = subprocess.Popen(
        [*MANAGE, "db_worker", "--no-startup-delay", "--interval", "0.1", "--no-reload"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_mid_job(job.pk, worker, 2 * CHUNK, CASES - 2 * CHUNK)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
        log.close()
    assert worker.returncode == -signal.SIGKILL

    # Killed mid-job: the finished chunks are committed, numbered without gaps, documented once.
    job.refresh_from_db()
    assert job.status != FilingJob.Status.DONE
    filed = list(Filing.objects.filter(job=job).values_list("case_id", flat=True))
    assert 0 < len(filed) < CASES
    assert _sequences() == list(range(1, len(filed) + 1))
    done = [pk for c in job.chunks.filter(done=True) for pk in c.case_ids]
    assert done and set(done) <= set(filed)
    assert {pk: n for pk, n in _packets(filed).items() if pk in done} == {
        pk: recipients[pk] for pk in done
    }
    assert all(n <= recipients[pk] for pk, n in _packets(filed).items())

    # The operator's resume: queue the unfinished chunks again; a fresh worker finishes them.
    fast = {**env, "JIEFEN_FILING_THROTTLE_MS": "0"}
    resumed = subprocess.run(
        [*MANAGE, "filing_resume", "--older-than", "0"],
        env=fast,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert resumed.returncode == 0 and f"[{job.pk}]" in resumed.stdout, resumed.stderr
    finished = subprocess.run(
        [*MANAGE, "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        env=fast,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    _assert_exactly_right(job, recipients)
