"""`jiefen restore DIR [--force]`: a backup back into the database DATABASE_URL names.

Order matters: first everything that can be checked without touching the target (the manifest,
the engine, the migrations this version knows, every file's SHA-256 in the backup: a tampered
document is named and nothing is restored); then the target must be empty unless `--force`;
then the database, the stored files (through the storage API, so into any backend) and the key
material; finally a fresh process (which reads the restored `secret_key`) verifies the audit
chain and every document's hash (`verify.py`). Exit status 1 on any failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from jiefen.documents.keys import keys_dir
from jiefen.documents.storage import document_storage
from jiefen.operations import database
from jiefen.operations.manifest import (
    FILES,
    KEYS,
    BackupError,
    hash_file,
    hash_stream,
    private_file,
    read,
)


def _check_file(path: Path, entry: dict[str, Any], label: str) -> str | None:
    if not path.is_file():
        return f"{label}缺失：{entry['name']}"
    digest, size = hash_file(path)
    if digest != entry["sha256"] or size != entry["size"]:
        return f"{label}与备份清单登记的 SHA-256 不符（可能已被篡改）：{entry['name']}"
    return None


def check_backup(directory: Path, manifest: dict[str, Any]) -> list[str]:
    """Every file of the backup against the manifest; the problems name the files."""
    db = manifest["database"]
    checks = [(directory / db["file"], {"name": db["file"], **db}, "数据库备份文件")]
    checks += [(directory / FILES / e["name"], e, "文书文件") for e in manifest["documents"]]
    checks += [(directory / FILES / e["name"], e, "上传文件") for e in manifest["uploads"]]
    checks += [(directory / KEYS / e["name"], e, "密钥文件") for e in manifest["keys"]]
    return [p for p in (_check_file(*c) for c in checks) if p]


def check_migrations(manifest: dict[str, Any]) -> None:
    """Refuse a backup made by a newer jiefen (its tables would not match this code)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    unknown = [
        f"{app}.{name}" for app, name in manifest["migrations"].items() if (app, name) not in known
    ]
    if unknown:
        raise BackupError(
            f"备份来自较新版本的 jiefen（{manifest['jiefen_version']}），本版本没有迁移 "
            f"{'、'.join(sorted(unknown))}：请先安装该版本或更新的版本再恢复"
        )


def _put(directory: Path, name: str, *, force: bool) -> str | None:
    """Write one file back into the storage under its own name; return a problem or None."""
    storage = document_storage()
    source = directory / FILES / name
    if storage.exists(name):
        with storage.open(name, "rb") as f:
            same = hash_stream(f)[0] == hash_file(source)[0]
        if same:
            return None
        if not force:
            return f"存储中已有同名而内容不同的文件（未覆盖；确需以备份为准请加 --force）：{name}"
        storage.delete(name)
    with source.open("rb") as f:
        saved = storage.save(name, File(f, name=name))
    if saved != name:
        storage.delete(saved)
        return f"存储未能以原名写入文件：{name}"
    return None


def _put_keys(directory: Path, manifest: dict[str, Any]) -> int:
    """Key files back into JIEFEN_KEYS_DIR; a differing file there is kept aside, never lost."""
    target = keys_dir()
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    for entry in manifest["keys"]:
        dst = target / entry["name"]
        src = directory / KEYS / entry["name"]
        if dst.exists():
            if hash_file(dst)[0] == entry["sha256"]:
                continue
            dst.replace(dst.with_name(f"{dst.name}.before-restore-{stamp}"))
        with private_file(dst) as out, src.open("rb") as f:
            hash_stream(f, out)
    return len(manifest["keys"])


def verify_in_new_process(directory: Path) -> dict[str, Any]:
    """`jiefen restore DIR --verify-only` in a fresh process (the restored keys in effect)."""
    env = {**os.environ, "JIEFEN_VAR_DIR": str(settings.JIEFEN_VAR_DIR)}
    done = subprocess.run(
        [sys.executable, "-m", "jiefen.manage", "restore", str(directory), "--verify-only"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    try:
        result: dict[str, Any] = json.loads(lines[-1])
    except (IndexError, ValueError):
        return {"ok": False, "problems": [f"恢复后的校验未能运行：{done.stderr.strip()[-2000:]}"]}
    return result


def restore(
    directory: Path, *, force: bool, progress: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    manifest = read(directory)
    if not manifest["ok"] and not force:
        raise BackupError(
            "该备份生成时即发现问题（"
            + "；".join(manifest["problems"][:5])
            + "）：默认不恢复；确需恢复请加 --force"
        )
    engine = database.engine()
    database.require_engine(manifest["engine"])
    check_migrations(manifest)
    problems = check_backup(directory, manifest)
    if problems:
        raise BackupError("备份已损坏，未作任何恢复：\n" + "\n".join(problems))
    progress("备份文件已全部校验（SHA-256 与清单一致）")
    label = database.target_label()
    if database.target_has_tables() and not force:
        raise BackupError(
            f"目标数据库（{label}）已有数据表：为免覆盖现有数据，默认不恢复。"
            "请指向一个空数据库（DATABASE_URL），或确认以备份替换其内容后加 --force"
        )
    database.load(directory / manifest["database"]["file"], engine)
    progress(f"数据库已恢复：{label}")
    names = [e["name"] for e in manifest["documents"]] + [e["name"] for e in manifest["uploads"]]
    problems = [p for p in (_put(directory, n, force=force) for n in names) if p]
    progress(f"文件已写回存储：{len(names) - len(problems)} / {len(names)} 份")
    keys = _put_keys(directory, manifest)
    progress(f"密钥材料已恢复：{keys} 个文件（{keys_dir()}）")
    for note in manifest["secrets"]["notice"]:
        progress(f"注意：{note}")
    checked = verify_in_new_process(directory)
    problems += checked.get("problems", [])
    return {
        "name": "restore",
        "ok": not problems,
        "engine": engine,
        "target": label,
        "backup_created_at": manifest["created_at"],
        "documents": len(manifest["documents"]),
        "uploads": len(manifest["uploads"]),
        "keys": keys,
        "audit_records": checked.get("audit_records"),
        "audit_chain_ok": checked.get("audit_chain_ok", False),
        "documents_verified": checked.get("documents_verified", 0),
        "pending_migrations": checked.get("pending_migrations"),
        "problems": problems,
    }
