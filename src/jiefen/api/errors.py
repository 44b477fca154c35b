"""JSON refusals in Chinese for the whole API: validation, unreadable and oversized bodies.

A bank's system reads `detail` (one sentence naming each field and its problem) or `errors`
(the same as a list of {field, reason}); the status code says what kind of refusal it is.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

_LOCATIONS = {"body", "query", "path", "form", "header", "cookie", "file"}

# ninja's own English messages, as the bank should read them.
_MESSAGES = {
    "Cannot parse request body": "请求体无法解析：应为 JSON 对象（Content-Type: application/json）",
    "Unauthorized": "未认证：请使用金融机构经办人的用户名和密码（HTTP Basic）",
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
    }
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
    return api.create_response(request, {"detail": "未找到"}, status=404)


def install(api: NinjaAPI) -> None:
    api.add_exception_handler(ValidationError, partial(_validation, api=api))
    api.add_exception_handler(HttpError, partial(_http_error, api=api))
    api.add_exception_handler(AuthenticationError, partial(_http_error, api=api))
    api.add_exception_handler(RequestDataTooBig, partial(_too_big, api=api))
    api.add_exception_handler(Http404, partial(_not_found, api=api))
