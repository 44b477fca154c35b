"""A real HTTP receiver for delivery receipts: what the jiefen callback endpoint will be."""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Receiver:
    """Records every POST (raw body + signature); answers the statuses in `answers` first, then 200."""

    url: str = ""
    posts: list[tuple[bytes, str]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def receipts(self) -> list[dict[str, Any]]:
        """Every receipt of every accepted (2xx) post, duplicates included."""
        with self.lock:
            return [r for body, _ in self.accepted() for r in json.loads(body)["receipts"]]

    def accepted(self) -> list[tuple[bytes, str]]:
        return [p for p, ok in zip(self.posts, self._oks, strict=True) if ok]

    _oks: list[bool] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with rec.lock:
                status = rec.answers.pop(0) if rec.answers else 200
                rec.posts.append((body, self.headers.get("X-Jiefen-Signature", "")))
                rec._oks.append(200 <= status < 300)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True).start()
    rec.url = f"http://127.0.0.1:{server.server_address[1]}/receipts"
    yield rec
    server.shutdown()
    server.server_close()
