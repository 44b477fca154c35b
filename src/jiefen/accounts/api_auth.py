"""How bank systems (and signed-in staff) authenticate to the API.

`BANK_AUTH` is the auth list of every router a bank system calls: a per-institution API token
(`Authorization: Bearer TOKEN`, `jiefen.accounts.tokens`), an agent's HTTP Basic credentials
(kept for systems integrated before tokens existed), or a signed-in session (pages, tests).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBasicAuth, HttpBearer, django_auth

from jiefen.accounts import throttle, tokens
from jiefen.accounts.backends import locked_message
from jiefen.accounts.models import User

INVALID_TOKEN = "API 令牌无效、已吊销或已过期"
# Set on the request when a 429 was decided here, so the rate-limit middleware adds Retry-After.
RETRY_AFTER_ATTR = "jiefen_retry_after"


def too_many(seconds: int) -> str:
    return f"请求过于频繁，请 {seconds} 秒后再试"


def _refuse(request: HttpRequest, seconds: int) -> HttpError:
    setattr(request, RETRY_AFTER_ATTR, seconds)
    return HttpError(429, too_many(seconds))


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer TOKEN`: the token's own system account of its institution.

    A wrong token is a failed attempt to prove who one is: it counts in the login lockout of
    its client address (`jiefen.accounts.throttle`), so guessing tokens is bounded like
    guessing passwords; a locked address is refused (429) before its token is looked at
    (`jiefen.accounts.ratelimit`).
    A right token costs one indexed lookup by its hash and writes no lockout row.
    """

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        # A locked address was already refused by the rate-limit middleware (with Retry-After).
        ip = throttle.client_ip(request)
        user = tokens.authenticate(token)
        if user is not None:
            request.user = user
            return user
        prefix = token[: tokens.PREFIX_LENGTH]
        try:
            attempt = throttle.begin("token", f"token:{prefix}", ip)
        except throttle.Locked:
            raise _refuse(request, settings.JIEFEN_LOGIN_LOCKOUT_SECONDS) from None
        throttle.failed(attempt, object_type="api_token", object_id=prefix)
        raise HttpError(401, INVALID_TOKEN)


class BankBasicAuth(HttpBasicAuth):
    """Bank systems call with HTTP Basic credentials of an agent (no session, no CSRF token)."""

    def authenticate(self, request: HttpRequest, username: str, password: str) -> User | None:
        user = authenticate(request, username=username, password=password)
        if isinstance(user, User):
            request.user = user
            return user
        locked = locked_message(request)
        if locked:
            setattr(request, RETRY_AFTER_ATTR, settings.JIEFEN_LOGIN_LOCKOUT_SECONDS)
            raise HttpError(429, locked)
        return None


BANK_AUTH = [ApiTokenAuth(), BankBasicAuth(), django_auth]
