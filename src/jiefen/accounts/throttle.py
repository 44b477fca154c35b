"""Lockout after repeated failures to prove who one is, counted in the database.

Every attempt (staff password, HTTP Basic, the borrower portal's case code + ID digits, a
one-time code) first writes a `LoginAttempt` row, then counts the rows of its account (or case)
and of its client address within the lockout window; only then are the credentials checked.
Right credentials delete the account's rows; wrong ones leave theirs. Because each attempt is
committed before it counts, N concurrent guesses on several workers see each other: at most
`JIEFEN_LOGIN_MAX_FAILURES` of them are ever checked per window, whatever the sessions,
processes or machines (the portal's old per-session counter gave 100 tries in 6 seconds).

This module is the one writer of `LoginAttempt` rows and of the audit records of lockouts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from jiefen.accounts.models import LoginAttempt
from jiefen.audit.chain import append


class Locked(Exception):
    """Too many failures: the attempt was not checked (the message is for the user, Chinese)."""


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or behind a trusted reverse proxy the last address of
    X-Forwarded-For that is not one of the proxies (`JIEFEN_TRUSTED_PROXIES`). The header is
    believed only from those proxies: a client could write anything in it."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.JIEFEN_TRUSTED_PROXIES
    if remote not in proxies:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed(forwarded):
        if address and address not in proxies:
            return address
    return remote


def _window() -> timedelta:
    return timedelta(seconds=settings.JIEFEN_LOGIN_LOCKOUT_SECONDS)


def address_lock_seconds(ip: str | None) -> int | None:
    """Seconds until `ip` may try again if it has too many failures in the window, else None."""
    if not ip:
        return None
    window = _window()
    recent = LoginAttempt.objects.filter(ip=ip, at__gt=timezone.now() - window)
    limit = settings.JIEFEN_LOGIN_MAX_FAILURES_PER_IP
    if recent.count() < limit:
        return None
    # The address is free again when all but limit-1 of its failures have left the window.
    times = list(recent.order_by("-at").values_list("at", flat=True)[:limit])
    free_at = times[-1] + window
    return max(1, math.ceil((free_at - timezone.now()).total_seconds()))


def lockout_message(scope: str) -> str:
    minutes = max(1, settings.JIEFEN_LOGIN_LOCKOUT_SECONDS // 60)
    if scope == "staff":
        return f"登录失败次数过多，账户已暂时锁定，请 {minutes} 分钟后再试。"
    if scope == "service_link":
        return f"尝试次数过多，已暂时锁定，请 {minutes} 分钟后再试，或联系送达短信中的人民法院。"
    return f"尝试次数过多，已暂时锁定，请 {minutes} 分钟后再试或联系调解员。"


def _counts(scope: str, key: str, ip: str | None) -> tuple[int, int]:
    since = timezone.now() - _window()
    recent = LoginAttempt.objects.filter(at__gt=since)
    by_key = recent.filter(scope=scope, key=key).count()
    by_ip = recent.filter(ip=ip).count() if ip else 0
    return by_key, by_ip


def begin(scope: str, key: str, ip: str | None) -> LoginAttempt:
    """Register an attempt before the credentials are checked; raise `Locked` if over a limit."""
    now = timezone.now()
    LoginAttempt.objects.filter(at__lt=now - _window()).delete()  # no longer count for anything
    attempt = LoginAttempt.objects.create(scope=scope, key=key[:160], ip=ip, at=now)
    by_key, by_ip = _counts(scope, attempt.key, ip)
    if by_key > settings.JIEFEN_LOGIN_MAX_FAILURES or (
        ip and by_ip > settings.JIEFEN_LOGIN_MAX_FAILURES_PER_IP
    ):
        attempt.delete()  # not checked, so not a failure: the lockout does not grow
        raise Locked(lockout_message(scope))
    return attempt


def succeeded(attempt: LoginAttempt) -> None:
    """Right credentials: the account's (or case's) failures are forgiven."""
    LoginAttempt.objects.filter(scope=attempt.scope, key=attempt.key).delete()


def failed(attempt: LoginAttempt, *, object_type: str = "account", object_id: object = "") -> None:
    """Wrong credentials: the row stays; the failure that reaches a limit is audited once."""
    by_key, by_ip = _counts(attempt.scope, attempt.key, attempt.ip)
    reasons = []
    if by_key == settings.JIEFEN_LOGIN_MAX_FAILURES:
        reasons.append("account")
    if attempt.ip and by_ip == settings.JIEFEN_LOGIN_MAX_FAILURES_PER_IP:
        reasons.append("address")
    if reasons:
        with transaction.atomic():
            append(
                actor_id=None,
                action="auth.locked",
                object_type=object_type,
                object_id=object_id or attempt.key,
                payload={
                    "scope": attempt.scope,
                    "by": reasons,
                    "ip": attempt.ip,
                    "minutes": settings.JIEFEN_LOGIN_LOCKOUT_SECONDS // 60,
                },
            )


def guarded[T](
    scope: str,
    key: str,
    ip: str | None,
    check: Callable[[], T | None],
    *,
    object_type: str = "account",
    object_id: object = "",
) -> T | None:
    """Run `check` (returns a result, or None for wrong credentials) under the lockout."""
    attempt = begin(scope, key, ip)
    result = check()
    if result is None:
        failed(attempt, object_type=object_type, object_id=object_id)
    else:
        succeeded(attempt)
    return result
