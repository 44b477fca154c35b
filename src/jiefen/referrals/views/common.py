"""What both desks' pages ask of access: the referral desk, an ability, the warning page."""

from __future__ import annotations

from django.http import HttpRequest

from jiefen.accounts.models import User
from jiefen.cases import access


def warning_page_open(user: User, warning_id: int) -> bool:
    """Whether the warning's own page opens for `user` (the risk desk; a bank sees its
    borrowers' fraud warnings only through its intervention tasks)."""
    return (
        access.may_open(user, "risk")
        and access.visible_warnings(user).filter(pk=warning_id).exists()
    )


def referral_desk(request: HttpRequest) -> User:
    return access.desk(request.user, "referrals")


def may(user: User, ability: str) -> bool:
    return access.role_refusal(user, ability) is None
