"""Checking an installation against a backup's manifest: what a restore must prove.

Run in a fresh process after a restore (`jiefen restore DIR --verify-only`), so the restored
`secret_key` is the one in use: the audit hash chain holds (as `jiefen audit_verify`), every
stored document is in the storage with its registered SHA-256, the pending uploads are there,
the main tables have the backup's row counts, and the secret in use is the backup's (else the
encrypted ID and phone numbers cannot be read).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jiefen.documents.storage import document_storage
from jiefen.operations.manifest import CORE_TABLES, hash_stream, key_check

THREADS = 8


def _check(name: str, expected: str) -> str | None:
    try:
        with document_storage().open(name, "rb") as f:
            digest, _ = hash_stream(f)
    except FileNotFoundError:
        return f"存储中缺少文件：{name}"
    if digest != expected:
        return f"文件与登记的 SHA-256 不符：{name}"
    return None


def _check_all(entries: list[tuple[str, str]]) -> list[str]:
    with ThreadPoolExecutor(THREADS) as pool:
        return [p for p in pool.map(lambda e: _check(*e), entries) if p]


def _counts() -> dict[str, int]:
    tables = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for table in CORE_TABLES:
            if table in tables:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                counts[table] = int(cursor.fetchone()[0])
    return counts


def _personal_data_readable() -> str | None:
    from jiefen.cases.models import Party

    try:
        Party.objects.exclude(id_number="").order_by("pk").first()
    except Exception:
        return "加密保存的证件号码无法解密：JIEFEN_FIELD_KEY / JIEFEN_SECRET_KEY 与备份时不同"
    return None


def _pending_migrations() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def verify_installation(manifest: dict[str, Any]) -> dict[str, Any]:
    from jiefen.audit.chain import verify
    from jiefen.documents.models import StoredDocument

    problems: list[str] = []
    checked, broken = verify()
    if broken is not None:
        problems.append(f"审计链断裂：第 {broken.seq} 条记录：{broken.reason}")
    docs = list(StoredDocument.objects.order_by("pk").values_list("path", "sha256"))
    document_problems = _check_all(docs)
    problems += document_problems
    problems += _check_all([(u["name"], u["sha256"]) for u in manifest["uploads"]])
    counts = _counts()
    for table, count in counts.items():
        expected = manifest["counts"].get(table)
        if expected is not None and expected != count:
            problems.append(f"数据表 {table} 有 {count} 行，备份时为 {expected} 行")
    if key_check() != manifest["secrets"]["key_check"]:
        problems.append(
            "当前的 JIEFEN_SECRET_KEY 与备份时不同：证件号码、手机号码的检索索引将失效，"
            "请提供备份时的密钥"
        )
    if unreadable := _personal_data_readable():
        problems.append(unreadable)
    return {
        "ok": not problems,
        "audit_records": checked,
        "audit_chain_ok": broken is None,
        "documents": len(docs),
        "documents_verified": len(docs) - len(document_problems),
        "counts": counts,
        "pending_migrations": _pending_migrations(),
        "problems": problems,
    }
