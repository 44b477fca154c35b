"""SMS delivery receipts over real HTTP: batched, signed, deterministic per number, retried,
duplicated on demand. The receipt's time is the date electronic service takes effect
(民诉法 Art. 90, 民诉解释 Art. 135), so the receiver must be able to trust and de-duplicate it."""

import hashlib
import json
import re
import socket
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from jiefen.notifications import Message, send_many, sign, verify
from jiefen.notifications.gateway import GatewayServer, start_in_thread

from .conftest import Receiver

SECRET = "test-secret"
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")


def _dead(number: str, rate: float) -> bool:
    """The published rule, written out independently of the simulator."""
    return int(hashlib.sha256(number.encode()).hexdigest()[:8], 16) / 2**32 < rate


def _gateway(
    monkeypatch: pytest.MonkeyPatch, receiver: Receiver | None, **options: Any
) -> GatewayServer:
    server = start_in_thread(0, None, secret=SECRET, **options)
    monkeypatch.setenv("JIEFEN_SMS_GATEWAY_URL", server.url)
    if receiver:
        monkeypatch.setenv("JIEFEN_SMS_RECEIPT_URL", receiver.url)
    return server


@pytest.fixture
def servers() -> Iterator[list[GatewayServer]]:
    started: list[GatewayServer] = []
    yield started
    for s in started:
        s.shutdown()


def test_signature_verifies_only_the_exact_body_and_secret() -> None:
    body = b'{"receipts": []}'
    sig = sign(body, SECRET)
    assert verify(body, sig, SECRET)
    assert not verify(body + b" ", sig, SECRET)
    assert not verify(body, sig, "other-secret")
    assert not verify(body, "", SECRET)


def test_receipts_arrive_signed_with_outcome_reference_and_time(
    monkeypatch: pytest.MonkeyPatch, receiver: Receiver, servers: list[GatewayServer]
) -> None:
    gw = _gateway(monkeypatch, receiver, delay=0.2, failure_rate=0, fail_numbers={"13900000009"})
    servers.append(gw)
    results = send_many(
        [
            Message("sms", "13800001111", "调解通知", reference="att-1"),
            Message("sms", "13900000009", "调解通知", reference="att-2"),
        ]
    )
    assert all(r.ok for r in results)
    assert gw.flush(5)
    for body, signature in receiver.posts:
        assert verify(body, signature, SECRET)
    by_ref = {r["reference"]: r for r in receiver.receipts()}
    assert by_ref["att-1"]["status"] == "delivered"
    assert by_ref["att-1"]["message_id"] == results[0].provider_id
    assert by_ref["att-2"]["status"] == "failed" and by_ref["att-2"]["error"] == "用户关机或空号"
    assert all(ISO_WITH_OFFSET.match(r["at"]) for r in by_ref.values())
    assert len({r["receipt_id"] for r in by_ref.values()}) == 2
    # the accept answer no longer claims delivery; the receipt API tells
    with urllib.request.urlopen(f"{gw.url}/api/receipts?message_id={results[1].provider_id}") as r:
        assert json.loads(r.read())["receipts"][0]["status"] == "failed"
    with urllib.request.urlopen(f"{gw.url}/") as r:
        assert "失败（用户关机或空号）" in r.read().decode()


def test_receipts_are_batched_at_most_500_per_post(
    monkeypatch: pytest.MonkeyPatch, receiver: Receiver, servers: list[GatewayServer]
) -> None:
    servers.append(_gateway(monkeypatch, receiver, delay=0.5, failure_rate=0))
    n = 1200
    results = send_many([Message("sms", f"138{i:08d}", "通知") for i in range(n)])
    assert all(r.ok for r in results)
    assert servers[0].flush(10)
    sizes = [len(json.loads(body)["receipts"]) for body, _ in receiver.posts]
    assert sum(sizes) == n and max(sizes) == 500
    assert len(sizes) <= 4  # batched, not one POST per message
    assert {r["message_id"] for r in receiver.receipts()} == {r.provider_id for r in results}


def test_failure_is_deterministic_per_number_on_every_retry(
    monkeypatch: pytest.MonkeyPatch, receiver: Receiver, servers: list[GatewayServer]
) -> None:
    servers.append(_gateway(monkeypatch, receiver, delay=0, failure_rate=0.5))
    numbers = [f"1390000{i:04d}" for i in range(30)]
    send_many([Message("sms", n, "第一次", reference=f"a-{n}") for n in numbers])
    send_many([Message("sms", n, "重发", reference=f"b-{n}") for n in numbers])
    assert servers[0].flush(5)
    status = {r["reference"]: r["status"] for r in receiver.receipts()}
    for n in numbers:
        expected = "failed" if _dead(n, 0.5) else "delivered"
        assert status[f"a-{n}"] == status[f"b-{n}"] == expected
    assert {"failed", "delivered"} <= set(status.values())


def test_a_refused_batch_is_posted_again(
    monkeypatch: pytest.MonkeyPatch, receiver: Receiver, servers: list[GatewayServer]
) -> None:
    receiver.answers = [500]
    servers.append(_gateway(monkeypatch, receiver, delay=0, failure_rate=0))
    send_many([Message("sms", "13800001111", "x"), Message("sms", "13800002222", "y")])
    assert servers[0].flush(5)
    assert len(receiver.posts) == 2  # refused once, then accepted
    first, second = (json.loads(body)["receipts"] for body, _ in receiver.posts)
    assert [r["receipt_id"] for r in first] == [r["receipt_id"] for r in second]
    assert len(receiver.receipts()) == 2


def test_duplicate_mode_posts_every_receipt_twice(
    monkeypatch: pytest.MonkeyPatch, receiver: Receiver, servers: list[GatewayServer]
) -> None:
    servers.append(_gateway(monkeypatch, receiver, delay=0, duplicate_receipts=True))
    send_many([Message("sms", f"1370000{i:04d}", "x") for i in range(5)])
    assert servers[0].flush(5)
    ids = [r["receipt_id"] for r in receiver.receipts()]
    assert len(ids) == 10 and len(set(ids)) == 5


def test_flush_reports_an_unreachable_callback_and_the_receipt_api_still_tells(
    monkeypatch: pytest.MonkeyPatch, servers: list[GatewayServer]
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/receipts"
    monkeypatch.setenv("JIEFEN_SMS_RECEIPT_URL", dead)
    gw = start_in_thread(0, None, delay=0, failure_rate=0)
    servers.append(gw)
    monkeypatch.setenv("JIEFEN_SMS_GATEWAY_URL", gw.url)
    [result] = send_many([Message("sms", "13800001111", "x")])
    assert not gw.flush(0.5)  # still retrying: at-least-once, nothing dropped
    with urllib.request.urlopen(f"{gw.url}/api/receipts?message_id={result.provider_id}") as r:
        assert json.loads(r.read())["receipts"][0]["status"] == "delivered"


def test_without_callback_no_receipt_is_posted_but_it_is_queryable(
    monkeypatch: pytest.MonkeyPatch, receiver: Receiver, servers: list[GatewayServer]
) -> None:
    gw = _gateway(monkeypatch, None, delay=0, failure_rate=1)
    servers.append(gw)
    [result] = send_many([Message("sms", "13800001111", "x")])
    assert result.ok and gw.flush(5)
    assert receiver.posts == []
    assert gw.receipts_of(result.provider_id)[0]["status"] == "failed"
