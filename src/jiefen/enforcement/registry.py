"""The asset registries' online inquiry and control service (网络执行查控) as jiefen sees it.

A court's enforcement officers do not visit banks and land registries one by one: the court is
connected to the SPC's network inquiry and control system (最高人民法院网络执行查控系统, see
最高人民法院关于网络查询、冻结被执行人存款的规定 法释〔2013〕20号 and 民诉法 Art. 253), which
forwards an inquiry of many debtors to the banks, the vehicle, real-estate and securities
registries and answers later (asynchronously) with what they hold. Through the same channel the
court orders a freeze (冻结), a deduction (扣划) or a seizure (查封) and lifts it (解除).

`AssetRegistry` is that service's contract; `HttpRegistry` speaks the JSON protocol in
docs/registry.md (served locally by `jiefen registry_simulator`). A hit carries the holder's ID
number *as the registry has it*: a hit whose `holder_id_number` differs from the debtor's is a
name-only hit, which jiefen stores with `matched=False` and never acts on.
"""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

MAX_SUBJECTS = 10_000  # subjects per inquiry request (the protocol's limit; callers chunk)
MAX_ORDERS = 10_000  # freeze/deduction orders per request (the client chunks these itself)


class RegistryUnavailable(Exception):
    """The registry could not be reached or refused the request; the message is in Chinese.
    `status` is the HTTP status when the service answered (401, 404, 413 …), else None."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Subject:
    """One person or company to look up. `reference` comes back on every hit (f"inq:{pk}")."""

    reference: str
    name: str
    id_number: str


@dataclass(frozen=True)
class Hit:
    """One asset a registry holds for a subject, with the holder as that registry records it."""

    subject_reference: str
    kind: str  # jiefen.enforcement.models.AssetKind values
    registry: str
    identifier: str
    description: str
    value: Decimal  # balance of a deposit / wages account, or the registered value
    holder_name: str
    holder_id_number: str
    hit_reference: str  # unique; what freeze and deduction orders name


@dataclass(frozen=True)
class Answer:
    request_reference: str
    ready: bool
    hits: tuple[Hit, ...] = ()


@dataclass(frozen=True)
class FreezeOrder:
    order_reference: str  # jiefen's, unique per order: sending it again is answered the same
    hit_reference: str
    amount: Decimal
    until: date


@dataclass(frozen=True)
class FreezeResult:
    order_reference: str
    frozen: Decimal
    registry_reference: str  # what `unfreeze` names
    error: str = ""


@dataclass(frozen=True)
class DeductOrder:
    order_reference: str
    hit_reference: str
    amount: Decimal


@dataclass(frozen=True)
class DeductResult:
    order_reference: str
    deducted: Decimal
    registry_reference: str
    error: str = ""


class AssetRegistry(Protocol):
    def submit(self, subjects: Sequence[Subject], *, as_of: date) -> str:
        """Send one inquiry of at most MAX_SUBJECTS subjects; return the request reference."""
        ...

    def answer(self, request_reference: str) -> Answer:
        """The registries' answer; `ready=False` while they have not all answered."""
        ...

    def freeze(self, orders: Sequence[FreezeOrder]) -> list[FreezeResult]: ...

    def deduct(self, orders: Sequence[DeductOrder]) -> list[DeductResult]: ...

    def unfreeze(self, registry_references: Sequence[str]) -> None: ...


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise RegistryUnavailable(f"查控系统不可用：金额格式错误（{value!r}）") from exc


