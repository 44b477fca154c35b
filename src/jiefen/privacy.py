"""Personal data at rest and on screen (PIPL Arts. 28, 51; rule 8 of the architecture).

ID numbers and phone numbers are stored encrypted (Fernet); equality lookups use a keyed
blind index (HMAC-SHA256) so that de-duplication never needs the clear value; every page
shows them masked unless the role needs the full value.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import models


@cache
def _fernet() -> Fernet:
    key = settings.JIEFEN_FIELD_KEY
    if not key:
        digest = hashlib.sha256(("field-key:" + settings.SECRET_KEY).encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key.encode())


@cache
def _index_key() -> bytes:
    return hashlib.sha256(("blind-index:" + settings.SECRET_KEY).encode()).digest()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode() if token else ""


def blind_index(value: str) -> str:
    """Keyed hash of a normalised identifier, for uniqueness and look-up without decryption."""
    normalised = value.strip().upper()
    return hmac.new(_index_key(), normalised.encode(), hashlib.sha256).hexdigest()


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
    """A text column stored as a Fernet token; Python code sees the clear value."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
