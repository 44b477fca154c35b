"""Database from DATABASE_URL: SQLite (WAL, immediate transactions) by default, PostgreSQL via psycopg 3."""

import os
from pathlib import Path

import dj_database_url

from jiefen.files import ensure_private_dir, restrict_umask
from jiefen.settings.env import VAR_DIR, env

_default_url = f"sqlite:///{VAR_DIR / 'jiefen.sqlite3'}"
_config = dj_database_url.parse(env("DATABASE_URL", _default_url), conn_max_age=0)

# Every command may be the first one run on a fresh clone (`jiefen demo`, `jiefen migrate`, ...):
# the working directory and the SQLite file's folder exist before anything opens them, readable
# by the owner alone (they hold personal data), and so is every file the process creates.
restrict_umask()
ensure_private_dir(VAR_DIR)

if _config["ENGINE"] == "django.db.backends.sqlite3":
    if _config["NAME"] and _config["NAME"] != ":memory:":
        Path(_config["NAME"]).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # IMMEDIATE transactions take the write lock up front, so two writers never read the same
    # audit-chain head; WAL lets readers (the progress page) run while a batch writes.
    _config["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"
        ),
    }
    # A file, not :memory:, so tests can start real subprocesses (task worker, kill -9) on it;
    # one per test process so parallel runs never share it.
    _config["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

DATABASES = {"default": _config}
IS_POSTGRES = _config["ENGINE"] == "django.db.backends.postgresql"
