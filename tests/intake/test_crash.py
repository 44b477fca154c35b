"""kill -9 in the middle of a batch; resuming ends with exactly the right cases.

Both tests run real processes on the test database (SQLite file or PostgreSQL): the task worker
(`jiefen db_worker`) as a bank's upload runs it, and the `import_batch` command.
"""

import os
import signal
import subprocess
import sys
import time
from typing import Any

import pytest

from jiefen.accounts.models import Organisation
from jiefen.audit.chain import verify
from jiefen.cases.models import Case, CaseEvent, CaseParty
from jiefen.intake.actions import create_batch, process_batch
from jiefen.intake.generator import generate_rows, render
from jiefen.intake.models import Batch, BatchStatus
from jiefen.intake.tasks import enqueue_import

MANAGE = [sys.executable, "-m", "jiefen.manage"]


def _wait_mid_batch(batch_id: int, worker: subprocess.Popen[bytes], lo: int, hi: int) -> Batch:
    """Poll the batch row (as the progress bar does) until the cursor is between lo and hi."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        batch = Batch.objects.filter(pk=batch_id).first()
        if batch is not None and lo <= batch.rows_done < hi:
            return batch
        assert worker.poll() is None, f"the worker exited early ({worker.returncode})"
        time.sleep(0.05)
    raise AssertionError("the batch never got to the middle")


def _assert_exactly_right(
    batch: Batch, rows: list[dict[str, str]], bad_rows: dict[int, str]
) -> None:
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    n = len(rows)
    expected = {rows[r - 2]["contract_number"] for r in range(2, n + 2) if r not in bad_rows}
    got = list(Case.objects.filter(batch=batch).values_list("contract_number", flat=True))
    assert len(got) == len(set(got)) == len(expected) and set(got) == expected
    assert (batch.accepted, batch.rejected, batch.duplicates) == (len(expected), len(bad_rows), 0)
    assert batch.errors.filter(kind="invalid").values("row").distinct().count() == len(bad_rows)
    assert CaseEvent.objects.filter(case__batch=batch).count() == len(expected)
    assert CaseParty.objects.filter(case__batch=batch, role="defendant").count() == len(expected)
    assert verify()[1] is None  # the audit chain still verifies
    # A further run changes nothing.
    assert process_batch(batch.pk).accepted == len(expected)
    assert Case.objects.filter(batch=batch).count() == len(expected)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_kill_9_task_worker_mid_batch_then_resume(
    court: Organisation,
    bank: Organisation,
    tmp_path: Any,
    settings: Any,
    database_url: str,
) -> None:
    """The bank's path: upload → task → `jiefen db_worker`; SIGKILL it, resume, exact result."""
    settings.JIEFEN_VAR_DIR = tmp_path
    rows, info = generate_rows("financial_loan", 400, bad_fraction=0.05, seed=778)
    batch, created = create_batch(bank, court, render(rows, "financial_loan"), "up.csv", by=None)
    assert created
    enqueue_import(batch.pk)  # committed at once (no transaction open): the worker sees it
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "JIEFEN_VAR_DIR": str(tmp_path),
        "JIEFEN_INTAKE_CHUNK": "40",
        "JIEFEN_INTAKE_THROTTLE_MS": "150",
    }
    # Output goes to a file: an unread pipe fills up and blocks the worker mid-task.
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [*MANAGE, "db_worker", "--no-startup-delay", "--interval", "0.1", "--no-reload"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_mid_batch(batch.pk, worker, 80, 360)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
        log.close()
    assert worker.returncode == -signal.SIGKILL

    batch.refresh_from_db()
    assert batch.status == BatchStatus.RUNNING and 0 < batch.rows_done < 400
    partial = Case.objects.filter(batch=batch).count()
    assert 0 < partial == batch.accepted < 400 - len(info.bad_rows)
    assert set(Case.objects.filter(batch=batch).values_list("batch_row", flat=True)) == {
        r for r in range(2, batch.rows_done + 2) if r not in info.bad_rows
    }

    # The operator's resume: queue the stalled batch again, and a fresh worker finishes it.
    fast = {**env, "JIEFEN_INTAKE_THROTTLE_MS": "0"}
    resumed = subprocess.run(
        [*MANAGE, "intake_resume", "--older-than", "0"],
        env=fast,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert resumed.returncode == 0 and f"[{batch.pk}]" in resumed.stdout, resumed.stderr
    finished = subprocess.run(
        [*MANAGE, "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        env=fast,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    _assert_exactly_right(batch, rows, info.bad_rows)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_kill_9_import_command_then_resume(
    court: Organisation,
    bank: Organisation,
    tmp_path: Any,
    settings: Any,
    database_url: str,
) -> None:
    """Submitting the same file again resumes the interrupted batch (the command's path)."""
    settings.JIEFEN_VAR_DIR = tmp_path
    rows, info = generate_rows("financial_loan", 400, bad_fraction=0.05, seed=777)
    path = tmp_path / "big.csv"
    path.write_bytes(render(rows, "financial_loan"))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "JIEFEN_VAR_DIR": str(tmp_path),
        "JIEFEN_INTAKE_CHUNK": "40",
        "JIEFEN_INTAKE_THROTTLE_MS": "150",
    }
    log = (tmp_path / "import.log").open("wb")
    worker = subprocess.Popen(
        [
            *MANAGE,
            "import_batch",
            str(path),
            "--institution",
            bank.code,
            "--court",
            court.code,
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    batch = None
    while time.monotonic() < deadline:
        batch = Batch.objects.filter(institution=bank).first()
        if batch is not None and 80 <= batch.rows_done < 360:
            break
        time.sleep(0.05)
    assert batch is not None, (tmp_path / "import.log").read_text(errors="replace")[-2000:]
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    log.close()
    assert worker.returncode == -signal.SIGKILL

    batch.refresh_from_db()
    assert batch.status == BatchStatus.RUNNING
    assert 0 < batch.rows_done < 400
    partial = Case.objects.filter(batch=batch).count()
    assert 0 < partial < 400 - len(info.bad_rows)
    # Committed work matches the cursor exactly: no half-written chunk survived the kill.
    assert partial == batch.accepted
    assert set(Case.objects.filter(batch=batch).values_list("batch_row", flat=True)) == {
        r for r in range(2, batch.rows_done + 2) if r not in info.bad_rows
    }

    # Submitting the same file again resumes the interrupted batch (here: the same command).
    done = subprocess.run(
        [
            *MANAGE,
            "import_batch",
            str(path),
            "--institution",
            bank.code,
            "--court",
            court.code,
        ],
        env={**env, "JIEFEN_INTAKE_THROTTLE_MS": "0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    _assert_exactly_right(batch, rows, info.bad_rows)
