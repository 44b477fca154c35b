"""kill -9 a worker in the middle of a batch; resuming ends with exactly the right cases."""

import os
import signal
import subprocess
import sys
import time
from typing import Any

import pytest
from django.db import connection

from jiefen.accounts.models import Organisation
from jiefen.audit.chain import verify
from jiefen.cases.models import Case, CaseEvent, CaseParty
from jiefen.intake.actions import process_batch
from jiefen.intake.generator import generate_rows, render
from jiefen.intake.models import Batch, BatchStatus


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    host = db.get("HOST") or "127.0.0.1"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_kill_9_mid_batch_then_resume(
    court: Organisation, bank: Organisation, tmp_path: Any, settings: Any
) -> None:
    settings.JIEFEN_VAR_DIR = tmp_path
    rows, info = generate_rows("financial_loan", 400, bad_fraction=0.05, seed=777)
    path = tmp_path / "big.csv"
    path.write_bytes(render(rows, "financial_loan"))
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "JIEFEN_VAR_DIR": str(tmp_path),
        "JIEFEN_INTAKE_CHUNK": "40",
        "JIEFEN_INTAKE_THROTTLE_MS": "150",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jiefen.manage",
            "import_batch",
            str(path),
            "--institution",
            bank.code,
            "--court",
            court.code,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    batch = None
    while time.monotonic() < deadline:
        batch = Batch.objects.filter(institution=bank).first()
        if batch is not None and 80 <= batch.rows_done < 360:
            break
        time.sleep(0.05)
    assert batch is not None, worker.communicate(timeout=5)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
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
            sys.executable,
            "-m",
            "jiefen.manage",
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
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    expected = {rows[r - 2]["contract_number"] for r in range(2, 402) if r not in info.bad_rows}
    got = list(Case.objects.filter(batch=batch).values_list("contract_number", flat=True))
    assert len(got) == len(set(got)) == len(expected) and set(got) == expected
    assert (batch.accepted, batch.rejected, batch.duplicates) == (
        len(expected),
        len(info.bad_rows),
        0,
    )
    assert batch.errors.filter(kind="invalid").values("row").distinct().count() == len(
        info.bad_rows
    )
    assert CaseEvent.objects.filter(case__batch=batch).count() == len(expected)
    assert CaseParty.objects.filter(case__batch=batch, role="defendant").count() == len(expected)
    assert verify()[1] is None
    # A further run changes nothing.
    assert process_batch(batch.pk).accepted == len(expected)
    assert Case.objects.filter(batch=batch).count() == len(expected)
