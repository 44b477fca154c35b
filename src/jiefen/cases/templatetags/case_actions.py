"""Template tags that let case pages draw their buttons from the access layer.

`{% case_events case user as can %}` gives the moves `user` may make on `case` now, by name
(`can.fail_mediation.label`); `{% may_do case user "mediation.sign" as can_sign %}` answers for
an ability that is not a move. Both ask `jiefen.cases.access`, never state or role strings.
"""

from __future__ import annotations

from typing import Any

from django import template

from jiefen.cases import access
from jiefen.cases.models import Case
from jiefen.cases.states import Transition

register = template.Library()


def _acting_user(user: Any) -> Any:
    # An anonymous visitor has no moves; `None` would mean the system, which pages never are.
    return user if getattr(user, "is_authenticated", False) else None


@register.simple_tag
def case_events(case: Case, user: Any) -> dict[str, Transition]:
    acting = _acting_user(user)
    if acting is None:
        return {}
    return {t.name: t for t in access.allowed_events(case, acting)}


@register.simple_tag
def may_do(case: Case, user: Any, name: str) -> bool:
    acting = _acting_user(user)
    return acting is not None and access.may_do(case, acting, name)
