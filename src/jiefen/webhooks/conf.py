"""The webhook settings, each a Django setting if one is defined, else the environment variable.

- `JIEFEN_WEBHOOK_TIMEOUT` (seconds, 10): how long one POST may take to connect and answer.
- `JIEFEN_WEBHOOK_MAX_ATTEMPTS` (8): attempts before a delivery is given up as failed.
- `JIEFEN_WEBHOOK_BACKOFF` (seconds, 60): the wait after the first failure, doubled after each
  further one, at most `JIEFEN_WEBHOOK_BACKOFF_CAP` (seconds, 21600 = 6 h).
- `JIEFEN_WEBHOOK_ALLOW_PRIVATE` (on): whether URLs may point at loopback, private or link-local
  addresses. A court whose bank systems are on the internet turns it off (`0`) so a registered
  URL cannot make jiefen call into the court's own network.
- `JIEFEN_WEBHOOK_SETTLE` (seconds, 300): how long a transaction may take to commit and still
  have its events read (see `actions.collect`).
- `JIEFEN_WEBHOOK_CRON` (`* * * * *`, in `jiefen.settings.tasks`): when the sweep runs.
"""

from __future__ import annotations

from django.conf import settings

from jiefen.settings.env import env


def _value(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    return str(value) if value is not None else env(name, default)


def timeout() -> float:
    return float(_value("JIEFEN_WEBHOOK_TIMEOUT", "10"))


def max_attempts() -> int:
    return max(1, int(_value("JIEFEN_WEBHOOK_MAX_ATTEMPTS", "8")))


def backoff() -> int:
    return max(1, int(_value("JIEFEN_WEBHOOK_BACKOFF", "60")))


def backoff_cap() -> int:
    return max(1, int(_value("JIEFEN_WEBHOOK_BACKOFF_CAP", str(6 * 3600))))


def allow_private() -> bool:
    return _value("JIEFEN_WEBHOOK_ALLOW_PRIVATE", "1").strip().lower() in {"1", "true", "yes", "on"}


def settle() -> int:
    return max(0, int(_value("JIEFEN_WEBHOOK_SETTLE", "300")))
