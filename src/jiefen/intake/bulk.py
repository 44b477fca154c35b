"""Set-based inserts for a batch chunk: PostgreSQL `COPY`, SQLite `executemany`.

On PostgreSQL the rows stream through `COPY … FROM STDIN` (psycopg 3 `cursor.copy`), the
fastest way in. `COPY` cannot skip conflicting rows, so a table with a uniqueness that a
concurrent batch may race on (a party's blind index, an institution's contract number) is
copied into a temporary staging table first and moved over with
`INSERT … SELECT … ON CONFLICT DO NOTHING` — the same outcome as SQLite's
`INSERT … ON CONFLICT DO NOTHING` through `executemany`. Everything runs inside the chunk's
transaction; the staging tables go with it (`ON COMMIT DROP`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection


def insert_rows(
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    conflict: Sequence[str] | None = None,
) -> None:
    """Insert `rows` into `table`; with `conflict`, rows clashing on that unique key are skipped."""
    if not rows:
        return
    cols = ", ".join(columns)
    skip = f" ON CONFLICT ({', '.join(conflict)}) DO NOTHING" if conflict else ""
    if connection.vendor != "postgresql":
        marks = ",".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks}){skip}", rows)
        return
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the psycopg 3 cursor under Django's wrapper
        target = table
        if conflict:
            target = f"_jiefen_stage_{table}"
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {target} ON COMMIT DROP AS "
                f"SELECT {cols} FROM {table} WITH NO DATA"
            )
        with cursor.copy(f"COPY {target} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        if conflict:
            cursor.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {target}{skip}")
            cursor.execute(f"TRUNCATE {target}")
