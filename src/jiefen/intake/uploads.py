"""The stored copy of a bank's upload, encrypted at rest (PIPL Art. 51).

A batch file holds every borrower's full ID number and phone; the worker needs the whole file
(it parses it, and a killed worker resumes from it), so it is kept, but only as
AES-256-GCM ciphertext under a key derived from the field key, mode 0600 under a 0700 folder.
A changed file fails to decrypt instead of importing altered rows.

It is kept in the documents storage (`intake/<sha256>.enc`, see documents/storage.py), not on
the web server's disk: the worker that parses it may run on another machine. Batches stored
before that keep their absolute path and are read from it.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.exceptions import InvalidTag
from django.core.files.base import ContentFile

from jiefen.documents.storage import document_storage
from jiefen.privacy import FILE_MAGIC, decrypt_file, encrypt_file

_PURPOSE = "intake-upload"


def save(data: bytes, sha256: str) -> str:
    """Store `data` encrypted as intake/<sha256>.enc; return its storage name.

    The same file twice is written once; two first uploads at once each get a name.
    """
    storage = document_storage()
    name = f"intake/{sha256}.enc"
    if storage.exists(name):
        return name
    return storage.save(name, ContentFile(encrypt_file(data, _PURPOSE)))


class UnreadableUpload(Exception):
    """The stored upload is missing or was changed (message in Chinese)."""


def load(path: str | Path) -> bytes:
    """The upload's clear bytes (files stored before encryption are read as they are)."""
    try:
        if Path(path).is_absolute():  # stored before uploads went through the storage
            blob = Path(path).read_bytes()
        else:
            with document_storage().open(str(path), "rb") as f:
                blob = f.read()
    except OSError:
        raise UnreadableUpload("上传文件的存档已丢失，请重新提交") from None
    if not blob.startswith(FILE_MAGIC):
        return blob
    try:
        return decrypt_file(blob, _PURPOSE)
    except (InvalidTag, ValueError):
        raise UnreadableUpload("上传文件的存档已损坏或被改动，请重新提交") from None
