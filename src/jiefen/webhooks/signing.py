"""The signature of a delivery: HMAC-SHA256 of `"{timestamp}." + body` with the subscription's
secret, sent as `X-Jiefen-Signature: sha256=<hex>` beside `X-Jiefen-Timestamp`.

The timestamp is inside what is signed, so a receiver that refuses old timestamps (say older
than 5 minutes) cannot be fed a recorded delivery again; the body is signed byte for byte, so
the receiver must check the raw bytes before parsing the JSON.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
SCHEME = "sha256="


def new_secret() -> str:
    """A fresh signing secret (256 random bits)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `X-Jiefen-Signature` header value for `body` sent at `timestamp` (unix seconds)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return SCHEME + mac.hexdigest()


def verify(
    secret: str, timestamp: str | int, body: bytes, header: str, *, now: int, tolerance: int = 300
) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent (constant time)."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now - ts) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, ts, body), header)
