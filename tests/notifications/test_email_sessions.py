"""A large e-mail send is split over several SMTP sessions in threads; results keep the order."""

import socket
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler

from jiefen.notifications import EmailAdapter, Message
from jiefen.notifications.config import load


class _Collect(MessageHandler):
    def __init__(self) -> None:
        super().__init__()
        self.received: list[Any] = []

    def handle_message(self, message: Any) -> None:
        self.received.append(message)


def test_many_mails_go_over_parallel_sessions_with_results_in_order(
    monkeypatch: Any,
) -> None:
    handler = _Collect()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setenv("JIEFEN_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("JIEFEN_SMTP_PORT", str(port))
        messages = [Message("email", f"b{i}@example.cn", f"正文{i}") for i in range(400)]
        results = EmailAdapter(load(), sessions=4).send_many(messages)
    finally:
        controller.stop()
    assert all(r.ok for r in results)
    to_by_id = {m["Message-ID"]: m["To"] for m in handler.received}
    assert [to_by_id[r.provider_id] for r in results] == [m.to for m in messages]
    assert len({m["X-Peer"] for m in handler.received}) == 4  # four SMTP sessions
