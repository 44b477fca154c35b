"""A defendant's portal login is a read of the documents placed in their inbox (and an act)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from jiefen.accounts.models import Role


@receiver(user_logged_in, dispatch_uid="jiefen.service.portal_login")
def _portal_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if getattr(user, "role", None) == Role.DEFENDANT and user.party_id:
        from jiefen.service.actions.reads import record_party_read

        record_party_read(user.party_id, "login")
