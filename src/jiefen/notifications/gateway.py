"""A local SMS gateway simulator speaking the JSON protocol of `SmsGatewayAdapter`.

    POST   /api/messages   {"messages": [{"to": "13800000000", "text": "…", "reference": "…"}],
                            "callback": "http://…/receipts"}            (callback optional)
                           → {"results": [{"id": "m-1", "status": "accepted"} | {"error": "…"}]}
    GET    /api/messages?to=13800000000&limit=20   → {"messages": [newest first]}
    GET    /api/receipts?message_id=m-1            → {"receipts": [the message's receipt, once due]}
    DELETE /api/messages   → clears the inbox
    GET    /               → the inbox as a page (what each phone received)

Messages are kept in memory and appended to a JSON-lines file when one is given, so the inbox
survives a restart. It only listens on 127.0.0.1: it is a stand-in for a carrier, not one.

Delivery receipts (短信回执): `delay` seconds after acceptance each message gets a receipt,
`delivered` or `failed`, posted in signed batches to the message's callback by one background
thread (`jiefen.notifications.receipts.ReceiptPoster`). The receipt's time is what electronic
service turns on (民诉法 Art. 90: served when it reaches the recipient's system), so failure is
deterministic per number, as a dead or switched-off phone is: a number fails when
`fraction(number) < failure_rate`, or when it is in `fail_numbers`. Receipts live in memory.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import threading
from collections.abc import Iterable
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from jiefen.notifications.receipts import SimulatorServer, fraction, now_iso, serve_in_thread

MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
FAILURE_TEXT = "用户关机或空号"


class Inbox:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.messages: list[dict[str, Any]] = []
        if path and path.exists():
            self.messages = [
                json.loads(line) for line in path.read_text("utf-8").splitlines() if line
            ]
        self.ids = itertools.count(len(self.messages) + 1)

    def add(self, to: str, text: str, reference: str = "") -> dict[str, Any]:
        with self.lock:
            msg = {
                "id": f"m-{next(self.ids)}",
                "to": to,
                "text": text,
                "reference": reference,
                "status": "accepted",
                "at": datetime.now().isoformat(timespec="seconds"),
            }
            self.messages.append(msg)
            if self.path:
                with self.path.open("a", encoding="utf-8") as f:
                    f.write(json.dumps(msg, ensure_ascii=False) + "\n")
            return msg

    def query(self, to: str | None, limit: int) -> list[dict[str, Any]]:
        with self.lock:
            found = [m for m in reversed(self.messages) if to is None or m["to"] == to]
        return found[:limit]

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
            if self.path:
                self.path.write_text("", "utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: GatewayServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def _json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        if urlparse(self.path).path != "/api/messages":
            return self._json(404, {"error": "not found"})
        if not self.headers.get("Authorization", "").startswith("Bearer "):
            return self._json(401, {"error": "missing API key"})
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            items = list(body["messages"])
            callback = str(body.get("callback") or "")
        except (ValueError, KeyError, TypeError, AttributeError):
            return self._json(400, {"error": 'body must be {"messages": [...]}'})
        if len(items) > 500:
            return self._json(413, {"error": "at most 500 messages per request"})
        results = []
        for item in items:
            to, text = str(item.get("to", "")), str(item.get("text", ""))
            if not MOBILE.match(to):
                results.append({"error": f"invalid mobile number {to!r}"})
            elif not text:
                results.append({"error": "empty text"})
            else:
                msg = self.server.inbox.add(to, text, str(item.get("reference") or ""))
                self.server.schedule_receipt(msg, callback)
                results.append({"id": msg["id"], "status": "accepted"})
        self._json(200, {"results": results})

    def do_DELETE(self) -> None:
        self.server.inbox.clear()
        self._json(200, {"cleared": True})

    def do_GET(self) -> None:
        url = urlparse(self.path)
        q = parse_qs(url.query)
        to = q.get("to", [None])[0]
        limit = int(q.get("limit", ["200"])[0])
        if url.path == "/api/messages":
            return self._json(200, {"messages": self.server.inbox.query(to, limit)})
        if url.path == "/api/receipts":
            message_id = q.get("message_id", [""])[0]
            return self._json(200, {"receipts": self.server.receipts_of(message_id)})
        if url.path != "/":
            return self._json(404, {"error": "not found"})
        rows = "".join(
            f"<tr><td>{html.escape(m['at'])}</td><td>{html.escape(m['to'])}</td>"
            f"<td>{html.escape(m['text'])}</td>"
            f"<td>{html.escape(self.server.status_label(m))}</td></tr>"
            for m in self.server.inbox.query(to, limit)
        )
        page = (
            "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>"
            "<title>短信网关模拟器</title><style>body{font-family:sans-serif;margin:1rem}"
            "td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left}</style>"
            "<h1>短信网关模拟器 · 收件箱</h1><p>本地模拟，不发送真实短信。</p>"
            f"<table><tr><th>时间</th><th>手机号</th><th>内容</th><th>状态</th></tr>{rows}</table>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)


class GatewayServer(SimulatorServer):
    """The simulator: HTTP API + inbox + the receipt poster thread.

    `delay` (seconds, ≥ 0) until a message's receipt is due; `failure_rate` (0..1) the share of
    numbers that fail, chosen by hash so the same number always fails; `fail_numbers` always
    fail; `duplicate_receipts` posts every receipt batch twice (idempotency tests); `secret`
    signs the receipts (default `JIEFEN_RECEIPT_SECRET` or the demo secret).
    """

    def __init__(
        self,
        port: int,
        inbox: Inbox,
        *,
        delay: float = 1.0,
        failure_rate: float = 0.1,
        fail_numbers: Iterable[str] = (),
        duplicate_receipts: bool = False,
        secret: str | None = None,
    ) -> None:
        if not 0 <= failure_rate <= 1:
            raise ValueError("failure_rate must be between 0 and 1")
        super().__init__(
            port,
            _Handler,
            delay=delay,
            duplicate_receipts=duplicate_receipts,
            secret=secret,
            on_due=self._record,
        )
        self.inbox = inbox
        self.failure_rate = failure_rate
        self.fail_numbers = frozenset(fail_numbers)
        self._receipts: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def fails(self, number: str) -> bool:
        """A dead or switched-off number: the same answer on every try."""
        return number in self.fail_numbers or fraction(number) < self.failure_rate

    def schedule_receipt(self, msg: dict[str, Any], callback: str) -> None:
        failed = self.fails(msg["to"])
        # One receipt per message, named after it: ids never repeat across restarts (the message
        # ids continue from the stored inbox), so the receiver's de-duplication stays exact.
        receipt_id = f"r-{msg['id']}"
        receipt = {
            "receipt_id": receipt_id,
            "message_id": msg["id"],
            "reference": msg.get("reference", ""),
            "to": msg["to"],
            "status": "failed" if failed else "delivered",
            "error": FAILURE_TEXT if failed else "",
            "at": now_iso(),  # replaced by the due time when the receipt falls due
        }
        self.poster.schedule(callback, receipt)

    def _record(self, receipt: dict[str, Any]) -> None:
        receipt["at"] = now_iso()
        with self._lock:
            self._receipts[receipt["message_id"]] = receipt

    def receipts_of(self, message_id: str) -> list[dict[str, Any]]:
        with self._lock:
            found = self._receipts.get(message_id)
        return [dict(found)] if found else []

    def status_label(self, msg: dict[str, Any]) -> str:
        """What the inbox page shows: 已送达 / 失败（reason） / 已受理 (receipt not yet due)."""
        found = self.receipts_of(msg["id"])
        if not found:
            return "已送达" if msg.get("status") == "delivered" else "已受理"
        r = found[0]
        return "已送达" if r["status"] == "delivered" else f"失败（{r['error']}）"


def start_in_thread(port: int = 0, store: Path | None = None, **options: Any) -> GatewayServer:
    """Serve in a daemon thread (tests use port 0 = a free port); stop with `.shutdown()`.
    `options` are `GatewayServer`'s: delay, failure_rate, fail_numbers, duplicate_receipts, secret."""
    return serve_in_thread(GatewayServer(port, Inbox(store), **options), "sms-gateway")
