"""A local SMS gateway simulator speaking the JSON protocol of `SmsGatewayAdapter`.

    POST   /api/messages   {"messages": [{"to": "13800000000", "text": "…"}]}
                           → {"results": [{"id": "m-1", "status": "delivered"} | {"error": "…"}]}
    GET    /api/messages?to=13800000000&limit=20   → {"messages": [newest first]}
    DELETE /api/messages   → clears the inbox
    GET    /               → the inbox as a page (what each phone received)

Messages are kept in memory and appended to a JSON-lines file when one is given, so the inbox
survives a restart. It only listens on 127.0.0.1: it is a stand-in for a carrier, not one.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")


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

    def add(self, to: str, text: str) -> dict[str, Any]:
        with self.lock:
            msg = {
                "id": f"m-{next(self.ids)}",
                "to": to,
                "text": text,
                "status": "delivered",
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
            items = body["messages"]
        except (ValueError, KeyError, TypeError):
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
                results.append({"id": self.server.inbox.add(to, text)["id"], "status": "delivered"})
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
        if url.path != "/":
            return self._json(404, {"error": "not found"})
        rows = "".join(
            f"<tr><td>{html.escape(m['at'])}</td><td>{html.escape(m['to'])}</td>"
            f"<td>{html.escape(m['text'])}</td></tr>"
            for m in self.server.inbox.query(to, limit)
        )
        page = (
            "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>"
            "<title>短信网关模拟器</title><style>body{font-family:sans-serif;margin:1rem}"
            "td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left}</style>"
            "<h1>短信网关模拟器 · 收件箱</h1><p>本地模拟，不发送真实短信。</p>"
            f"<table><tr><th>时间</th><th>手机号</th><th>内容</th></tr>{rows}</table>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)


class GatewayServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, inbox: Inbox) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.inbox = inbox

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def start_in_thread(port: int = 0, store: Path | None = None) -> GatewayServer:
    """Serve in a daemon thread (tests use port 0 = a free port); stop with `.shutdown()`."""
    server = GatewayServer(port, Inbox(store))
    threading.Thread(target=server.serve_forever, name="sms-gateway", daemon=True).start()
    return server
