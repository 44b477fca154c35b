"""Writing document files under `JIEFEN_VAR_DIR/documents`, each with its SHA-256.

Files are written once (temporary name, then an atomic rename) and never overwritten: the
name carries a random suffix, and the database row holding the hash is append-only.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from jiefen.files import write_private

_UNSAFE = re.compile(r"[^\w\u4e00-\u9fff.-]+")


@dataclass(frozen=True)
class StoredFile:
    path: str  # relative to JIEFEN_VAR_DIR
    sha256: str
    size: int

    @property
    def absolute(self) -> Path:
        return Path(settings.JIEFEN_VAR_DIR) / self.path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store(data: bytes, *, folder: str, name: str, ext: str) -> StoredFile:
    """Write `data` to documents/<folder>/<name>-<random>.<ext>; return path, hash and size."""
    safe = _UNSAFE.sub("_", name)[:60]
    rel = f"documents/{folder}/{safe}-{secrets.token_hex(4)}.{ext}"
    write_private(Path(settings.JIEFEN_VAR_DIR) / rel, data)  # 0600 in 0700 folders
    return StoredFile(rel, sha256(data), len(data))


def read(path: str) -> bytes:
    return (Path(settings.JIEFEN_VAR_DIR) / path).read_bytes()


class TamperedFile(Exception):
    """A stored file's bytes no longer match the SHA-256 registered when it was written."""


def read_verified(path: str, expected_sha256: str) -> bytes:
    """The file's bytes if they still hash to `expected_sha256` (evidence is immutable)."""
    data = read(path)
    if sha256(data) != expected_sha256:
        raise TamperedFile("文书文件与登记的SHA-256不符，可能已被篡改")
    return data


_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def pdf_pages(data: bytes) -> int:
    """Number of pages of a typst-made PDF (page objects are uncompressed there)."""
    return len(_PAGE.findall(data)) or 1
