"""The stored copy of a bank's upload, encrypted at rest (PIPL Art. 51).

A batch file holds every borrower's full ID number and phone; the worker needs the whole file
(it parses it, and a killed worker resumes from it), so it is kept, but only as
AES-256-GCM ciphertext under a key derived from the field key, mode 0600 under a 0700 folder.
A changed file fails to decrypt instead of importing altered rows.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.exceptions import InvalidTag
from django.conf import settings

from jiefen.files import ensure_private_dir, write_private
from jiefen.privacy import FILE_MAGIC, decrypt_file, encrypt_file

_PURPOSE = "intake-upload"


def storage_dir() -> Path:
    return ensure_private_dir(Path(settings.JIEFEN_VAR_DIR) / "intake")


def save(data: bytes, sha256: str) -> Path:
    """Store `data` encrypted as intake/<sha256>.enc; the same file twice is written once."""
    path = storage_dir() / f"{sha256}.enc"
    if not path.exists():
        write_private(path, encrypt_file(data, _PURPOSE))
    return path


class UnreadableUpload(Exception):
    """The stored upload is missing or was changed (message in Chinese)."""


def load(path: str | Path) -> bytes:
    """The upload's clear bytes (files stored before encryption are read as they are)."""
    try:
        blob = Path(path).read_bytes()
    except OSError:
        raise UnreadableUpload("上传文件的存档已丢失，请重新提交") from None
    if not blob.startswith(FILE_MAGIC):
        return blob
    try:
        return decrypt_file(blob, _PURPOSE)
    except (InvalidTag, ValueError):
        raise UnreadableUpload("上传文件的存档已损坏或被改动，请重新提交") from None