class HttpRegistry:
    """`AssetRegistry` over HTTP+JSON (urllib, no dependency). Every failure of the wire or an
    HTTP error status raises `RegistryUnavailable` with the service's own message when it has
    one; nothing is retried here (the callers' sweeps retry on their next run)."""

    def __init__(self, base_url: str, token: str, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(
            self.base_url + path,
            data=None if payload is None else json.dumps(payload, ensure_ascii=False).encode(),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.token}",
                "Accept": "application/json",
            },
            method=method,
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            detail = ""
            with contextlib.suppress(ValueError, AttributeError, OSError):
                detail = str(json.loads(exc.read()).get("error", ""))
            raise RegistryUnavailable(
                f"查控系统不可用：HTTP {exc.code}" + (f"（{detail}）" if detail else ""),
                status=exc.code,
            ) from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RegistryUnavailable(f"查控系统不可用：{reason}") from exc

    def submit(self, subjects: Sequence[Subject], *, as_of: date) -> str:
        if len(subjects) > MAX_SUBJECTS:
            raise ValueError(f"一次查询最多 {MAX_SUBJECTS} 个被查询人，本次 {len(subjects)} 个")
        body = self._call(
            "POST",
            "/api/inquiries",
            {
                "as_of": as_of.isoformat(),
                "subjects": [
                    {"reference": s.reference, "name": s.name, "id_number": s.id_number}
                    for s in subjects
                ],
            },
        )
        try:
            return str(body["request"])
        except (KeyError, TypeError) as exc:
            raise RegistryUnavailable("查控系统不可用：未返回查询批次号") from exc

    def answer(self, request_reference: str) -> Answer:
        body = self._call("GET", f"/api/inquiries/{urllib.parse.quote(request_reference)}")
        try:
            if not body.get("ready"):
                return Answer(request_reference, ready=False)
            hits = tuple(
                Hit(
                    subject_reference=str(h["subject"]),
                    kind=str(h["kind"]),
                    registry=str(h["registry"]),
                    identifier=str(h["identifier"]),
                    description=str(h.get("description", "")),
                    value=_decimal(h["value"]),
                    holder_name=str(h["holder_name"]),
                    holder_id_number=str(h["holder_id_number"]),
                    hit_reference=str(h["hit"]),
                )
                for h in body["hits"]
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise RegistryUnavailable(f"查控系统不可用：反馈格式错误（{exc}）") from exc
        return Answer(request_reference, ready=True, hits=hits)

    def freeze(self, orders: Sequence[FreezeOrder]) -> list[FreezeResult]:
        results: list[FreezeResult] = []
        for start in range(0, len(orders), MAX_ORDERS):
            chunk = orders[start : start + MAX_ORDERS]
            body = self._call(
                "POST",
                "/api/freezes",
                {
                    "orders": [
                        {
                            "order": o.order_reference,
                            "hit": o.hit_reference,
                            "amount": str(o.amount),
                            "until": o.until.isoformat(),
                        }
                        for o in chunk
                    ]
                },
            )
            try:
                results += [
                    FreezeResult(
                        order_reference=str(r["order"]),
                        frozen=_decimal(r["frozen"]),
                        registry_reference=str(r.get("registry_reference", "")),
                        error=str(r.get("error", "")),
                    )
                    for r in body["results"]
                ]
            except (KeyError, TypeError) as exc:
                raise RegistryUnavailable(f"查控系统不可用：反馈格式错误（{exc}）") from exc
        return results

    def deduct(self, orders: Sequence[DeductOrder]) -> list[DeductResult]:
        results: list[DeductResult] = []
        for start in range(0, len(orders), MAX_ORDERS):
            chunk = orders[start : start + MAX_ORDERS]
            body = self._call(
                "POST",
                "/api/deductions",
                {
                    "orders": [
                        {
                            "order": o.order_reference,
                            "hit": o.hit_reference,
                            "amount": str(o.amount),
                        }
                        for o in chunk
                    ]
                },
            )
            try:
                results += [
                    DeductResult(
                        order_reference=str(r["order"]),
                        deducted=_decimal(r["deducted"]),
                        registry_reference=str(r.get("registry_reference", "")),
                        error=str(r.get("error", "")),
                    )
                    for r in body["results"]
                ]
            except (KeyError, TypeError) as exc:
                raise RegistryUnavailable(f"查控系统不可用：反馈格式错误（{exc}）") from exc
        return results

    def unfreeze(self, registry_references: Sequence[str]) -> None:
        refs = list(registry_references)
        for start in range(0, len(refs), MAX_ORDERS):
            self._call("POST", "/api/unfreezes", {"references": refs[start : start + MAX_ORDERS]})


def registry() -> AssetRegistry:
    """The configured registry service: `JIEFEN_REGISTRY_URL`, `_TOKEN`, `_TIMEOUT` (read on
    every call, so tests that change settings take effect at once)."""
    from django.conf import settings

    return HttpRegistry(
        settings.JIEFEN_REGISTRY_URL,
        settings.JIEFEN_REGISTRY_TOKEN,
        float(settings.JIEFEN_REGISTRY_TIMEOUT),
    )
