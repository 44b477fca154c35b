"""The authentication backend: Django's model backend under the database-counted lockout.

Every password check goes through here: the login page, the admin login and the intake API's
HTTP Basic credentials (`django.contrib.auth.authenticate`). A locked account or address is
refused before its password is checked, also when the password is right.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from jiefen.accounts import throttle
from jiefen.accounts.models import User

# Set on the request when the lockout refused it, so forms and the API can say so.
LOCKED_ATTR = "jiefen_login_locked"


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        try:
            return throttle.guarded(
                "staff",
                f"user:{username}",
                throttle.client_ip(request),
                lambda: super(ThrottledModelBackend, self).authenticate(
                    request, username=username, password=password, **kwargs
                ),
            )
        except throttle.Locked as exc:
            if request is not None:
                setattr(request, LOCKED_ATTR, str(exc))
            raise PermissionDenied(str(exc)) from None


def locked_message(request: HttpRequest | None) -> str | None:
    """The lockout message if the last authentication of this request was refused by it."""
    return getattr(request, LOCKED_ATTR, None)
