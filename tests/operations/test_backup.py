"""Backups that restore: `jiefen backup` / `jiefen restore` as a court's IT department runs them.

A filed series with its signed documents (and a bank upload still waiting for the worker) is
backed up by a real `jiefen backup` subprocess while the site's database is open, restored by
`jiefen restore` into a FRESH database (a new SQLite file, or a new PostgreSQL database) and a
fresh JIEFEN_VAR_DIR; there `jiefen audit_verify` passes and every document downloads through
the real download view with its registered SHA-256. A tampered file in the backup stops the
restore naming the file; a target that already holds data is refused without --force.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from jiefen.cases.models import Series
from jiefen.cases.states import State
from jiefen.docket.actions import start_filing
from jiefen.docket.tasks import run_job
from jiefen.documents.models import StoredDocument
from jiefen.documents.storage import read_verified, sha256

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MANAGE = [sys.executable, "-m", "jiefen.manage"]


def jiefen(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MANAGE, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def last_json(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture
def filed(make_case: Any, staff: Any, series: Series, agent: Any, court: Any) -> dict[str, Any]:
    """Two filed cases with their signed documents, and a bank upload not yet imported."""
    from jiefen.intake.actions import create_batch
    from jiefen.intake.generator import generate_rows, render

    for total in ("8000.00", "46234.56"):
        make_case(series=series, state=State.AWAITING_FILING, claim_total=Decimal(total))
    clerk = staff["clerks"][0]
    job = start_filing(by=clerk, series=series, run_now=True, filed_on=date(2025, 7, 1))
    run_job(job.pk, inline=True)
    rows = generate_rows("financial_loan", 3, seed=14)[0]
    batch, _ = create_batch(
        agent.organisation, court, render(rows, "financial_loan"), "b.csv", by=agent
    )
    docs = {d.pk: d.sha256 for d in StoredDocument.objects.all()}
    assert len(docs) >= 10 and all(d.signed or d.packet_id for d in StoredDocument.objects.all())
    return {"documents": docs, "clerk": clerk.username, "batch": batch.pk}


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of the test's engine: a new SQLite file, or `test_restore_<pid>`."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'jiefen.sqlite3'}"
        return
    import psycopg

    db = connection.settings_dict
    name = f"test_restore_{os.getpid()}"
    params = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db["USER"],
        "password": db.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    try:
        yield f"postgres://{auth}@{params['host']}:{params['port']}/{name}"
    finally:
        with psycopg.connect(**params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def source_env(database_url: str, var_dir: Path) -> dict[str, str]:
    """The running installation: its secret in its keys folder (as `jiefen serve` creates it)."""
    from django.conf import settings

    keys = var_dir / "keys"
    keys.mkdir(mode=0o700, exist_ok=True)
    (keys / "secret_key").write_text(settings.SECRET_KEY + "\n")
    (keys / "secret_key").chmod(0o600)
    env = {**os.environ, "DATABASE_URL": database_url, "JIEFEN_VAR_DIR": str(var_dir)}
    env.pop("JIEFEN_SECRET_KEY", None)  # the key comes from the keys folder, so the backup has it
    env.pop("JIEFEN_DOCUMENT_STORAGE", None)
    env.pop("JIEFEN_DOCUMENT_STORAGE_OPTIONS", None)
    return env


DOWNLOAD_ALL = """
import hashlib, json
from django.test import Client
from jiefen.accounts.models import User
from jiefen.documents.models import StoredDocument
client = Client()
client.force_login(User.objects.get(username="{clerk}"))
out = {{}}
for doc in StoredDocument.objects.order_by("pk"):
    r = client.get(f"/documents/{{doc.pk}}/download/")
    body = b"".join(r.streaming_content)
    out[doc.pk] = [r.status_code, r["X-Content-SHA256"], hashlib.sha256(body).hexdigest()]
