"""The documents storage: evidence is written whole, owner-only, and never replaced."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jiefen.documents.storage import (
    MissingFile,
    TamperedFile,
    document_storage,
    local_path,
    read_verified,
    store,
)


def test_a_stored_file_is_owner_only_and_a_name_is_never_reused(var_dir: Path) -> None:
    first = store(b"%PDF-1 first", folder="2025/1", name="受理案件通知书", ext="pdf")
    assert first.path.startswith("documents/2025/1/受理案件通知书-") and first.path.endswith(".pdf")
    assert local_path(first.path) == var_dir / first.path
    # The same name asked for twice: the second file gets another name, the first is intact.
    again = document_storage().save(first.path, _content(b"%PDF-1 second"))
    assert again != first.path
    assert read_verified(first.path, first.sha256) == b"%PDF-1 first"
    for path in (var_dir / first.path, var_dir / "documents", var_dir / "documents/2025"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    assert not [p for p in (var_dir / first.path).parent.iterdir() if p.name.endswith(".part")]


def test_a_changed_or_missing_file_is_never_served(var_dir: Path) -> None:
    stored = store(b"%PDF-1 evidence", folder="x", name="判决书", ext="pdf")
    local_path(stored.path).write_bytes(b"%PDF-1 altered")
    with pytest.raises(TamperedFile, match="SHA-256"):
        read_verified(stored.path, stored.sha256)
    local_path(stored.path).unlink()
    with pytest.raises(MissingFile, match="缺失"):
        read_verified(stored.path, stored.sha256)


def test_a_wrong_storage_setting_stops_with_a_chinese_message(tmp_path: Path) -> None:
    env: dict[str, Any] = {
        **os.environ,
        "JIEFEN_VAR_DIR": str(tmp_path),
        "JIEFEN_DOCUMENT_STORAGE": "django.core.files.storage.FileSystemStorage",
        "JIEFEN_DOCUMENT_STORAGE_OPTIONS": "{location: nowhere",
    }
    done = subprocess.run(
        [sys.executable, "-c", "import jiefen.settings"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0 and "JIEFEN_DOCUMENT_STORAGE_OPTIONS 不是有效的 JSON" in done.stderr


def _content(data: bytes) -> Any:
    from django.core.files.base import ContentFile

    return ContentFile(data)
