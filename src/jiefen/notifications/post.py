"""Postal service (EMS 法院专递): the jiefen-side `PostalAdapter` and a local simulator.

When electronic service is impossible or refused, court documents go by post (邮寄送达,
民诉法 Art. 91): the date the addressee signs the return receipt is the date of service; a
returned letter (查无此人, 拒收 …) is evidence for the next step (public notice, Art. 95).

Protocol (what `PostalAdapter` speaks and `PostalServer` answers, 127.0.0.1 only):

    POST /api/mailings  {"mailings": [{"reference", "recipient", "address", "contents",
                                       "callback"}]}                     (≤ 500, Bearer key)
                        → {"results": [{"tracking_number": "EA00000013CN"} | {"error": "…"}]}
    GET  /api/mailings/<tracking_number>   → {"mailing": {…, "status"}, "receipt": {…} | null}
    GET  /                                 → the mailings as a page (zh-hans)

`delay` seconds after acceptance each mailing gets a signed receipt (see
`jiefen.notifications.receipts`) at its callback: `signed` with `signed_on` and `signer`, or
`returned` with `returned_on` and `returned_reason`. The outcome is deterministic per address
(returned when `fraction(address) < return_rate` or the address says 查无此人); the dates are the
simulator's `clock()` plus `days_in_transit`, so a demo can move time.

Tracking numbers follow UPU S10: two letters, an 8-digit serial, the S10 check digit, "CN".
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import threading
import urllib.error
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlparse

from jiefen.notifications.adapters import DeliveryResult, Message, post_json
from jiefen.notifications.config import NotifySettings
from jiefen.notifications.receipts import (
    CHINA,
    SimulatorServer,
    fraction,
    now_iso,
    serve_in_thread,
)

S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
RETURN_REASONS = ("查无此人", "地址不详", "拒收", "迁移新址不明")
SIGNERS = ("本人", "本人", "本人", "同住成年家属", "单位收发室")
STATUS_LABELS = {"in_transit": "投递中", "signed": "已签收", "returned": "已退回"}


def s10_check_digit(serial8: str) -> int:
    """UPU S10 check digit of an 8-digit serial: weights 8 6 4 2 3 5 9 7, c = 11 - sum % 11,
    with 10 → 0 and 11 → 5."""
    if len(serial8) != 8 or not serial8.isdigit():
        raise ValueError("S10 serial must be 8 digits")
    c = 11 - sum(int(d) * w for d, w in zip(serial8, S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(c, c)


def tracking_number(serial: int, prefix: str = "EA", country: str = "CN") -> str:
    serial8 = f"{serial:08d}"
    return f"{prefix}{serial8}{s10_check_digit(serial8)}{country}"


def is_valid_tracking_number(number: str) -> bool:
    """Two letters, 8 digits, the right check digit, two letters (S10)."""
    return (
        len(number) == 13
        and number[:2].isalpha()
        and number[11:].isalpha()
        and number[2:11].isdigit()
        and s10_check_digit(number[2:10]) == int(number[10])
    )


class PostalAdapter:
    """Sends `Message("post", to=address, body=contents, recipient=…, reference=…)` as mailings;
    the provider id is the tracking number. Receipts go to `JIEFEN_POSTAL_RECEIPT_URL`."""

    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings

    def send_many(self, mailings: Sequence[Message]) -> list[DeliveryResult]:
        results: list[DeliveryResult] = []
        for start in range(0, len(mailings), 500):  # the protocol's batch limit
            results.extend(self._post(mailings[start : start + 500]))
        return results

    def _post(self, chunk: Sequence[Message]) -> list[DeliveryResult]:
        s = self.settings
        payload = {
            "mailings": [
                {
                    "reference": m.reference,
                    "recipient": m.recipient,
                    "address": m.to,
                    "contents": m.body or "诉讼文书",
                    "callback": s.postal_receipt_url,
                }
                for m in chunk
            ]
        }
        try:
            answer = post_json(f"{s.postal_url}/api/mailings", payload, s.postal_api_key, s.timeout)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return [DeliveryResult(False, error=f"邮政服务不可用：{exc}")] * len(chunk)
        results = [
            DeliveryResult(True, provider_id=str(r["tracking_number"]))
            if "tracking_number" in r
            else DeliveryResult(False, error=str(r.get("error", "未知错误")))
            for r in answer.get("results", [])
        ]
        missing = len(chunk) - len(results)
        return results + [DeliveryResult(False, error="邮政服务未答复")] * max(0, missing)


def _today() -> date:
    return datetime.now(UTC).astimezone(CHINA).date()


class _Handler(BaseHTTPRequestHandler):
    server: PostalServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def _send(self, status: int, data: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _json(self, status: int, body: dict[str, Any]) -> None:
        self._send(
            status, json.dumps(body, ensure_ascii=False).encode(), "application/json; charset=utf-8"
        )

    def do_POST(self) -> None:
        if urlparse(self.path).path != "/api/mailings":
            return self._json(404, {"error": "not found"})
        if not self.headers.get("Authorization", "").startswith("Bearer "):
            return self._json(401, {"error": "missing API key"})
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            items = [dict(item) for item in body["mailings"]]
        except (ValueError, KeyError, TypeError, AttributeError):
            return self._json(400, {"error": 'body must be {"mailings": [...]}'})
        if len(items) > 500:
            return self._json(413, {"error": "at most 500 mailings per request"})
        self._json(200, {"results": [self.server.accept(item) for item in items]})

    def do_GET(self) -> None:
        path = urlparse(self.path).path
        if path.startswith("/api/mailings/"):
            found = self.server.lookup(path.removeprefix("/api/mailings/"))
            if found is None:
                return self._json(404, {"error": "查无此邮件"})
            return self._json(200, found)
        if path != "/":
            return self._json(404, {"error": "not found"})
        self._send(200, self.server.page().encode(), "text/html; charset=utf-8")


class PostalServer(SimulatorServer):
    """The EMS simulator: `delay` seconds until a receipt is due, `return_rate` (0..1) of
    addresses returned, `days_in_transit` added to `clock()` for the signed/returned date,
    `duplicate_receipts` posts every batch twice, `secret` signs the receipts."""

    def __init__(
        self,
        port: int,
        *,
        delay: float = 1.0,
        return_rate: float = 0.2,
        days_in_transit: int = 2,
        clock: Callable[[], date] | None = None,
        duplicate_receipts: bool = False,
        secret: str | None = None,
        first_serial: int = 1,
    ) -> None:
        if not 0 <= return_rate <= 1:
            raise ValueError("return_rate must be between 0 and 1")
        super().__init__(
            port,
            _Handler,
            delay=delay,
            duplicate_receipts=duplicate_receipts,
            secret=secret,
            on_due=self._deliver,
        )
        self.return_rate, self.days_in_transit = return_rate, days_in_transit
        self.clock = clock or _today
        self._lock = threading.Lock()
        self._serials = itertools.count(first_serial)
        self.mailings: dict[str, dict[str, Any]] = {}
        self.receipts: dict[str, dict[str, Any]] = {}

    def returned(self, address: str) -> bool:
        """Deterministic per address: an address that is not found stays not found."""
        return "查无此人" in address or fraction(address) < self.return_rate

    def accept(self, item: dict[str, Any]) -> dict[str, Any]:
        recipient = str(item.get("recipient") or "").strip()
        address = str(item.get("address") or "").strip()
        if not recipient:
            return {"error": "收件人姓名为空"}
        if not address:
            return {"error": "收件地址为空"}
        with self._lock:
            number = tracking_number(next(self._serials) % 10**8)
            # One receipt per mailing, named after its tracking number and the sender's reference
            # (tracking serials restart with the simulator; the reference is the sender's own).
            receipt_id = f"p-{number}-{item.get('reference') or ''}"
            mailing = {
                "tracking_number": number,
                "reference": str(item.get("reference") or ""),
                "recipient": recipient,
                "address": address,
                "contents": str(item.get("contents") or ""),
                "status": "in_transit",
                "accepted_at": now_iso(),
            }
            self.mailings[number] = mailing
        self.poster.schedule(
            str(item.get("callback") or ""),
            {
                "receipt_id": receipt_id,
                "tracking_number": number,
                "reference": mailing["reference"],
            },
        )
        return {"tracking_number": number}

    def _deliver(self, receipt: dict[str, Any]) -> None:
        """The receipt falls due: fill in the outcome with the simulator's dates."""
        with self._lock:
            mailing = self.mailings[receipt["tracking_number"]]
        address = mailing["address"]
        on = (self.clock() + timedelta(days=self.days_in_transit)).isoformat()
        digest = hashlib.sha256(address.encode()).digest()
        if self.returned(address):
            reason = (
                "查无此人"
                if "查无此人" in address
                else RETURN_REASONS[digest[4] % len(RETURN_REASONS)]
            )
            outcome: dict[str, Any] = {
                "status": "returned",
                "signed_on": None,
                "signer": None,
                "returned_on": on,
                "returned_reason": reason,
            }
        else:
            outcome = {
                "status": "signed",
                "signed_on": on,
                "signer": SIGNERS[digest[5] % len(SIGNERS)],
                "returned_on": None,
                "returned_reason": None,
            }
        receipt.update(outcome, at=now_iso())
        with self._lock:
            mailing["status"] = outcome["status"]
            self.receipts[receipt["tracking_number"]] = receipt

    def lookup(self, number: str) -> dict[str, Any] | None:
        with self._lock:
            mailing = self.mailings.get(number)
            if mailing is None:
                return None
            receipt = self.receipts.get(number)
            return {"mailing": dict(mailing), "receipt": dict(receipt) if receipt else None}

    def page(self) -> str:
        with self._lock:
            rows = [(m, self.receipts.get(n)) for n, m in reversed(self.mailings.items())]
        cells = "".join(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(v))}</td>"
                for v in (
                    m["tracking_number"],
                    m["recipient"],
                    m["address"],
                    m["contents"],
                    STATUS_LABELS[m["status"]],
                    (r or {}).get("signed_on") or (r or {}).get("returned_on") or "",
                    (r or {}).get("signer") or (r or {}).get("returned_reason") or "",
                )
            )
            + "</tr>"
            for m, r in rows[:500]
        )
        return (
            "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>"
            "<title>邮政模拟器</title><style>body{font-family:sans-serif;margin:1rem}"
            "td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left}</style>"
            "<h1>邮政模拟器 · 法院专递</h1><p>本地模拟，不寄送真实邮件。</p>"
            "<table><tr><th>邮件号</th><th>收件人</th><th>地址</th><th>内件</th><th>状态</th>"
            f"<th>日期</th><th>签收人 / 退回原因</th></tr>{cells}</table>"
        )


def start_in_thread(port: int = 0, **options: Any) -> PostalServer:
    """Serve in a daemon thread (tests use port 0 = a free port); stop with `.shutdown()`.
    `options` are `PostalServer`'s keyword arguments."""
    return serve_in_thread(PostalServer(port, **options), "postal-gateway")
