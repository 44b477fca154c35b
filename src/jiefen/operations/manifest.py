"""The backup directory's layout and its `manifest.json`: what is inside, with every file's SHA-256.

A backup directory holds
  manifest.json            written last: a directory without it is not a finished backup
  database.sqlite3 | database.pgdump   the database (SQLite online backup / `pg_dump -Fc`)
  files/<storage name>     every stored document and pending bank upload, under its storage name
  keys/…                   the key material of JIEFEN_KEYS_DIR (CA, court seals, secret_key)
Secrets given in the environment (JIEFEN_SECRET_KEY, JIEFEN_FIELD_KEY) are never written: the
manifest says which must be supplied again, and carries a check value (a keyed hash of a fixed
text, which reveals nothing of the key) so a restore can tell a wrong secret at once.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any, BinaryIO

from jiefen.files import PRIVATE_DIR, PRIVATE_FILE, ensure_private_dir

FORMAT = "jiefen-backup/1"
MANIFEST = "manifest.json"
FILES = "files"
KEYS = "keys"
DATABASE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_LABEL = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CHUNK = 1 << 20

# Rows a restore must bring back exactly (the counts of every table are in the manifest too).
CORE_TABLES = (
    "accounts_organisation",
    "accounts_user",
    "cases_case",
    "cases_party",
    "documents_storeddocument",
    "audit_auditrecord",
    "intake_batch",
)


class BackupError(Exception):
    """A backup or restore cannot go on (message in Chinese, for the operator)."""


def jiefen_version() -> str:
    try:
        return metadata.version("jiefen")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def hash_stream(stream: Any, copy_to: BinaryIO | None = None) -> tuple[str, int]:
    """SHA-256 and size of a stream read to its end (copied to `copy_to` on the way)."""
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if copy_to is not None:
            copy_to.write(chunk)
    return digest.hexdigest(), size


def hash_file(path: Path) -> tuple[str, int]:
    with path.open("rb") as f:
        return hash_stream(f)


def private_file(path: Path) -> BinaryIO:
    """A new file opened for writing, 0600, its folders 0700 (it must not exist yet)."""
    ensure_private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    return os.fdopen(fd, "wb")


def prepare_out(out: Path) -> Path:
    """The backup directory: new or empty, mode 0700."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(f"备份目录「{out}」已存在且不为空：请为每次备份指定新的目录")
    out.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    out.chmod(PRIVATE_DIR)
    return out


def write(out: Path, manifest: dict[str, Any]) -> None:
    tmp = out / f"{MANIFEST}.part"
    with private_file(tmp) as f:
        f.write(json.dumps(manifest, ensure_ascii=False, indent=2).encode())
    tmp.replace(out / MANIFEST)


def read(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(f"「{directory}」不是完整的备份：缺少 {MANIFEST}")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"备份清单 {MANIFEST} 无法读取：{exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式「{manifest.get('format')}」不受支持（本版本为 {FORMAT}）")
    return manifest


def key_check() -> str:
    """A check value of the keys that derive from the secret (blind index, and the field key
    when it is derived): the blind index of a fixed text. Different secret, different value."""
    from jiefen.privacy import blind_index

    return blind_index("jiefen-backup-key-check")


def secrets_notice(*, secret_from_env: bool, field_key_from_env: bool) -> list[str]:
    notes = []
    if secret_from_env:
        notes.append(
            "JIEFEN_SECRET_KEY 来自环境变量，未写入备份：恢复时必须提供同一密钥，"
            "否则证件号码与手机号码的检索索引（及由其派生的字段密钥）无法使用"
        )
    if field_key_from_env:
        notes.append(
            "JIEFEN_FIELD_KEY 来自环境变量，未写入备份：恢复时必须提供同一密钥，"
            "否则加密保存的证件号码与手机号码无法解密"
        )
    return notes


def names(entries: Iterable[dict[str, Any]]) -> list[str]:
    return [e["name"] for e in entries]
