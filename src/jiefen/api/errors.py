"""JSON refusals in Chinese for the whole API: validation, unreadable and oversized bodies.

A bank's system reads `detail` (one sentence naming each field and its problem) or `errors`
(the same as a list of {field, reason}); the status code says what kind of refusal it is.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import AfterValidator, Field


class FieldError(Schema):
    """One refused field: where it is (`rows.3.amount`) and why, in Chinese."""

    field: str
    reason: str


class Error(Schema):
    """Every refusal of the API: `detail` in Chinese; `errors` per field on 422; `retry_after` on 429."""

    detail: str
    errors: list[FieldError] | None = None
    retry_after: int | None = None


# Every bank-facing route can be refused for missing or bad credentials (401) and for too many
# requests (429: the rate limit or the login lockout), whatever its parameters.
ALWAYS = (401, 429)


def errors(*codes: int) -> dict[int, type[Error]]:
    """The refusals of a route for its `response=` mapping: `{200: X, **errors(404, 422)}`."""
    return {code: Error for code in sorted({*ALWAYS, *codes})}


class Unprintable(ValueError):
    """Text no database column can hold: a NUL byte or half of a UTF-16 surrogate pair."""


UNPRINTABLE = "含有无法保存的控制字符（NUL）或无效的 Unicode 字符"


def _printable(value: str) -> str:
    if "\x00" in value or any("\ud800" <= c <= "\udfff" for c in value):
        raise Unprintable(UNPRINTABLE)
    return value


# A string parameter or field that goes into a query or a row (PostgreSQL refuses NUL bytes,
# UTF-8 refuses lone surrogates: without this they would be server errors, not refusals).
Text = Annotated[str, AfterValidator(_printable)]

# An id in a filter: within the database's 64-bit integers (a larger one would be a server error
# in the query, not "no such object").
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


_LOCATIONS = {"body", "query", "path", "form", "header", "cookie", "file"}

# ninja's own English messages, as the bank should read them.
_MESSAGES = {
    "Cannot parse request body": "请求体无法解析：应为 JSON 对象（Content-Type: application/json）",
    "Unauthorized": "未认证：请以 Authorization: Bearer 提供本机构的 API 令牌"
    "（或经办人的用户名和密码，HTTP Basic）",
    "Forbidden": "无权访问",
    "CSRF check Failed": "CSRF 校验失败：系统对接请使用 HTTP Basic 认证",
    "Too many requests.": "请求过于频繁，请稍后再试",
}


def _field(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    while parts and parts[0] in _LOCATIONS:
        parts.pop(0)
    return ".".join(parts) or "请求"


def _reason(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    reasons = {
        "missing": "必填",
        "int_parsing": "应为整数",
        "int_type": "应为整数",
        "int_from_float": "应为整数",
        "float_parsing": "应为数字",
        "decimal_parsing": "应为数字",
        "bool_parsing": "应为 true 或 false",
        "string_type": "应为字符串",
        "list_type": "应为数组",
        "dict_type": "应为 JSON 对象",
        "model_type": "应为 JSON 对象",
        "model_attributes_type": "应为 JSON 对象",
        "json_invalid": "不是有效的 JSON",
        "greater_than_equal": f"不能小于 {ctx.get('ge')}",
        "greater_than": f"应大于 {ctx.get('gt')}",
        "less_than_equal": f"不能大于 {ctx.get('le')}",
        "less_than": f"应小于 {ctx.get('lt')}",
        "string_too_long": f"过长（上限 {ctx.get('max_length')} 个字符）",
        "string_too_short": f"过短（至少 {ctx.get('min_length')} 个字符）",
        "too_long": f"过多（上限 {ctx.get('max_length')} 项）",
        "too_short": f"过少（至少 {ctx.get('min_length')} 项）",
        "enum": f"应为以下之一：{ctx.get('expected')}",
        "literal_error": f"应为以下之一：{ctx.get('expected')}",
        "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
        "date_parsing": "应为日期（YYYY-MM-DD）",
        "date_type": "应为日期（YYYY-MM-DD）",
        "finite_number": "应为有限的数字",
        "decimal_max_digits": f"位数过多（最多 {ctx.get('max_digits')} 位）",
        "decimal_max_places": f"小数位过多（最多 {ctx.get('decimal_places')} 位）",
        "decimal_whole_digits": "整数部分位数过多",
        "decimal_type": "应为数字",
    }
    if kind == "value_error" and str(ctx.get("error")) == UNPRINTABLE:  # ninja makes it a str
        return UNPRINTABLE
    return reasons.get(kind, "格式不正确")


def _validation(request: HttpRequest, exc: ValidationError, api: NinjaAPI) -> HttpResponse:
    errors = [{"field": _field(e.get("loc", ())), "reason": _reason(e)} for e in exc.errors]
    detail = "；".join(f"{e['field']}：{e['reason']}" for e in errors)
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def _http_error(request: HttpRequest, exc: HttpError, api: NinjaAPI) -> HttpResponse:
    message = str(exc)
    for english, chinese in _MESSAGES.items():
        if message.startswith(english):
            message = chinese
            break
    return api.create_response(request, {"detail": message}, status=exc.status_code)


def _too_big(request: HttpRequest, exc: RequestDataTooBig, api: NinjaAPI) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024 // 1024
    return api.create_response(
        request,
        {"detail": f"请求体过大（上限 {limit} MB）。大批量数据请以文件提交：POST /api/v1/batches"},
        status=413,
    )


def _not_found(request: HttpRequest, exc: Http404, api: NinjaAPI) -> HttpResponse:
    # The access layer's message says what was looked for, never whether it exists elsewhere.
    message = str(exc) if exc.args and str(exc) else ""
    detail = f"未找到：{message}" if message else "未找到"
    return api.create_response(request, {"detail": detail}, status=404)


def install(api: NinjaAPI) -> None:
    api.add_exception_handler(ValidationError, partial(_validation, api=api))
    api.add_exception_handler(HttpError, partial(_http_error, api=api))
    api.add_exception_handler(AuthenticationError, partial(_http_error, api=api))
    api.add_exception_handler(RequestDataTooBig, partial(_too_big, api=api))
    api.add_exception_handler(Http404, partial(_not_found, api=api))
