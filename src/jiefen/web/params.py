"""Reading form fields and `next` safely: bad input is a clear Chinese message, never a 500.

Views parse every field before they call an action, so a refused field changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


class BadParam(ValueError):
    """A form field that cannot be read; the message names the field and the reason."""


def _raw(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    return "" if value is None else str(value).strip()


def int_param(
    data: Mapping[str, Any],
    name: str,
    label: str,
    *,
    default: int | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    raw = _raw(data, name)
    if not raw:
        if default is None:
            raise BadParam(f"请填写{label}")
        return default
    if not raw.isdigit() or len(raw) > 9:
        raise BadParam(f"{label}应为整数（收到“{raw[:20]}”）")
    value = int(raw)
    if minimum is not None and value < minimum:
        raise BadParam(f"{label}不能小于{minimum}")
    if maximum is not None and value > maximum:
        raise BadParam(f"{label}不能大于{maximum}")
    return value


def optional_id(data: Mapping[str, Any], name: str, label: str) -> int | None:
    """An object id chosen in a form; empty means none chosen."""
    if not _raw(data, name):
        return None
    return int_param(data, name, label)


def decimal_param(
    data: Mapping[str, Any], name: str, label: str, *, default: str | None = None
) -> Decimal | None:
    """A non-negative amount or percentage with at most two decimals (empty: `default`)."""
    raw = _raw(data, name) or (default or "")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise BadParam(f"{label}应为数字（收到“{raw[:20]}”）") from None
    if not value.is_finite() or value < 0 or value >= Decimal("1e15"):
        raise BadParam(f"{label}应为不小于零的数字")
    if value != value.quantize(Decimal("0.01")):
        raise BadParam(f"{label}最多保留两位小数")
    return value


def date_param(data: Mapping[str, Any], name: str, label: str) -> date | None:
    raw = _raw(data, name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadParam(f"{label}应为日期，格式如 2026-01-31（收到“{raw[:20]}”）") from None


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The POSTed `next` if it is a relative path on this site, else `fallback`.

    Only same-host relative paths pass: no scheme, no other host, no `//evil` or `\\evil`.
    """
    target = str(request.POST.get("next") or "")
    if (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return fallback
