"""A local simulator of the asset registries' network inquiry and control service (网络执行查控).

It answers the JSON protocol of `jiefen.enforcement.registry.HttpRegistry` (docs/registry.md):

    POST   /api/inquiries       {"as_of", "subjects": [{"reference", "name", "id_number"}]}
                                → 202 {"request": "q-12"}                  (≤ 10,000 subjects)
    GET    /api/inquiries/q-12  → {"request", "ready": false} | {"request", "ready": true, "hits"}
    POST   /api/freezes         {"orders": [{"order", "hit", "amount", "until"}]} → {"results"}
    POST   /api/deductions      {"orders": [{"order", "hit", "amount"}]}          → {"results"}
    POST   /api/unfreezes       {"references": [...]}                             → {"released"}
    POST   /api/holders         {"holders": [...]} (seed at run time)  DELETE /api/holders (clear)
    GET    /                    the seeded holders, their assets and controls (zh-hans page)

Every /api/ call needs `Authorization: Bearer <token>` (401 otherwise). Answers are ready
`delay` seconds after the inquiry, as the real feedback comes back later from each registry.

Matching is on name OR ID number, as a registry searching on both does: a subject gets every
asset of the holders with its ID number, and also those of holders with the same name and
another ID number (name-only hits, which jiefen must refuse to act on). An asset with
`appears_on` exists only for inquiries `as_of` that date or later (a re-inquiry after 终本
finds it). Balances and controls live in memory; it listens on 127.0.0.1 only.
"""

from __future__ import annotations

import hmac
import html
import itertools
import json
import os
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

MAX_SUBJECTS = 10_000
MAX_ORDERS = 10_000
MAX_BODY = 64 * 1024 * 1024
CENT = Decimal("0.01")
DEFAULT_TOKEN = "registry-demo-token"
POST_ROUTES = frozenset(
    {"/api/inquiries", "/api/freezes", "/api/deductions", "/api/unfreezes", "/api/holders"}
)

KIND_LABELS = {
    "deposit": "银行存款",
    "vehicle": "机动车",
    "real_estate": "不动产",
    "securities": "证券",
    "wages": "工资收入",
}
DEFAULT_REGISTRIES = {
    "deposit": "开户银行",
    "vehicle": "公安机关交通管理部门",
    "real_estate": "不动产登记机构",
    "securities": "中国证券登记结算有限责任公司",
    "wages": "用人单位",
}
# Money-like assets are frozen and deducted by amount; a vehicle or real estate is seized whole
# (查封、扣押) and is realised by auction, never deducted.
DIVISIBLE = frozenset({"deposit", "wages", "securities"})


def money(value: Decimal) -> str:
    return str(value.quantize(CENT))


