"""Audit records of logins and failed logins (a court must be able to say who used an account).

Django sends `user_logged_in` from `login()` and `user_login_failed` from `authenticate()` for
every entry (login page, admin, HTTP Basic); both are recorded here with the client address.
Passwords never reach the payload (Django removes them from the credentials it sends).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from jiefen.accounts.backends import locked_message
from jiefen.accounts.throttle import client_ip
from jiefen.audit.chain import append


@receiver(user_logged_in, dispatch_uid="jiefen.audit.login")
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    with transaction.atomic():
        append(
            actor_id=user.pk,
            action="auth.login",
            object_type="account",
            object_id=user.pk,
            payload={"ip": client_ip(request)},
        )


@receiver(user_login_failed, dispatch_uid="jiefen.audit.login_failed")
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    with transaction.atomic():
        append(
            actor_id=None,
            action="auth.login_failed",
            object_type="account",
            object_id=username[:40],
            payload={
                "username": username,
                "ip": client_ip(request),
                "locked": bool(locked_message(request)),
            },
        )
