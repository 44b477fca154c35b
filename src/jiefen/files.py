"""Files under the var directory, readable by their owner alone (PIPL Art. 51: the database,
uploads and documents there hold ID and phone numbers).

`restrict_umask` makes everything this process creates owner-only (the SQLite database and its
WAL files included, which SQLite creates itself); `ensure_private_dir` and `write_private` also
set the modes explicitly, so a directory or file made earlier with wider modes is narrowed.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def restrict_umask() -> None:
    """New files 0600 and directories 0700 for the rest of this process."""
    os.umask(0o077)


def ensure_private_dir(path: Path | str) -> Path:
    """Create `path` (and missing parents) owner-only; narrow it if it exists with wider modes."""
    path = Path(path)
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(PRIVATE_DIR)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (private temporary name, then rename), mode 0600.

    Concurrent writers of the same path each replace it whole, never a half-written file.
    """
    ensure_private_dir(path.parent)
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
