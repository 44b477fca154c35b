"""The bank's upload at rest: encrypted (no ID number or phone in clear), owner-only files."""

import io
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jiefen.documents.storage import local_path
from jiefen.intake.actions import process_batch
from jiefen.intake.generator import render
from jiefen.intake.models import Batch

pytestmark = pytest.mark.django_db


def _open_to_others(root: Path) -> list[str]:
    return [
        f"{p.relative_to(root)} {stat.filemode(p.stat().st_mode)}"
        for p in [root, *root.rglob("*")]
        if p.stat().st_mode & 0o077
    ]


def test_an_upload_is_encrypted_and_owner_only(
    client: Any,
    court: Any,
    agent: Any,
    rows: Callable[..., Any],
    intake_dir: Path,
) -> None:
    data = rows(n=4, seed=71)
    client.force_login(agent)
    file = io.BytesIO(render(data, "financial_loan"))
    file.name = "batch.csv"
    assert client.post("/intake/", {"file": file, "court": court.pk}).status_code == 302
    batch = Batch.objects.get()
    stored = local_path(batch.stored_path).read_bytes()
    for row in data:
        assert row["borrower_id"].encode() not in stored
        assert row["borrower_name"].encode() not in stored
    assert _open_to_others(intake_dir) == []
    # The worker still reads it (and a resumed worker too: the stored file is the source).
    assert process_batch(batch.pk).accepted == 4
    assert _open_to_others(intake_dir) == []


def test_a_changed_stored_upload_fails_the_batch_instead_of_importing(
    court: Any, agent: Any, rows: Callable[..., Any], intake_dir: Path
) -> None:
    from jiefen.intake.actions import create_batch

    batch, _ = create_batch(
        agent.organisation, court, render(rows(n=2, seed=72), "financial_loan"), "b.csv", by=agent
    )
    path = local_path(batch.stored_path)
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 1
    path.write_bytes(bytes(blob))
    done = process_batch(batch.pk)
    assert done.status == "failed" and "已损坏或被改动" in done.message
    assert done.accepted == 0
