"""Request rate limits on the API and on every login, counted in the database.

A limit that lives in one process's memory (or in a session) is no limit once a court runs
several web workers on several machines, or once a client simply drops its cookie. So every
counted request adds one to a fixed one-minute window per key in `RateCounter`, with a single
atomic upsert (`INSERT … ON CONFLICT DO UPDATE … RETURNING`, PostgreSQL and SQLite ≥ 3.35):
of N concurrent requests each gets its own count, and exactly the limit pass.

What is counted (values in `jiefen.settings.security`):
- the API (`/api/`): each request per credential (the bearer token, the Basic user or the
  signed-in user — identified from the header before the view, without a database lookup) and
  per client address;
- every login — POSTs to the staff and admin login, the borrower portal (case code and its
  one-time code) and the service link's identity check: attempts, right or wrong, per account
  (username, case code, case, link) and per address. The lockout (`jiefen.accounts.throttle`)
  still counts failures for longer; this bounds the rate of tries of any kind.

Over a limit the answer is 429 with `Retry-After`: JSON `{"detail", "retry_after"}` on the
API, a Chinese page elsewhere. A bearer call from an address the lockout has locked (too many
wrong tokens or passwords) is refused the same way before any token is looked at.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from jiefen.accounts.api_auth import RETRY_AFTER_ATTR, too_many
from jiefen.accounts.models import RateCounter
from jiefen.accounts.throttle import address_lock_seconds, client_ip

WINDOW_SECONDS = 60
API_PREFIX = "/api/"
# The login entries (URL names) and how each names the account an attempt is for.
LOGIN_VIEWS = {
    "login": "user",
    "admin:login": "user",
    "mediation:portal": "portal",
    "mediation:portal_verify": "otp",
    "public:link": "link",
}

_purged_window = 0


def _now() -> float:
    return time.time()


def _window(now: float) -> int:
    return int(now // WINDOW_SECONDS) * WINDOW_SECONDS


def _purge(window: int) -> None:
    """Drop finished windows: once per process and window, one indexed delete."""
    global _purged_window
    if _purged_window == window:
        return
    _purged_window = window
    RateCounter.objects.filter(window__lt=window).delete()


def hit(key: str, window: int) -> int:
    """Add one request for `key` in `window`; the count including it (atomic, any process)."""
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    count = connection.ops.quote_name("count")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({connection.ops.quote_name('key')}, "
            f"{connection.ops.quote_name('window')}, {count}) VALUES (%s, %s, 1) "
            f"ON CONFLICT ({connection.ops.quote_name('key')}, {connection.ops.quote_name('window')}) "
            f"DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}",
            [key[:200], window],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def over_limit(limits: list[tuple[str, int]], now: float | None = None) -> int | None:
    """Count one request against each (key, limit); seconds to wait if any is exceeded."""
    now = _now() if now is None else now
    window = _window(now)
    _purge(window)
    over = False
    for key, limit in limits:
        if hit(key, window) > limit:
            over = True
    if not over:
        return None
    return max(1, math.ceil(window + WINDOW_SECONDS - now))


def _api_credential(request: HttpRequest) -> str | None:
    """Who an API call claims to be, read from its headers (no lookup; unknown claims too)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return "token:" + hashlib.sha256(value.encode()).hexdigest()[:32]
    if scheme.lower() == "basic" and value:
        try:
            username = base64.b64decode(value, validate=True).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        return f"user:{username}" if username else None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.get_username()}"
    return None


def _login_account(request: HttpRequest, kind: str, kwargs: dict[str, object]) -> str | None:
    if kind == "user":
        username = request.POST.get("username", "").strip()
        return f"user:{username}" if username else None
    if kind == "portal":
        code = request.POST.get("code", "").strip().upper().replace("-", "")
        return f"portal:{code[:20]}" if code else None
    if kind == "otp":
        from jiefen.mediation.portal import SESSION_PENDING

        pending = request.session.get(SESSION_PENDING) if hasattr(request, "session") else None
        return f"otp:{pending}" if pending else None
    token = kwargs.get("token")
    return f"link:{str(token)[:64]}" if token else None


def _api_refusal(seconds: int) -> JsonResponse:
    response = JsonResponse(
        {"detail": too_many(seconds), "retry_after": seconds},
        status=429,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Retry-After"] = str(seconds)
    return response


def _page_refusal(request: HttpRequest, seconds: int) -> HttpResponse:
    response = render(
        request,
        "web/rate_limited.html",
        {"message": too_many(seconds), "retry_after": seconds},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


class RateLimitMiddleware:
    """Counts API calls and login attempts before the view runs; refuses over the limits."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            seconds = getattr(request, RETRY_AFTER_ATTR, None)
            if seconds:
                response["Retry-After"] = str(seconds)
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[object, ...],
        view_kwargs: dict[str, object],
    ) -> HttpResponse | None:
        ip = client_ip(request)
        if request.path.startswith(API_PREFIX):
            return self._api(request, ip)
        match = request.resolver_match
        kind = LOGIN_VIEWS.get(match.view_name) if match else None
        if kind is None or request.method != "POST":
            return None
        limits = []
        account = _login_account(request, kind, view_kwargs)
        if account:
            limits.append((f"login:{account}", settings.JIEFEN_LOGIN_RATE_PER_MINUTE))
        if ip:
            limits.append((f"login-ip:{ip}", settings.JIEFEN_LOGIN_RATE_PER_MINUTE_PER_IP))
        wait = over_limit(limits)
        return _page_refusal(request, wait) if wait else None

    def _api(self, request: HttpRequest, ip: str | None) -> HttpResponse | None:
        if request.META.get("HTTP_AUTHORIZATION", "")[:7].lower() == "bearer ":
            locked = address_lock_seconds(ip)
            if locked:
                return _api_refusal(locked)
        limits = []
        credential = _api_credential(request)
        if credential:
            limits.append((f"api:{credential}", settings.JIEFEN_API_RATE_PER_MINUTE))
        if ip:
            limits.append((f"api-ip:{ip}", settings.JIEFEN_API_RATE_PER_MINUTE_PER_IP))
        wait = over_limit(limits)
        return _api_refusal(wait) if wait else None