# The restored batch resumes from its restored upload (the worker reads it from storage).
from jiefen.intake.actions import process_batch
out["batch_accepted"] = process_batch({batch}).accepted
print(json.dumps(out))
"""


def test_backup_restores_into_a_fresh_database_with_audit_chain_and_hashes(
    filed: dict[str, Any],
    database_url: str,
    var_dir: Path,
    fresh_database_url: str,
    tmp_path: Path,
) -> None:
    env = source_env(database_url, var_dir)
    backup_dir = tmp_path / "backup-1"
    done = jiefen("backup", "--out", str(backup_dir), env=env)
    assert done.returncode == 0, done.stderr
    summary = last_json(done)
    assert summary["ok"] and summary["documents"] == len(filed["documents"])
    assert summary["uploads"] == 1  # the pending batch's upload, needed to resume it
    assert backup_dir.stat().st_mode & 0o777 == 0o700
    assert all(p.stat().st_mode & 0o077 == 0 for p in backup_dir.rglob("*"))
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor
    assert {d["id"]: d["sha256"] for d in manifest["documents"]} == filed["documents"]
    assert "secret_key" in {k["name"] for k in manifest["keys"]}
    assert manifest["counts"]["cases_case"] == 2 and manifest["migrations"]["documents"]

    restored_var = tmp_path / "restored-var"
    target = {**env, "DATABASE_URL": fresh_database_url, "JIEFEN_VAR_DIR": str(restored_var)}
    done = jiefen("restore", str(backup_dir), env=target)
    assert done.returncode == 0, done.stderr + done.stdout
    result = last_json(done)
    assert result["ok"] and result["audit_chain_ok"], result
    assert result["documents_verified"] == len(filed["documents"])
    assert (restored_var / "keys" / "secret_key").read_text() == (
        var_dir / "keys" / "secret_key"
    ).read_text()

    done = jiefen("audit_verify", env=target)
    assert done.returncode == 0 and "审计链完好" in done.stdout, done.stderr
    script = DOWNLOAD_ALL.format(clerk=filed["clerk"], batch=filed["batch"])
    done = jiefen("shell", "-c", script, env=target)
    assert done.returncode == 0, done.stderr
    downloads = last_json(done)
    assert downloads.pop("batch_accepted") == 3
    assert {int(k): v for k, v in downloads.items()} == {
        pk: [200, digest, digest] for pk, digest in filed["documents"].items()
    }


def test_restore_refuses_a_tampered_backup_naming_the_file_and_a_target_with_data(
    filed: dict[str, Any], database_url: str, var_dir: Path, fresh_database_url: str, tmp_path: Path
) -> None:
    env = source_env(database_url, var_dir)
    backup_dir = tmp_path / "backup-2"
    assert jiefen("backup", "--out", str(backup_dir), env=env).returncode == 0
    # Into the live installation itself: it holds data, so no restore without --force.
    done = jiefen("restore", str(backup_dir), env=env)
    assert done.returncode == 1
    assert "已有数据表" in done.stderr and "--force" in done.stderr
    assert StoredDocument.objects.count() == len(filed["documents"])

    manifest = json.loads((backup_dir / "manifest.json").read_text())
    victim = manifest["documents"][1]["name"]
    path = backup_dir / "files" / victim
    path.write_bytes(path.read_bytes().replace(b"%%EOF", b"%%EOF\n% altered", 1))
    target = {**env, "DATABASE_URL": fresh_database_url, "JIEFEN_VAR_DIR": str(tmp_path / "r")}
    done = jiefen("restore", str(backup_dir), "--force", env=target)
    assert done.returncode == 1
    assert victim in done.stderr and "不符" in done.stderr
    # Nothing was restored: no document was written into the target's storage.
    assert "未作任何恢复" in done.stderr
    assert not (tmp_path / "r" / "documents").exists()


def test_tampered_stored_document_makes_the_backup_fail(
    filed: dict[str, Any], database_url: str, var_dir: Path, tmp_path: Path
) -> None:
    doc = StoredDocument.objects.order_by("pk").first()
    assert doc is not None
    doc.absolute_path.write_bytes(doc.absolute_path.read_bytes() + b"%tampered")
    done = jiefen("backup", "--out", str(tmp_path / "b"), env=source_env(database_url, var_dir))
    assert done.returncode == 1
    assert doc.path in done.stderr
    summary = last_json(done)
    assert not summary["ok"] and len(summary["problems"]) == 1
    assert not (tmp_path / "b" / "files" / doc.path).exists()  # never carried into a backup


def test_documents_on_another_storage_backend_are_read_back_verified_and_backed_up(
    make_case: Any,
    staff: Any,
    series: Series,
    settings: Any,
    database_url: str,
    var_dir: Path,
    tmp_path: Path,
    client: Any,
) -> None:
    """A deployment's own backend (here a FileSystemStorage on another root, set like
    JIEFEN_DOCUMENT_STORAGE does): documents go there, are served verified, and back up."""
    elsewhere = tmp_path / "shared-storage"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(elsewhere)},
        },
    }
    make_case(series=series, state=State.AWAITING_FILING, claim_total=Decimal("46234.56"))
    clerk = staff["clerks"][0]
    job = start_filing(by=clerk, series=series, run_now=True, filed_on=date(2025, 7, 1))
    run_job(job.pk, inline=True)
    docs = list(StoredDocument.objects.order_by("pk"))
    assert docs and not (var_dir / "documents").exists()
    for doc in docs:
        assert (elsewhere / doc.path).is_file()
        assert sha256(read_verified(doc.path, doc.sha256)) == doc.sha256
    client.force_login(clerk)
    response = client.get(f"/documents/{docs[0].pk}/download/")
    assert response.status_code == 200 and response["X-Content-SHA256"] == docs[0].sha256

    env = {
        **source_env(database_url, var_dir),
        "JIEFEN_DOCUMENT_STORAGE": "django.core.files.storage.FileSystemStorage",
        "JIEFEN_DOCUMENT_STORAGE_OPTIONS": json.dumps({"location": str(elsewhere)}),
    }
    backup_dir = tmp_path / "backup-4"
    done = jiefen("backup", "--out", str(backup_dir), env=env)
    assert done.returncode == 0, done.stderr
    assert last_json(done)["documents"] == len(docs)
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["storage"] == "django.core.files.storage.FileSystemStorage"
    for doc in docs:  # read from the configured backend, each checked against its row
        assert sha256((backup_dir / "files" / doc.path).read_bytes()) == doc.sha256
