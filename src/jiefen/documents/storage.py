"""Stored document files, through Django's storage API (`storages["documents"]`), each with its SHA-256.

A deployment chooses where the bytes live (settings/storage.py, `JIEFEN_DOCUMENT_STORAGE`): the
default is `DocumentStorage`, a folder under JIEFEN_VAR_DIR; several machines share it as a
network folder, or use object storage (django-storages' S3 backend) without any code change.
The database keeps the storage *name* (`documents/<folder>/<name>-<random>.<ext>`), never a
machine's absolute path, so every web server and worker finds the same file.

Files are written once and never overwritten: the name carries a random suffix, a name taken
meanwhile gets another one from the backend, and the database row holding the hash is
append-only. Every read that serves or relies on a document checks its SHA-256 first
(`read_verified`): evidence is immutable (architecture rule 7).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils._os import safe_makedirs

from jiefen.files import PRIVATE_DIR, PRIVATE_FILE

_UNSAFE = re.compile(r"[^\w\u4e00-\u9fff.-]+")

ALIAS = "documents"


class DocumentStorage(FileSystemStorage):
    """Files under JIEFEN_VAR_DIR (or `location`), owner-only, written atomically, never replaced.

    The root is read from the settings at each call, not once: a test or a command that points
    JIEFEN_VAR_DIR elsewhere is followed. PIPL Art. 51: the documents name borrowers and carry
    ID numbers, so files are 0600 in 0700 folders. A file appears whole or not at all (written
    under a private temporary name, then hard-linked into place, which fails rather than
    replacing a file of the same name): a reader never sees half a document.
    """

    def __init__(self, location: str | os.PathLike[str] | None = None, **options: Any) -> None:
        options.setdefault("file_permissions_mode", PRIVATE_FILE)
        options.setdefault("directory_permissions_mode", PRIVATE_DIR)
        options["allow_overwrite"] = False
        self._root = location
        super().__init__(location=location, **options)

    @property
    def base_location(self) -> str:
        return str(self._root or settings.JIEFEN_VAR_DIR)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def _save(self, name: str, content: File) -> str:
        full = self.path(name)
        directory = os.path.dirname(full)
        safe_makedirs(directory, PRIVATE_DIR, exist_ok=True)
        tmp = os.path.join(directory, f".{secrets.token_hex(8)}.part")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        try:
            with os.fdopen(fd, "wb") as f:
                for chunk in content.chunks():
                    f.write(chunk if isinstance(chunk, bytes) else chunk.encode())
            while True:
                try:
                    os.link(tmp, full)
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full = self.path(name)
                except OSError as exc:  # a file system without hard links (some network shares)
                    if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
                        raise
                    with open(tmp, "rb") as f:
                        return super()._save(name, File(f))  # type: ignore[misc]
        finally:
            os.unlink(tmp)
        if self.file_permissions_mode is not None:
            os.chmod(full, self.file_permissions_mode)
        return os.path.relpath(full, self.location).replace("\\", "/")


def document_storage() -> Storage:
    """The storage backend of stored documents (settings.STORAGES["documents"])."""
    return storages[ALIAS]


@dataclass(frozen=True)
class StoredFile:
    path: str  # the storage name, e.g. documents/2025/12/受理案件通知书-1a2b3c4d.pdf
    sha256: str
    size: int

    def discard(self) -> None:
        """Remove a file that was never recorded (so it is no evidence), e.g. a lost race."""
        discard(self.path)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store(data: bytes, *, folder: str, name: str, ext: str) -> StoredFile:
    """Write `data` as documents/<folder>/<name>-<random>.<ext>; return its name, hash and size.

    The name returned is the one the backend chose (it never replaces an existing file).
    """
    safe = _UNSAFE.sub("_", name)[:60]
    wanted = f"documents/{folder}/{safe}-{secrets.token_hex(4)}.{ext}"
    saved = document_storage().save(wanted, ContentFile(data))
    return StoredFile(saved, sha256(data), len(data))


def read(path: str) -> bytes:
    """The bytes of the stored file `path` (a storage name; FileNotFoundError if absent)."""
    with document_storage().open(path, "rb") as f:
        data: bytes = f.read()
    return data


def discard(path: str) -> None:
    document_storage().delete(path)


def local_path(path: str) -> Path:
    """The file's path on this machine (local backends only: tests, command-line tools)."""
    return Path(document_storage().path(path))


class TamperedFile(Exception):
    """A stored file's bytes no longer match the SHA-256 registered when it was written."""


class MissingFile(TamperedFile):
    """A registered file is no longer in the storage (evidence lost: never served as empty)."""


def read_verified(path: str, expected_sha256: str) -> bytes:
    """The file's bytes if they still hash to `expected_sha256` (evidence is immutable)."""
    try:
        data = read(path)
    except FileNotFoundError:
        raise MissingFile("文书文件已缺失（需从备份恢复）") from None
    if sha256(data) != expected_sha256:
        raise TamperedFile("文书文件与登记的SHA-256不符，可能已被篡改")
    return data


_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def pdf_pages(data: bytes) -> int:
    """Number of pages of a typst-made PDF (page objects are uncompressed there)."""
    return len(_PAGE.findall(data)) or 1
