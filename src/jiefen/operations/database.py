"""Dumping and restoring the database named by DATABASE_URL (settings.DATABASES["default"]).

SQLite: the online backup API (`sqlite3.Connection.backup`) copies a consistent snapshot while
the site keeps running (readers and writers wait at most for one page step). PostgreSQL:
`pg_dump -Fc` from PATH, reading an exported snapshot of a REPEATABLE READ transaction; the list
of documents and uploads to copy is read in the same transaction, so the files in a backup are
exactly those its database knows. `pg_dump`/`pg_restore` must be of the server's major version
or newer (Debian: postgresql-client-15 for a version 15 server).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection, transaction

from jiefen.files import PRIVATE_FILE
from jiefen.operations.manifest import DATABASE, ENGINE_LABEL, BackupError, hash_file


@dataclass
class Snapshot:
    """What the dumped database holds: files to copy, migration heads, row counts."""

    documents: list[dict[str, Any]] = field(default_factory=list)
    uploads: list[dict[str, Any]] = field(default_factory=list)
    migrations: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE:
        raise BackupError(f"不支持的数据库类型：{vendor}（仅支持 SQLite 与 PostgreSQL）")
    return vendor


def _settings() -> dict[str, Any]:
    return dict(connection.settings_dict)


def _pg_env() -> dict[str, str]:
    db = _settings()
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": str(db.get("HOST") or "127.0.0.1"),
            "PGPORT": str(db.get("PORT") or 5432),
            "PGUSER": str(db.get("USER") or ""),
            "PGDATABASE": str(db["NAME"]),
        }
    )
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    if sslmode := (db.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = str(sslmode)
    return env


def _run(command: list[str], env: dict[str, str]) -> str:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            f"找不到 {command[0]}：请安装与数据库服务器同一主版本的 PostgreSQL 客户端"
            "（Debian：postgresql-client-15）"
        ) from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{done.stderr.strip()[-2000:]}")
    return done.stdout


def tool_version(tool: str) -> str:
    return _run([tool, "--version"], dict(os.environ)).strip()


def _tables(cursor: Any, vendor: str) -> set[str]:
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
    return {row[0] for row in cursor.fetchall()}


def read_snapshot(cursor: Any, vendor: str) -> Snapshot:
    """The documents, pending uploads, migration heads and counts as the cursor sees them."""
    from jiefen.documents.models import StoredDocument
    from jiefen.intake.models import Batch

    tables = _tables(cursor, vendor)
    snap = Snapshot()
    docs = StoredDocument._meta.db_table
    if docs in tables:
        cursor.execute(f"SELECT id, path, sha256, size FROM {docs} ORDER BY id")
        snap.documents = [
            {"id": i, "name": p, "sha256": h, "size": s} for i, p, h, s in cursor.fetchall()
        ]
    batches = Batch._meta.db_table
    if batches in tables:
        cursor.execute(
            f"SELECT id, stored_path, status FROM {batches} WHERE stored_path <> '' ORDER BY id"
        )
        snap.uploads = [{"batch": i, "name": p, "status": s} for i, p, s in cursor.fetchall()]
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations")
        for app, name in cursor.fetchall():
            snap.migrations[app] = max(name, snap.migrations.get(app, ""))
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in tables and table not in snap.counts:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            snap.counts[table] = int(cursor.fetchone()[0])
    return snap


def dump(out: Path) -> tuple[dict[str, Any], Snapshot]:
    """Write the database into `out`; return its manifest entry and what it holds."""
    vendor = engine()
    target = out / DATABASE[vendor]
    if vendor == "sqlite":
        info, snap = _dump_sqlite(target)
    else:
        info, snap = _dump_postgres(target)
    target.chmod(PRIVATE_FILE)
    digest, size = hash_file(target)
    return {"file": target.name, "sha256": digest, "size": size, **info}, snap


def _dump_sqlite(target: Path) -> tuple[dict[str, Any], Snapshot]:
    source = sqlite3.connect(str(_settings()["NAME"]), timeout=30)
    copy = sqlite3.connect(str(target))
    try:
        source.backup(copy, pages=1024)  # steps of 1,024 pages: writers are not held up long
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        snap = read_snapshot(copy.cursor(), "sqlite")
    finally:
        copy.close()
        source.close()
    return {"tool": f"sqlite3 online backup (SQLite {sqlite3.sqlite_version})"}, snap


def _dump_postgres(target: Path) -> tuple[dict[str, Any], Snapshot]:
    version = tool_version("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot_id, server = cursor.fetchone()
        _run(["pg_dump", "-Fc", f"--snapshot={snapshot_id}", "-f", str(target)], _pg_env())
        snap = read_snapshot(cursor, "postgresql")
    return {"tool": version, "server_version": server}, snap


def target_has_tables() -> bool:
    """Whether the database DATABASE_URL names already holds tables (then restore needs --force)."""
    try:
        return bool(connection.introspection.table_names())
    finally:
        connection.close()


def target_label() -> str:
    db = _settings()
    if engine() == "sqlite":
        return f"SQLite 文件 {db['NAME']}"
    return f"PostgreSQL 数据库 {db['NAME']}（{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}）"


def require_engine(vendor: str) -> None:
    """A dump restores only into the same engine (SQLite → PostgreSQL is refused)."""
    if vendor != engine():
        raise BackupError(
            f"备份来自 {ENGINE_LABEL.get(vendor, vendor)} 数据库，不能恢复到 "
            f"{ENGINE_LABEL[engine()]} 数据库：请将 DATABASE_URL 指向 "
            f"{ENGINE_LABEL.get(vendor, vendor)} 数据库"
        )


def load(source: Path, vendor: str) -> None:
    """Replace the target database's content with the dump at `source`."""
    require_engine(vendor)
    connection.close()
    if vendor == "sqlite":
        name = Path(str(_settings()["NAME"]))
        name.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        live = sqlite3.connect(str(name), timeout=30)
        try:
            backup.backup(live)
            live.execute("PRAGMA journal_mode=WAL")  # as settings/database.py runs it
        finally:
            live.close()
            backup.close()
        name.chmod(PRIVATE_FILE)
        return
    tool_version("pg_restore")
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-acl",
            "--clean",
            "--if-exists",
            "--exit-on-error",
            "-d",
            str(_settings()["NAME"]),
            str(source),
        ],
        _pg_env(),
    )
