"""How bank systems (and signed-in staff) authenticate to the API.

`BANK_AUTH` is the auth list of every router a bank system calls: a per-institution API token
(`Authorization: Bearer TOKEN`, `jiefen.accounts.tokens`), an agent's HTTP Basic credentials
(kept for systems integrated before tokens existed), or a signed-in session (pages, tests).
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBasicAuth, HttpBearer, django_auth

from jiefen.accounts.backends import locked_message
from jiefen.accounts.models import User


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer TOKEN`: the token's own system account of its institution."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return None  # issue 14 skeleton: filled by jiefen.accounts.tokens


class BankBasicAuth(HttpBasicAuth):
    """Bank systems call with HTTP Basic credentials of an agent (no session, no CSRF token)."""

    def authenticate(self, request: HttpRequest, username: str, password: str) -> User | None:
        user = authenticate(request, username=username, password=password)
        if isinstance(user, User):
            request.user = user
            return user
        locked = locked_message(request)
        if locked:
            raise HttpError(429, locked)
        return None


BANK_AUTH = [ApiTokenAuth(), BankBasicAuth(), django_auth]
