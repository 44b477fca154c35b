"""A real HTTP receiver on localhost (a bank system's webhook endpoint) and the API helpers."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client

from jiefen.accounts.models import User

PASSWORD = "test-pass-123"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Records every POST; answers the statuses in `answers` in turn, then `default`."""

    url: str = ""
    answers: list[int] = field(default_factory=list)
    default: int = 200
    delay: float = 0.0  # seconds each answer takes (a slow bank system)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def events(self) -> list[str]:
        return [r.json["event"] for r in self.received]

    def of(self, event: str) -> list[Received]:
        return [r for r in self.received if r.json["event"] == event]


def _start(receiver: Receiver) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if receiver.delay:
                time.sleep(receiver.delay)
            with receiver.lock:
                receiver.received.append(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                status = receiver.answers.pop(0) if receiver.answers else receiver.default
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"ok":true}')

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/jiefen"
    return server


@pytest.fixture
def make_receiver() -> Iterator[Callable[[], Receiver]]:
    servers: list[ThreadingHTTPServer] = []

    def make() -> Receiver:
        receiver = Receiver()
        servers.append(_start(receiver))
        return receiver

    yield make
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def receiver(make_receiver: Callable[[], Receiver]) -> Receiver:
    return make_receiver()


def basic(user: User) -> dict[str, str]:
    token = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def subscribe(user: User, url: str, events: list[str] | None = None) -> dict[str, Any]:
    """Register `url` through the API as `user`'s system would; the 201 body (with the secret)."""
    body: dict[str, Any] = {"url": url}
    if events is not None:
        body["events"] = events
    response = Client().post(
        "/api/v1/webhooks", body, content_type="application/json", **basic(user)
    )
    assert response.status_code == 201, response.content.decode()
    return response.json()
