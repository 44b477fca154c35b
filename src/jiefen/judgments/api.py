"""Bank systems: read the computed or signed result of one of their own cases.

`GET /api/v1/judgments/{case_number}` returns the object `jiefen judgment_show --json` prints
(`jiefen.judgments.rules.show`). Same authentication as the intake API (an agent's HTTP Basic
credentials or a session); a case of another bank is 404, like a missing one (access rule 4).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from jiefen.accounts.api_auth import BANK_AUTH
from jiefen.accounts.models import Role
from jiefen.cases.access import visible_cases

router = Router(tags=["裁判结果"], auth=BANK_AUTH)


@router.get("/judgments/{case_number}", response=dict[str, Any])
def judgment(request: HttpRequest, case_number: str) -> dict[str, Any]:
    """判决计算结果（本机构案件）。"""
    from jiefen.judgments.rules import show

    user = request.user
    if getattr(user, "role", None) not in (Role.BANK_AGENT, Role.PLATFORM_ADMIN):
        raise HttpError(404, f"案号{case_number}不存在或无权查看")
    case = visible_cases(user).filter(case_number=case_number).first()
    if case is None:
        raise HttpError(404, f"案号{case_number}不存在或无权查看")
    return show(case)
