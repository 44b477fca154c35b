"""Reading the environment in one place."""

import os
from pathlib import Path

# The directory holding the working data (SQLite database, stored documents, keys).
VAR_DIR = Path(os.environ.get("JIEFEN_VAR_DIR", Path.cwd() / "var")).resolve()


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}
