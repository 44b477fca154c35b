"""Template filters that ask `cases.access`, so no template compares role strings.

`{% if user|may_open:"mediation" %}` — the user works at that desk (links, panels);
`{% if user|may:"mediation.set_rule" %}` — the user's role may do that act or move at all
(the action still checks the case's scope and state when the form is sent).
"""

from __future__ import annotations

from django import template

from jiefen.accounts.models import User
from jiefen.cases import access

register = template.Library()


@register.filter
def may_open(user: object, desk_name: str) -> bool:
    return access.may_open(user, desk_name)  # type: ignore[arg-type]


@register.filter
def may(user: object, name: str) -> bool:
    return isinstance(user, User) and access.role_refusal(user, name) is None


@register.filter
def may_use_legal_services(user: object) -> bool:
    return access.may_use_legal_services(user)  # type: ignore[arg-type]
