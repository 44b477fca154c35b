"""examples/bank_client.py end to end against `jiefen serve` (issue 14, point 6).

The bank's system is the example client, run as the bank runs it: a separate process with plain
httpx and an API token, talking over HTTP to the production server (gunicorn, a task worker and
the scheduler, `jiefen serve`) on the test database. It uploads a generated batch, polls it until
imported, lists the batch's and the filed cases, downloads the sealed judgment of a judged case
(checking the SHA-256 the API declares) and receives the webhook events, verifying their HMAC
signatures with the secret it was given once.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from jiefen.accounts.models import Organisation, Role, User
from jiefen.accounts.tokens import issue
from jiefen.cases.models import Case
from jiefen.cases.states import State
from jiefen.documents.models import StoredDocument
from jiefen.intake.models import Batch
from jiefen.judgments.actions.drafting import draft
from jiefen.judgments.actions.pronouncement import pronounce
from jiefen.judgments.actions.signing import sign_all
from jiefen.webhooks.models import Subscription

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "examples" / "bank_client.py"
_ENTRY = Path(sys.executable).with_name("jiefen")
JIEFEN = [str(_ENTRY)] if _ENTRY.exists() else [sys.executable, "-m", "jiefen.manage"]
ROWS = 12


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text(errors="replace")[-3000:]
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer: " + log.read_text(errors="replace")[-3000:])


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_bank_client_walkthrough(
    make_heard_case: Callable[..., Case],
    judge: User,
    court: Organisation,
    bank: Organisation,
    make_user: Callable[..., User],
    var_dir: Path,
    database_url: str,
    settings: Any,
    tmp_path: Path,
) -> None:
    # At the court: one of the bank's cases, heard; its judgment drafted and signed, to be
    # pronounced while the bank's system is connected (a webhook tells of what happens after).
    case = make_heard_case(name="王五")
    draft([case.pk], by=judge)
    judgment_pk = case.judgment.pk
    assert sign_all([judgment_pk], by=judge).signed == [judgment_pk]

    admin = make_user(Role.PLATFORM_ADMIN)
    _, token = issue(bank, "核心系统", by=admin)

    batch_file = tmp_path / "batch.csv"
    subprocess.run(
        [*JIEFEN, "gen_batch", "--type", "loan", "--cases", str(ROWS), "--bad-fraction", "0.2",
         "--seed", "14", "--out", str(batch_file)],
        check=True, capture_output=True, env={**os.environ, "JIEFEN_VAR_DIR": str(var_dir)},
    )  # fmt: skip

    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "JIEFEN_VAR_DIR": str(var_dir),
        "JIEFEN_SECRET_KEY": settings.SECRET_KEY,
        "JIEFEN_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*JIEFEN, "serve", "--port", str(port), "--workers", "1", "--web-workers", "1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(f"http://127.0.0.1:{port}/login/", server, log)
        client = subprocess.Popen(
            [sys.executable, str(CLIENT), "--base", f"http://127.0.0.1:{port}",
             "--token", token, "--court", court.code, "--file", str(batch_file),
             "--wait-events", "ping,judged", "--out-dir", str(tmp_path), "--timeout", "240"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        # Once the bank's endpoint is registered, the judge pronounces (宣判).
        deadline = time.monotonic() + 120
        while not Subscription.objects.filter(institution=bank).exists():
            assert client.poll() is None and time.monotonic() < deadline, client.communicate()
            time.sleep(0.3)
        assert pronounce([judgment_pk], by=judge, on=date(2025, 9, 1)).pronounced == [judgment_pk]
        case.refresh_from_db()
        assert case.state == State.JUDGED
        stdout, stderr = client.communicate(timeout=400)
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert client.returncode == 0, stdout + stderr + log.read_text()[-3000:]
    summary = json.loads(stdout.strip().splitlines()[-1])
    sealed = StoredDocument.objects.get(case=case, kind="judgment", signed=True, recipient="")

    # The batch the client uploaded is the one imported, with the bad rows refused.
    batch = Batch.objects.get(pk=summary["batch"]["batch"])
    assert batch.institution == bank and batch.status == "done"
    assert summary["batch"]["accepted"] == batch.cases.count() == summary["batch_cases"]
    assert summary["batch"]["accepted"] + summary["batch"]["rejected"] == ROWS
    assert summary["batch"]["rejected"] >= 1

    # The sealed judgment it saved is, byte for byte, the court's stored document.
    saved = Path(summary["judgment"]["file"]).read_bytes()
    assert summary["judgment"]["case_number"] == case.case_number
    assert hashlib.sha256(saved).hexdigest() == sealed.sha256 == summary["judgment"]["sha256"]
    assert saved.startswith(b"%PDF")

    # The webhook events came signed with the secret the client was given; none was refused.
    assert {"ping", "judged"} <= set(summary["webhook_events"])
    assert summary["webhook_refused"] == []
