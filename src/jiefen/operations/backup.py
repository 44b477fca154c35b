"""`jiefen backup --out DIR`: the database, every stored file and the key material, verified.

Each stored document is read through the storage API (any backend: local folder, network share,
object storage) and its SHA-256 compared with the database row while it is copied: a document
that no longer matches, or is missing, is not copied but named in the manifest's `problems`,
and the command exits 1 (a backup that silently carried a tampered document would pass the
tampering on to the restored installation).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from jiefen.documents.keys import keys_dir
from jiefen.documents.storage import ALIAS, document_storage
from jiefen.operations import database
from jiefen.operations.manifest import (
    FILES,
    FORMAT,
    KEYS,
    hash_stream,
    jiefen_version,
    key_check,
    prepare_out,
    private_file,
    secrets_notice,
    write,
)

THREADS = 8  # object storage answers slowly per request: several files at once
_FINISHED = {"done", "rejected", "failed"}


def _copy(out: Path, entry: dict[str, Any]) -> str | None:
    """Copy one stored file into out/files/<name>; return a problem (Chinese) or None."""
    name = entry["name"]
    target = out / FILES / name
    try:
        with document_storage().open(name, "rb") as source, private_file(target) as copy:
            digest, size = hash_stream(source, copy)
    except FileNotFoundError:
        target.unlink(missing_ok=True)
        return f"文件缺失：{name}"
    expected = entry.get("sha256")
    if expected is not None and digest != expected:
        target.unlink()
        return f"文件与登记的 SHA-256 不符（可能已被篡改），未写入备份：{name}"
    entry["sha256"], entry["size"] = digest, size
    return None


def _copy_all(
    out: Path, entries: list[dict[str, Any]], progress: Callable[[str], None], what: str
) -> list[str | None]:
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda e: _copy(out, e), entries))
    if entries:
        progress(f"已复制并校验{what} {sum(r is None for r in results)} / {len(entries)} 份")
    return results


def _keys(out: Path) -> list[dict[str, Any]]:
    """Every file of the keys folder (CA, court seals, secret_key), with its hash."""
    source = keys_dir()
    entries = []
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        if path.name.endswith(".part"):
            continue
        rel = path.relative_to(source).as_posix()
        target = out / KEYS / rel
        with private_file(target) as copy, path.open("rb") as f:
            digest, size = hash_stream(f, copy)
        entries.append({"name": rel, "sha256": digest, "size": size})
    return entries


def _storage_label() -> str:
    configured: Any = settings.STORAGES
    return str(configured[ALIAS]["BACKEND"])


def make_backup(out: Path, progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Write a complete backup into `out` (new or empty); return its manifest."""
    out = prepare_out(out)
    started = timezone.now()
    db, snap = database.dump(out)
    progress(f"数据库已备份（{db['tool']}）")
    problems: list[str] = []
    warnings: list[str] = []
    for entry, problem in zip(
        snap.documents, _copy_all(out, snap.documents, progress, "文书"), strict=True
    ):
        if problem:
            problems.append(f"文书 {entry['id']}：{problem}")
    uploads = [u for u in snap.uploads if not os.path.isabs(u["name"])]
    for entry, problem in zip(uploads, _copy_all(out, uploads, progress, "上传文件"), strict=True):
        if problem is None:
            continue
        # A finished batch never reads its upload again; a pending one needs it to resume.
        (warnings if entry["status"] in _FINISHED else problems).append(
            f"批次 {entry['batch']} 的上传文件：{problem}"
        )
    copied_uploads = [u for u in uploads if "sha256" in u]
    keys = _keys(out)
    progress(f"密钥材料已备份：{len(keys)} 个文件（{keys_dir()}）")
    secret_from_env = bool(os.environ.get("JIEFEN_SECRET_KEY"))
    field_from_env = bool(os.environ.get("JIEFEN_FIELD_KEY"))
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "ok": not problems,
        "created_at": started.isoformat(),
        "finished_at": timezone.now().isoformat(),
        "jiefen_version": jiefen_version(),
        "engine": database.engine(),
        "database": db,
        "migrations": snap.migrations,
        "counts": snap.counts,
        "storage": _storage_label(),
        "documents": snap.documents,
        "uploads": copied_uploads,
        "keys": keys,
        "secrets": {
            "secret_key": "environment" if secret_from_env else "keys/secret_key",
            "field_key": "environment" if field_from_env else "derived from secret key",
            "key_check": key_check(),
            "notice": secrets_notice(
                secret_from_env=secret_from_env, field_key_from_env=field_from_env
            ),
        },
        "problems": problems,
        "warnings": warnings,
    }
    write(out, manifest)
    return manifest


def summary(manifest: dict[str, Any], out: Path) -> dict[str, Any]:
    """The one-line JSON the command prints last."""
    return {
        "name": "backup",
        "ok": manifest["ok"],
        "out": str(out),
        "engine": manifest["engine"],
        "documents": len(manifest["documents"]),
        "uploads": len(manifest["uploads"]),
        "keys": len(manifest["keys"]),
        "bytes": _size(out.rglob("*")),
        "problems": manifest["problems"],
        "secrets_to_supply": manifest["secrets"]["notice"],
    }


def _size(paths: Iterable[Path]) -> int:
    return sum(p.stat().st_size for p in paths if p.is_file())


def remove_incomplete(out: Path) -> None:
    """After a failure before the manifest: remove what was written (no half backup left)."""
    for child in out.iterdir() if out.is_dir() else []:
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
