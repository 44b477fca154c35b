"""Personal data at rest and on screen (PIPL Arts. 28, 51; rule 8 of the architecture).

ID numbers and phone numbers are stored encrypted with AES-256-GCM (an authenticated cipher: a
changed ciphertext fails to decrypt instead of yielding wrong data), each value with its own
random 96-bit nonce; equality lookups use a keyed blind index (HMAC-SHA256) so that
de-duplication never needs the clear value; every page shows them masked unless the role needs
the full value.
"""

import base64
import hashlib
import hmac
import os
import unicodedata
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models

_NONCE = 12


@cache
def _cipher() -> AESGCM:
    key = settings.JIEFEN_FIELD_KEY
    raw = (
        base64.urlsafe_b64decode(key)
        if key
        else hashlib.sha256(("field-key:" + settings.SECRET_KEY).encode()).digest()
    )
    return AESGCM(raw)


@cache
def _file_cipher(purpose: str) -> AESGCM:
    """A key of its own per kind of file, derived from the field key (never the field key)."""
    key = settings.JIEFEN_FIELD_KEY
    root = (
        base64.urlsafe_b64decode(key)
        if key
        else hashlib.sha256(("field-key:" + settings.SECRET_KEY).encode()).digest()
    )
    return AESGCM(hmac.digest(root, f"file:{purpose}".encode(), "sha256"))


FILE_MAGIC = b"JFENC1"


def encrypt_file(data: bytes, purpose: str) -> bytes:
    """magic ‖ nonce ‖ AES-256-GCM(data): a whole file (e.g. a bank's upload) at rest."""
    nonce = os.urandom(_NONCE)
    return FILE_MAGIC + nonce + _file_cipher(purpose).encrypt(nonce, data, purpose.encode())


def decrypt_file(blob: bytes, purpose: str) -> bytes:
    """The clear file; raises `cryptography.exceptions.InvalidTag` if it was changed."""
    if not blob.startswith(FILE_MAGIC):
        raise ValueError("not an encrypted file")
    nonce = blob[len(FILE_MAGIC) : len(FILE_MAGIC) + _NONCE]
    body = blob[len(FILE_MAGIC) + _NONCE :]
    return _file_cipher(purpose).decrypt(nonce, body, purpose.encode())


@cache
def _index_key() -> bytes:
    return hashlib.sha256(("blind-index:" + settings.SECRET_KEY).encode()).digest()


def encrypt(value: str) -> str:
    """urlsafe-base64(nonce ‖ ciphertext ‖ tag); "" stays "" (nothing to protect)."""
    if not value:
        return ""
    nonce = os.urandom(_NONCE)
    return base64.urlsafe_b64encode(nonce + _cipher().encrypt(nonce, value.encode(), None)).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    raw = base64.urlsafe_b64decode(token)
    return _cipher().decrypt(raw[:_NONCE], raw[_NONCE:], None).decode()


def blind_index(value: str) -> str:
    """Keyed hash of a normalised identifier, for uniqueness and look-up without decryption."""
    return hmac.digest(_index_key(), value.strip().upper().encode(), "sha256").hex()


def mask_id_number(value: str) -> str:
    """110105********002X: keep the first 6 (division) and last 4 characters."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """138****1234."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


class EncryptedTextField(models.TextField):
    """A text column stored encrypted (see `encrypt`); Python code sees the clear value."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value


def _normalise_contact(kind: str, value: str) -> str:
    """The form two spellings of one contact share: mobile digits without +86/0086, e-mail in
    lower case, an address in half-width characters without spaces or punctuation."""
    text = unicodedata.normalize("NFKC", value).strip()
    if kind == "mobile":
        digits = "".join(ch for ch in text if ch.isdigit())
        for prefix in ("0086", "86"):
            if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
                return digits[len(prefix) :]
        return digits
    if kind == "email":
        return text.lower()
    if kind == "address":
        return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZC")
    return text


def contact_index(kind: str, value: str) -> str:
    """Blind index of a normalised contact (same HMAC key as `blind_index`), so the risk graph can
    join borrowers sharing a phone or address without decrypting them (PIPL Art. 51); "" for an
    empty value. The kind is part of the hashed text: a phone never matches an address."""
    normalised = _normalise_contact(kind, value)
    if not normalised:
        return ""
    return blind_index(f"{kind}:{normalised}")
