"""Enforcement (执行) pages: the officer's desk and series, one enforcement case, the bank's
recoveries.

Thin views like the other stages: objects come through `cases.access` (an officer sees the cases
assigned to them, a bank its own, 404 for the rest), every write is an action of
`enforcement.actions` and its result — "已处理 N 件" and every refusal with its 执行案号 and reason —
is shown on the next page. This module holds what the page modules share.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.http import HttpRequest

from jiefen.documents.context import figures

# The last bulk result, kept in the session for the page the action redirects to (PRG): a bulk
# refusal list can name thousands of cases, more than a flash message should carry.
_RESULT_KEY = "enforcement_result"


def yuan(amount: Decimal | int | str | None) -> str:
    """12,345.60 (the unit 元 is in the page's wording)."""
    return figures(amount)


def mask_account(identifier: str) -> str:
    """An account, plate or certificate number with only its last 4 characters shown: financial
    accounts are sensitive personal information (个人信息保护法 Art. 28)."""
    value = identifier or ""
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * min(len(value) - 4, 8) + value[-4:]


def posted_ids(request: HttpRequest, name: str) -> list[int]:
    """The ids ticked in a form (anything that is not a plain id is ignored). A page lists at
    most a few hundred rows; "all of the series" is a separate box, never thousands of ids."""
    return list(dict.fromkeys(int(v) for v in request.POST.getlist(name) if v.isdigit()))[:900]


def _without_name(who: str, why: str) -> str:
    """A reason that starts with the case number ("（2026）…执2号：…") beside that number does
    not repeat it."""
    head, sep, tail = why.partition("：")
    return tail if sep and head and head in who else why


def keep_result(
    request: HttpRequest,
    title: str,
    done: int,
    refused: Iterable[tuple[str, str]] = (),
    *,
    unit: str = "件",
    note: str = "",
) -> None:
    """Remember a bulk result for the next page (its result card): what was done and each
    refusal (who, why)."""
    rows = [[who, _without_name(who, why)] for who, why in refused]
    request.session[_RESULT_KEY] = {
        "title": title,
        "done": done,
        "unit": unit,
        "note": note,
        "refused": rows,
    }


def pop_result(request: HttpRequest) -> dict[str, Any] | None:
    """The bulk result kept by the last action, once (a reload does not show it again)."""
    result = request.session.pop(_RESULT_KEY, None)
    return result if isinstance(result, dict) else None
