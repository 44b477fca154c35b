"""REST endpoints of risk early warning (风险预警) for the centre's systems.

- `POST /api/v1/risk/feeds` — push feed records (行政处罚 / 投诉 / 工商登记), the same fields as
  the CSV of the feeds page (docs/risk.md). Bad records are refused one by one with their
  position, field and reason ("第N行「字段」：原因", N = the record's position from 1); the good
  ones are kept; a record already stored (same source and external_id) is left as it is, so
  pushing the same payload twice changes nothing.
- `GET /api/v1/risk/warnings` — the warnings, highest score first, with why they were raised.

Authentication like the intake API (HTTP Basic of a user, or a session), but only a platform
administrator may call them: feeds are the centre's data and warnings name institutions and
borrowers (403 for every other role, 401 without credentials).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from jiefen.accounts.api_auth import BANK_AUTH
from jiefen.accounts.models import User
from jiefen.api.errors import errors
from jiefen.cases import access
from jiefen.risk import actions
from jiefen.risk.models import Warning, WarningKind, WarningState

router = Router(tags=["风险预警"], auth=BANK_AUTH)

# One call carries at most this many records (a day's export of a regulator is far smaller);
# larger pushes are split by the caller so one refusal never discards a huge payload.
MAX_RECORDS = 20_000
MAX_WARNINGS = 5_000

# A value as the CSV would have it: text, or a number the feed's system sent unquoted.
Value = str | int | float | None


class FeedRecordIn(Schema):
    source: Value = Field(
        None, description="penalty 行政处罚 / complaint 投诉 / registration 工商登记"
    )
    external_id: Value = Field(None, description="来源编号（与 source 一起唯一）")
    firm_name: Value = Field(None, description="企业名称")
    uscc: Value = Field(None, description="统一社会信用代码（18位）")
    division_code: Value = Field(None, description="行政区划代码（6位）")
    occurred_on: Value = Field(None, description="发生日期 YYYY-MM-DD")
    detail: Value = Field(None, description="内容（处罚事由、投诉内容）")
    amount: Value = Field(None, description="金额（元）")
    business_scope: Value = Field(None, description="经营范围")
    registered_capital: Value = Field(None, description="注册资本（万元）")


class FeedsIn(Schema):
    records: list[FeedRecordIn] = Field(..., max_length=MAX_RECORDS)


class FeedErrorOut(Schema):
    row: int
    field: str
    reason: str
    message: str


class FeedImportOut(Schema):
    feed_import: int
    rows: int
    accepted: int
    unchanged: int
    errors: list[FeedErrorOut]


class WarningOut(Schema):
    id: int
    kind: str
    kind_label: str
    subject: str
    score: str
    state: str
    state_label: str
    summary: str
    division_code: str
    opened_on: date
    updated_on: date
    closed_on: date | None
    cases: int


def _admin(request: HttpRequest) -> User:
    user = request.user
    # The feeds are the centre's: only the roles that import them (the administrator) may call.
    if not isinstance(user, User) or access.role_refusal(user, "risk.import_feed") is not None:
        raise HttpError(403, "只有平台管理员可以调用风险预警接口")
    return user


@router.post(
    "/risk/feeds",
    response={200: FeedImportOut, **errors(400, 403, 413, 422)},
    summary="推送外部风险数据（平台管理员）",
)
def post_feeds(request: HttpRequest, payload: FeedsIn) -> FeedImportOut:
    """推送外部风险数据（行政处罚、投诉、工商登记）：错误的记录逐条返回，其余照常导入。"""
    user = _admin(request)
    records = [r.model_dump() for r in payload.records]
    try:
        result = actions.import_feed_records(records, by=user, name=f"API（{user.username}）")
    except actions.ActionRefused as exc:
        raise HttpError(403, str(exc)) from None
    return FeedImportOut(
        feed_import=result.pk,
        rows=result.rows,
        accepted=result.accepted,
        unchanged=result.unchanged,
        errors=[
            FeedErrorOut(row=e["row"], field=e["field"], reason=e["reason"], message=e["message"])
            for e in result.errors
        ],
    )


class WarningFilters(Schema):
    kind: WarningKind | None = Field(None, description="预警类型")
    state: WarningState | None = Field(None, description="状态")
    limit: int = Field(500, ge=1, le=MAX_WARNINGS, description="最多返回条数（按风险分从高到低）")


@router.get(
    "/risk/warnings",
    response={200: list[WarningOut], **errors(403, 422)},
    summary="风险预警列表（平台管理员）",
)
def list_warnings(request: HttpRequest, filters: Query[WarningFilters]) -> list[WarningOut]:
    """风险预警列表：类型、对象、风险分、状态、预警理由，按风险分从高到低。"""
    user = _admin(request)
    warnings = access.visible_warnings(user)
    if filters.kind:
        warnings = warnings.filter(kind=filters.kind)
    if filters.state:
        warnings = warnings.filter(state=filters.state)
    rows: list[Warning] = list(
        warnings.annotate(n_cases=Count("cases")).order_by("-score", "-opened_on", "pk")[
            : filters.limit
        ]
    )
    return [
        WarningOut(
            id=w.pk,
            kind=w.kind,
            kind_label=w.get_kind_display(),
            subject=w.subject_name,
            score=f"{Decimal(w.score).quantize(Decimal('0.01'))}",
            state=w.state,
            state_label=w.get_state_display(),
            summary=w.summary,
            division_code=w.division_code,
            opened_on=w.opened_on,
            updated_on=w.updated_on,
            closed_on=w.closed_on,
            cases=w.n_cases,  # type: ignore[attr-defined]
        )
        for w in rows
    ]