def _amount(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"{field} 不是有效金额：{value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"{field} 不是有效金额：{value!r}")
    return amount.quantize(CENT)


def _date(value: Any, field: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(f"{field} 不是有效日期（YYYY-MM-DD）：{value!r}") from exc


def _norm_id(id_number: Any) -> str:
    return str(id_number or "").strip().upper()


def mask(id_number: str) -> str:
    """An ID number as lists show it: first 6 and last 4 characters."""
    return id_number if len(id_number) <= 10 else id_number[:6] + "*" * 8 + id_number[-4:]


@dataclass
class SeededAsset:
    key: str
    holder_name: str
    holder_id_number: str
    kind: str
    registry: str
    identifier: str
    description: str
    value: Decimal  # the balance of a money-like asset (falls with deductions), else its value
    appears_on: date | None


@dataclass
class Control:
    """A freeze or seizure in force on one asset (its `frozen` falls as deductions take it)."""

    reference: str
    order: str
    asset: SeededAsset
    frozen: Decimal
    until: date
    released: bool = False


class AssetBook:
    """The simulator's state: holders, answered inquiries, controls. Thread-safe."""

    def __init__(self, holders: Iterable[Mapping[str, Any]] = (), *, first_serial: int = 1) -> None:
        self.lock = threading.Lock()
        self.serial = itertools.count(first_serial)
        self.assets: list[SeededAsset] = []
        self.by_id: dict[str, list[SeededAsset]] = {}
        self.by_name: dict[str, list[SeededAsset]] = {}
        self.requests: dict[str, tuple[float, list[dict[str, str]]]] = {}
        self.hits: dict[str, SeededAsset] = {}
        self.controls: dict[str, Control] = {}  # by registry reference
        self.freeze_results: dict[str, dict[str, str]] = {}  # by order reference
        self.deduct_results: dict[str, dict[str, str]] = {}
        self.add_holders(holders)

    # seeding

    def add_holders(self, holders: Iterable[Mapping[str, Any]]) -> int:
        """Add holders `{"id_number", "name", "assets": [...]}`; ValueError names what is wrong
        (nothing is added then). Returns the number of assets added."""
        parsed: list[SeededAsset] = []
        for i, holder in enumerate(holders, 1):
            if not isinstance(holder, Mapping):
                raise ValueError(f"第 {i} 个权利人格式错误")
            name = str(holder.get("name") or "").strip()
            id_number = _norm_id(holder.get("id_number"))
            if not name or not id_number:
                raise ValueError(f"第 {i} 个权利人缺少姓名/名称或证件号码")
            for j, a in enumerate(holder.get("assets") or [], 1):
                where = f"第 {i} 个权利人第 {j} 项财产"
                kind = str(a.get("kind", ""))
                if kind not in KIND_LABELS:
                    raise ValueError(f"{where}：财产类型 {kind!r} 无效")
                if not a.get("identifier"):
                    raise ValueError(f"{where}：缺少账号/车牌/权证号")
                value = _amount(a.get("value", "0"), f"{where}：value")
                appears = a.get("appears_on")
                parsed.append(
                    SeededAsset(
                        key="",
                        holder_name=name,
                        holder_id_number=id_number,
                        kind=kind,
                        registry=str(a.get("registry") or DEFAULT_REGISTRIES[kind]),
                        identifier=str(a["identifier"]),
                        description=str(a.get("description") or ""),
                        value=value,
                        appears_on=_date(appears, f"{where}：appears_on") if appears else None,
                    )
                )
        with self.lock:
            for asset in parsed:
                asset.key = f"a-{len(self.assets) + 1}"
                self.assets.append(asset)
                self.by_id.setdefault(asset.holder_id_number, []).append(asset)
                self.by_name.setdefault(asset.holder_name, []).append(asset)
        return len(parsed)

    def clear(self) -> None:
        with self.lock:
            self.assets.clear()
            self.by_id.clear()
            self.by_name.clear()
            self.requests.clear()
            self.hits.clear()
            self.controls.clear()
            self.freeze_results.clear()
            self.deduct_results.clear()

    # inquiries

    def submit(self, subjects: list[Mapping[str, Any]], as_of: date, delay: float) -> str:
        with self.lock:
            request = f"q-{next(self.serial)}"
            hits: list[dict[str, str]] = []
            for s in subjects:
                id_number, name = _norm_id(s.get("id_number")), str(s.get("name") or "").strip()
                by_id = self.by_id.get(id_number, []) if id_number else []
                by_name = [a for a in self.by_name.get(name, []) if a.holder_id_number != id_number]
                for asset in by_id + by_name:
                    if asset.appears_on and asset.appears_on > as_of:
                        continue
                    ref = f"{request}-{len(hits) + 1}"
                    self.hits[ref] = asset
                    hits.append(
                        {
                            "subject": str(s.get("reference", "")),
                            "kind": asset.kind,
                            "registry": asset.registry,
                            "identifier": asset.identifier,
                            "description": asset.description,
                            "value": money(asset.value),
                            "holder_name": asset.holder_name,
                            "holder_id_number": asset.holder_id_number,
                            "hit": ref,
                        }
                    )
            self.requests[request] = (time.monotonic() + delay, hits)
        return request

    def answer(self, request: str) -> dict[str, Any] | None:
        with self.lock:
            found = self.requests.get(request)
        if found is None:
            return None
        ready_at, hits = found
        if time.monotonic() < ready_at:
            return {"request": request, "ready": False}
        return {"request": request, "ready": True, "hits": hits}

    # controls

    def _in_force(self, asset: SeededAsset) -> list[Control]:
        return [c for c in self.controls.values() if c.asset is asset and not c.released]

    def freeze(self, orders: list[Mapping[str, Any]]) -> list[dict[str, str]]:
        parsed = [
            (
                str(o.get("order", "")),
                str(o.get("hit", "")),
                _amount(o.get("amount"), f"第 {i} 个冻结指令 amount"),
                _date(o.get("until"), f"第 {i} 个冻结指令 until"),
            )
            for i, o in enumerate(orders, 1)
        ]
        with self.lock:
            return [self._freeze_one(*p) for p in parsed]

    def _freeze_one(self, order: str, hit: str, amount: Decimal, until: date) -> dict[str, str]:
        if order in self.freeze_results:
            return self.freeze_results[order]
        asset = self.hits.get(hit)

        def refused(error: str) -> dict[str, str]:
            return {"order": order, "frozen": "0.00", "registry_reference": "", "error": error}

        if not order:
            return refused("缺少指令编号")
        if asset is None:
            return refused("查无此反馈编号")
        if amount <= 0:
            return refused("冻结金额须大于零")
        in_force = self._in_force(asset)
        if asset.kind in DIVISIBLE:
            available = asset.value - sum((c.frozen for c in in_force), Decimal(0))
            frozen = min(amount, available)
            if frozen <= 0:
                return refused("无可冻结余额")
        else:
            if in_force:
                return refused("该财产已被查封、扣押")
            frozen = asset.value
        reference = f"f-{next(self.serial)}"
        self.controls[reference] = Control(reference, order, asset, frozen, until)
        result = {
            "order": order,
            "frozen": money(frozen),
            "registry_reference": reference,
            "error": "",
        }
        self.freeze_results[order] = result
        return result

    def deduct(self, orders: list[Mapping[str, Any]]) -> list[dict[str, str]]:
        parsed = [
            (
                str(o.get("order", "")),
                str(o.get("hit", "")),
                _amount(o.get("amount"), f"第 {i} 个扣划指令 amount"),
            )
            for i, o in enumerate(orders, 1)
        ]
        with self.lock:
            return [self._deduct_one(*p) for p in parsed]

    def _deduct_one(self, order: str, hit: str, amount: Decimal) -> dict[str, str]:
        if order in self.deduct_results:
            return self.deduct_results[order]
        asset = self.hits.get(hit)

        def refused(error: str) -> dict[str, str]:
            return {"order": order, "deducted": "0.00", "registry_reference": "", "error": error}

        if not order:
            return refused("缺少指令编号")
        if asset is None:
            return refused("查无此反馈编号")
        if amount <= 0:
            return refused("扣划金额须大于零")
        if asset.kind not in DIVISIBLE:
            return refused("该财产不能扣划，应依法拍卖、变卖")
        in_force = [c for c in self._in_force(asset) if c.frozen > 0]
        if not in_force:
            return refused("未冻结")
        left = deducted = min(amount, sum((c.frozen for c in in_force), Decimal(0)))
        for control in in_force:  # oldest freeze first
            take = min(left, control.frozen)
            control.frozen -= take
            left -= take
        asset.value -= deducted
        result = {
            "order": order,
            "deducted": money(deducted),
            "registry_reference": f"d-{next(self.serial)}",
            "error": "",
        }
        self.deduct_results[order] = result
        return result

    def unfreeze(self, references: Iterable[str]) -> int:
        released = 0
        with self.lock:
            for ref in references:
                control = self.controls.get(str(ref))
                if control and not control.released:
                    control.released = True
                    released += 1
        return released

    def page_rows(self) -> list[tuple[SeededAsset, list[Control]]]:
        with self.lock:
            return [(a, self._in_force(a)) for a in self.assets]


class _Handler(BaseHTTPRequestHandler):
    server: RegistryServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def _json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        given = header[len("Bearer ") :] if header.startswith("Bearer ") else ""
        if given and hmac.compare_digest(given.encode(), self.server.token.encode()):
            return True
        self._json(401, {"error": "未授权：缺少或错误的访问令牌"})
        return False

    def _body(self) -> dict[str, Any] | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._json(413, {"error": "请求体过大"})
            return None
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            self._json(400, {"error": "请求体不是有效的 JSON"})
            return None
        if not isinstance(body, dict):
            self._json(400, {"error": "请求体须为 JSON 对象"})
            return None
        return body

    def _list(self, body: dict[str, Any], key: str, limit: int, what: str) -> list[Any] | None:
        items = body.get(key)
        if not isinstance(items, list) or not all(isinstance(i, dict | str) for i in items):
            self._json(400, {"error": f'请求体须为 {{"{key}": [...]}}'})
            return None
        if len(items) > limit:
            self._json(413, {"error": f"一次最多 {limit} 个{what}，本次 {len(items)} 个"})
            return None
        return items

    def do_POST(self) -> None:
        path = urlparse(self.path).path
        if path not in POST_ROUTES:
            return self._json(404, {"error": "not found"})
        if not self._authorized():
            return
        body = self._body()
        if body is None:
            return
        book = self.server.book
        try:
            if path == "/api/inquiries":
                subjects = self._list(body, "subjects", MAX_SUBJECTS, "被查询人")
                if subjects is None:
                    return
                as_of = _date(body.get("as_of"), "as_of")
                request = book.submit(subjects, as_of, self.server.delay)
                return self._json(202, {"request": request})
            if path == "/api/holders":
                holders = self._list(body, "holders", MAX_SUBJECTS, "权利人")
                if holders is None:
                    return
                return self._json(200, {"added": book.add_holders(holders)})
            if path == "/api/unfreezes":
                refs = self._list(body, "references", MAX_ORDERS, "解除编号")
                if refs is None:
                    return
                return self._json(200, {"released": book.unfreeze(refs)})
            orders = self._list(body, "orders", MAX_ORDERS, "指令")
            if orders is None:
                return
            if path == "/api/freezes":
                return self._json(200, {"results": book.freeze(orders)})
            return self._json(200, {"results": book.deduct(orders)})
        except (ValueError, AttributeError) as exc:
            return self._json(400, {"error": str(exc)})

    def do_DELETE(self) -> None:
        if urlparse(self.path).path != "/api/holders":
            return self._json(404, {"error": "not found"})
        if self._authorized():
            self.server.book.clear()
            self._json(200, {"cleared": True})

    def do_GET(self) -> None:
        path = urlparse(self.path).path
        if path.startswith("/api/inquiries/"):
            if not self._authorized():
                return
            answer = self.server.book.answer(unquote(path[len("/api/inquiries/") :]))
            if answer is None:
                return self._json(404, {"error": "查无此查询批次"})
            return self._json(200, answer)
        if path != "/":
            return self._json(404, {"error": "not found"})
        self._page()

    def _page(self) -> None:
        rows = []
        for asset, controls in self.server.book.page_rows():
            state = "；".join(
                f"{c.reference} 冻结 {money(c.frozen)} 至 {c.until.isoformat()}" for c in controls
            )
            rows.append(
                "<tr>"
                + "".join(
                    f"<td>{html.escape(cell)}</td>"
                    for cell in (
                        asset.holder_name,
                        mask(asset.holder_id_number),
                        KIND_LABELS[asset.kind],
                        asset.registry,
                        asset.identifier,
                        asset.description,
                        money(asset.value),
                        asset.appears_on.isoformat() if asset.appears_on else "",
                        state or "无",
                    )
                )
                + "</tr>"
            )
        page = (
            "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>"
            "<title>网络查控模拟器</title><style>body{font-family:sans-serif;margin:1rem}"
            "td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left}</style>"
            "<h1>网络执行查控模拟器 · 登记财产</h1>"
            "<p>本地模拟，不连接真实的银行和登记机构。</p>"
            "<table><tr><th>权利人</th><th>证件号码</th><th>财产类型</th><th>反馈单位</th>"
            "<th>账号/车牌/权证号</th><th>财产情况</th><th>余额/价值（元）</th>"
            f"<th>登记出现日</th><th>控制情况</th></tr>{''.join(rows)}</table>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)


class RegistryServer(ThreadingHTTPServer):
    """The simulator's HTTP server on 127.0.0.1. `delay` (seconds ≥ 0, may be changed while
    running) until an inquiry's answer is ready; `token` the Bearer token it accepts."""

    daemon_threads = True

    def __init__(
        self,
        port: int,
        book: AssetBook | None = None,
        *,
        token: str | None = None,
        delay: float = 0.0,
    ) -> None:
        if delay < 0:
            raise ValueError("delay must be >= 0")
        super().__init__(("127.0.0.1", port), _Handler)
        self.book = book if book is not None else AssetBook()
        self.token = token or os.environ.get("JIEFEN_REGISTRY_TOKEN", DEFAULT_TOKEN)
        self.delay = delay

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def add_holders(self, holders: Iterable[Mapping[str, Any]]) -> int:
        return self.book.add_holders(holders)

    def clear(self) -> None:
        self.book.clear()

    def shutdown(self) -> None:
        super().shutdown()
        self.server_close()


def load_seed(source: Mapping[str, Any] | Path | str | None) -> list[Mapping[str, Any]]:
    """The holders of a seed: a dict `{"holders": [...]}` or the path of a JSON file with one."""
    if source is None:
        return []
    data = source if isinstance(source, Mapping) else json.loads(Path(source).read_text("utf-8"))
    holders = data.get("holders", [])
    if not isinstance(holders, list):
        raise ValueError('种子文件须为 {"holders": [...]}')
    return holders


def start_in_thread(
    port: int = 0,
    seed: Mapping[str, Any] | Path | str | None = None,
    *,
    token: str | None = None,
    delay: float = 0.0,
    first_serial: int = 1,
) -> RegistryServer:
    """Serve in a daemon thread (tests use port 0 = a free port); stop with `.shutdown()`."""
    book = AssetBook(load_seed(seed), first_serial=first_serial)
    server = RegistryServer(port, book, token=token, delay=delay)
    threading.Thread(
        target=server.serve_forever, args=(0.1,), name="registry-simulator", daemon=True
    ).start()
    return server
