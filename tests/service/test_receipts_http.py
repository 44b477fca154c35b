"""Receipts over real HTTP: the gateway simulator posts signed batches back to jiefen."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from jiefen.notifications.gateway import start_in_thread
from jiefen.notifications.receipts import sign
from jiefen.service.actions import dispatch, open_services
from jiefen.service.models import Service, ServiceReceipt


@pytest.fixture
def live_gateway(live_server: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Any:
    server = start_in_thread(
        0, tmp_path / "inbox.jsonl", delay=0, fail_numbers=("13700000000",), duplicate_receipts=True
    )
    monkeypatch.setenv("JIEFEN_SMS_GATEWAY_URL", server.url)
    monkeypatch.setenv("JIEFEN_SMS_RECEIPT_URL", f"{live_server.url}/service/receipts/sms/")
    yield server
    server.shutdown()


def test_gateway_receipts_arrive_over_http_once_each(
    filed: Any, clerk: Any, live_gateway: Any
) -> None:
    ok = filed(mobile="13800000001")
    dead = filed(mobile="13700000000")
    dispatch(attempt_ids=open_services([ok.pk, dead.pk], by=clerk))
    assert live_gateway.flush(20)
    receipts = ServiceReceipt.objects.order_by("pk")
    assert receipts.count() == 2  # every receipt was posted twice (duplicate mode): counted once
    assert {r.status for r in receipts} == {"delivered", "failed"}
    assert Service.objects.get(case=ok).state == Service.State.SERVED
    failed = Service.objects.get(case=dead).attempts.get(channel="sms")
    assert failed.state == "failed" and failed.next_attempt_at is not None  # a retry is scheduled


def _post(url: str, body: bytes, signature: str) -> int:
    request = urllib.request.Request(
        url,
        data=body,
        headers={"Content-Type": "application/json", "X-Jiefen-Signature": signature},
    )
    try:
        with urllib.request.urlopen(request) as r:
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_unsigned_or_forged_receipts_are_refused(live_server: Any) -> None:
    url = f"{live_server.url}/service/receipts/sms/"
    body = json.dumps(
        {"receipts": [{"receipt_id": "r-1", "reference": "1", "status": "delivered"}]}
    ).encode()
    assert _post(url, body, "") == 403
    assert _post(url, body, sign(body, "wrong-secret")) == 403
    assert _post(url, b"not json", sign(b"not json", "demo-receipt-secret")) == 400
    assert ServiceReceipt.objects.count() == 0


def test_a_bad_receipt_is_named_and_the_good_ones_are_kept(
    filed: Any, clerk: Any, gateway: Any, live_server: Any
) -> None:
    case = filed()
    dispatch(attempt_ids=open_services([case.pk], by=clerk))
    sms = Service.objects.get(case=case).attempts.get(channel="sms")
    body = json.dumps(
        {
            "receipts": [
                {"receipt_id": "ok-1", "reference": str(sms.pk), "status": "delivered"},
                {"receipt_id": "", "reference": str(sms.pk), "status": "delivered"},
                {"receipt_id": "bad-2", "reference": str(sms.pk), "status": "lost"},
            ]
        }
    ).encode()
    request = urllib.request.Request(
        f"{live_server.url}/service/receipts/sms/",
        data=body,
        headers={"X-Jiefen-Signature": sign(body, "demo-receipt-secret")},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    answer = json.loads(refused.value.read())
    assert refused.value.code == 422 and answer["accepted"] == 1
    assert answer["invalid"] == [
        "第2条回执 receipt_id：缺少回执编号",
        "第3条回执 status：回执状态「lost」无效，应为 delivered、failed",
    ]
    assert ServiceReceipt.objects.get().receipt_id == "ok-1"
    assert Service.objects.get(case=case).state == Service.State.SERVED
