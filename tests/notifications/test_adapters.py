"""The notification adapters over real wires: HTTP to the SMS gateway simulator, SMTP to aiosmtpd."""

import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.header import decode_header, make_header
from typing import Any

import pytest

from jiefen.notifications import Message, send_many
from jiefen.notifications.gateway import GatewayServer, start_in_thread


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def gateway(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[GatewayServer]:
    server = start_in_thread(0, tmp_path / "inbox.jsonl")
    monkeypatch.setenv("JIEFEN_SMS_GATEWAY_URL", server.url)
    yield server
    server.shutdown()


def test_sms_and_email_go_out_in_order_over_their_wires(gateway: GatewayServer, smtp: Any) -> None:
    results = send_many(
        [
            Message("sms", "13800001111", "您的验证码123456"),
            Message("email", "borrower@example.cn", "调解通知正文", subject="诉前调解通知"),
            Message("sms", "12345", "bad number"),
        ]
    )
    assert [r.ok for r in results] == [True, True, False]
    assert "invalid mobile" in results[2].error
    inbox = gateway.inbox.query("13800001111", 5)
    assert (
        inbox[0]["text"] == "【解纷平台】您的验证码123456"
        and inbox[0]["id"] == results[0].provider_id
    )
    mail = smtp.received[0]
    assert mail["To"] == "borrower@example.cn"
    assert str(make_header(decode_header(mail["Subject"]))) == "诉前调解通知"
    assert mail["Message-ID"] == results[1].provider_id
    assert "调解通知正文" in mail.get_payload(decode=True).decode()


def test_gateway_api_and_inbox_page_and_persistence(gateway: GatewayServer, tmp_path: Any) -> None:
    send_many([Message("sms", "13900002222", "第一条"), Message("sms", "13900002222", "第二条")])
    with urllib.request.urlopen(f"{gateway.url}/api/messages?to=13900002222") as r:
        listed = json.loads(r.read())["messages"]
    assert [m["text"][-3:] for m in listed] == ["第二条", "第一条"]
    with urllib.request.urlopen(f"{gateway.url}/") as r:
        assert "短信网关模拟器" in r.read().decode()
    again = start_in_thread(0, tmp_path / "inbox.jsonl")
    try:
        assert len(again.inbox.query("13900002222", 10)) == 2
    finally:
        again.shutdown()


def test_a_request_without_api_key_is_refused(gateway: GatewayServer) -> None:
    req = urllib.request.Request(
        f"{gateway.url}/api/messages", data=b'{"messages": []}', method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(req)
    assert exc.value.code == 401


def test_unreachable_channels_report_failure_not_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIEFEN_SMS_GATEWAY_URL", f"http://127.0.0.1:{_free_port()}")
    monkeypatch.setenv("JIEFEN_SMTP_PORT", str(_free_port()))
    results = send_many([Message("sms", "13800001111", "x"), Message("email", "a@b.cn", "x")])
    assert not any(r.ok for r in results)
    assert "短信网关不可用" in results[0].error and "邮件服务器不可用" in results[1].error
