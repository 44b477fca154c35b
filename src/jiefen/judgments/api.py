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
from jiefen.api.errors import Text, errors
from jiefen.cases.access import may_open, visible_cases
from jiefen.law.errors import LawError

router = Router(tags=["裁判结果"], auth=BANK_AUTH)


@router.get(
    "/judgments/{case_number}",
    response={200: dict[str, Any], **errors(404, 409, 422)},
    summary="裁判结果（即 jiefen judgment_show 的对象）",
)
def judgment(request: HttpRequest, case_number: Text) -> dict[str, Any]:
    """判决计算结果（本机构案件）：已有裁判文书的为法官签发时的计算，否则为按现有要素的计算；
    `state` 为案件当前状态。案号须 URL 编码；要素不全无法计算时返回 409。"""
    from jiefen.judgments.rules import show

    user = request.user
    if not may_open(user, "judgment_results"):
        raise HttpError(404, f"案号{case_number}不存在或无权查看")
    case = visible_cases(user).filter(case_number=case_number).first()
    if case is None:
        raise HttpError(404, f"案号{case_number}不存在或无权查看")
    try:
        return show(case)
    except LawError as exc:
        raise HttpError(409, f"案号{case_number}的裁判结果无法计算：{exc}") from None
