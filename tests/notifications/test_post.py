"""The postal (EMS 法院专递) simulator and adapter over real HTTP. Postal service is served on
the date the addressee signs (民诉法 Art. 88, 91); a returned letter opens the way to public
notice (Art. 95), so both dates must come back, signed and deterministic."""

import hashlib
import json
import urllib.request
from collections.abc import Iterator
from datetime import date

import pytest

from jiefen.notifications import Message, s10_check_digit, send_many, verify
from jiefen.notifications.post import PostalServer, is_valid_tracking_number, start_in_thread

from .conftest import Receiver

SECRET = "post-secret"


@pytest.mark.parametrize(
    ("serial", "digit"),
    [
        # 4·8+7·6+3·4+1·2+2·3+4·5+8·9+2·7 = 200; 200 % 11 = 2; 11 - 2 = 9 (the UPU S10 example)
        ("47312482", 9),
        # 0 → 11 - 0 = 11 → 5
        ("00000000", 5),
        # 8·7 = 56; 56 % 11 = 1; 11 - 1 = 10 → 0
        ("00000008", 0),
        # 1·7 = 7; 11 - 7 = 4
        ("00000001", 4),
        # 1·8 = 8; 11 - 8 = 3
        ("10000000", 3),
    ],
)
def test_s10_check_digit_follows_the_upu_algorithm(serial: str, digit: int) -> None:
    assert s10_check_digit(serial) == digit


def test_s10_rejects_a_serial_that_is_not_8_digits() -> None:
    with pytest.raises(ValueError):
        s10_check_digit("1234567")


@pytest.fixture
def post(monkeypatch: pytest.MonkeyPatch, receiver: Receiver) -> Iterator[PostalServer]:
    server = start_in_thread(
        0, delay=0.1, return_rate=0, clock=lambda: date(2025, 3, 3), secret=SECRET
    )
    monkeypatch.setenv("JIEFEN_POSTAL_URL", server.url)
    monkeypatch.setenv("JIEFEN_POSTAL_RECEIPT_URL", receiver.url)
    yield server
    server.shutdown()


def test_mailing_gets_a_tracking_number_and_a_signed_receipt_with_dates(
    post: PostalServer, receiver: Receiver
) -> None:
    results = send_many(
        [
            Message("post", "北京市朝阳区某路1号", "传票", recipient="张三", reference="att-7"),
            Message("post", "上海市某区查无此人路2号", "传票", recipient="李四", reference="att-8"),
            Message("post", "广州市某路3号", "传票", recipient="", reference="att-9"),
        ]
    )
    assert [r.ok for r in results] == [True, True, False]
    assert results[2].error == "收件人姓名为空"
    assert all(is_valid_tracking_number(r.provider_id) for r in results[:2])
    assert results[0].provider_id.startswith("E") and results[0].provider_id.endswith("CN")
    assert post.flush(5)
    for body, signature in receiver.posts:
        assert verify(body, signature, SECRET)
    by_ref = {r["reference"]: r for r in receiver.receipts()}
    signed, returned = by_ref["att-7"], by_ref["att-8"]
    assert signed["tracking_number"] == results[0].provider_id
    assert (signed["status"], signed["signed_on"], signed["returned_on"]) == (
        "signed",
        "2025-03-05",  # clock + 2 days in transit
        None,
    )
    assert signed["signer"]
    assert (returned["status"], returned["returned_on"], returned["returned_reason"]) == (
        "returned",
        "2025-03-05",
        "查无此人",
    )
    assert returned["signed_on"] is None and returned["receipt_id"].startswith("p-")
    with urllib.request.urlopen(f"{post.url}/api/mailings/{results[1].provider_id}") as r:
        found = json.loads(r.read())
    assert found["mailing"]["status"] == "returned" and found["receipt"]["reference"] == "att-8"
    with urllib.request.urlopen(f"{post.url}/") as r:
        page = r.read().decode()
    assert "法院专递" in page and results[0].provider_id in page and "已退回" in page


def test_return_is_deterministic_per_address(
    monkeypatch: pytest.MonkeyPatch, receiver: Receiver
) -> None:
    server = start_in_thread(0, delay=0, return_rate=0.5, secret=SECRET)
    try:
        monkeypatch.setenv("JIEFEN_POSTAL_URL", server.url)
        monkeypatch.setenv("JIEFEN_POSTAL_RECEIPT_URL", receiver.url)
        addresses = [f"杭州市西湖区某路{i}号" for i in range(20)]
        first = send_many([Message("post", a, "传票", recipient="王五") for a in addresses])
        again = send_many([Message("post", a, "传票", recipient="王五") for a in addresses])
        assert server.flush(5)
        status = {r["tracking_number"]: r["status"] for r in receiver.receipts()}
        for a, r1, r2 in zip(addresses, first, again, strict=True):
            frac = int(hashlib.sha256(a.encode()).hexdigest()[:8], 16) / 2**32
            expected = "returned" if frac < 0.5 else "signed"
            assert status[r1.provider_id] == status[r2.provider_id] == expected
        assert {"returned", "signed"} <= set(status.values())
    finally:
        server.shutdown()


def test_unknown_tracking_number_is_404_and_unreachable_post_is_a_failure(
    post: PostalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(f"{post.url}/api/mailings/EA000000015CN")
    assert exc.value.code == 404
    monkeypatch.setenv("JIEFEN_POSTAL_URL", "http://127.0.0.1:9")
    [result] = send_many([Message("post", "某地址", "传票", recipient="张三")])
    assert not result.ok and "邮政服务不可用" in result.error
