"""The secret link of an SMS or e-mail asks who you are before it shows the documents.

Opening the link is still a read of that attempt (在线诉讼规则第三十一条第二款), but the served
documents — the complaint with the party's debts — appear only after the visitor gives the last
six characters of the served party's ID number, throttled per attempt and per address like the
borrower portal; the session then opens that one link only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from jiefen.accounts.models import User
from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case
from jiefen.service import selectors
from jiefen.service.actions import dispatch, open_services
from jiefen.service.messages import SERVED_DOCUMENTS
from jiefen.service.models import Channel, Service, ServiceAttempt

pytestmark = pytest.mark.django_db

ID_NUMBER = "50010519900101123X"
LOCKED = "尝试次数过多"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _served(filed: Any, clerk: User, gateway: Any, **kwargs: Any) -> tuple[Service, str]:
    """A case served by SMS; the service and the token its message carries."""
    mobile = kwargs.setdefault("mobile", "13700000001")
    case: Case = filed(**kwargs)
    dispatch(attempt_ids=open_services([case.pk], by=clerk))
    text = gateway.inbox.query(mobile, 1)[0]["text"]
    token = re.search(r"/s/([^/\s]+)/", text).group(1)  # type: ignore[union-attr]
    return Service.objects.get(case=case), token


def _identify(client: Client, token: str, id6: str) -> Any:
    return client.post(f"/s/{token}/", {"id6": id6})


def test_the_link_shows_no_document_before_the_id_step(
    filed: Any, clerk: User, gateway: Any
) -> None:
    service, token = _served(filed, clerk, gateway, id_number=ID_NUMBER, confirmed=False)
    client = Client()
    page = client.get(f"/s/{token}/")
    body = page.content.decode()
    assert page.status_code == 200
    case = service.case
    assert case.court.name in body and case.case_number in body and SERVED_DOCUMENTS in body
    assert 'name="id6"' in body
    docs = selectors.served_documents(service)
    for d in docs:
        assert d.sha256 not in body and f"/s/{token}/{d.pk}/" not in body
        assert client.get(f"/s/{token}/{d.pk}/").status_code == 404
    assert service.party.name not in body  # nor who is sued
    # opening the link is a read of that attempt, as before
    sms = service.attempts.get(channel=Channel.SMS)
    assert sms.read_at is not None and sms.read_how == "打开送达链接"


def test_a_wrong_code_is_refused_and_the_right_one_opens_the_documents(
    filed: Any, clerk: User, gateway: Any
) -> None:
    service, token = _served(filed, clerk, gateway, id_number=ID_NUMBER)
    client = Client()
    wrong = _identify(client, token, "01123Y").content.decode()
    assert "证件号码后六位不正确" in wrong
    assert service.packet.sha256 not in wrong
    assert client.get(f"/s/{token}/{service.packet_id}/").status_code == 404
    # the right code, with a small x: the session now holds this link
    right = _identify(client, token, "01123x")
    assert right.status_code == 302 and right["Location"] == f"/s/{token}/"
    body = client.get(f"/s/{token}/").content.decode()
    docs = selectors.served_documents(service)
    assert len(docs) > 1
    for d in docs:
        assert d.sha256 in body and f"/s/{token}/{d.pk}/" in body
    assert service.party.name in body
    download = client.get(f"/s/{token}/{docs[1].pk}/")
    assert download.status_code == 200 and download["X-Content-SHA256"] == docs[1].sha256
    sms = ServiceAttempt.objects.get(service=service, channel=Channel.SMS)
    assert sms.read_how == "打开送达链接"  # the first read is kept
    record = AuditRecord.objects.get(action="download.document", object_id=str(docs[1].pk))
    assert record.payload["via"] == "service_link" and record.payload["attempt"] == sms.pk


def test_another_token_s_session_does_not_open_this_one(
    filed: Any, clerk: User, gateway: Any
) -> None:
    mine, my_token = _served(filed, clerk, gateway, id_number=ID_NUMBER)
    theirs, their_token = _served(
        filed, clerk, gateway, name="孙七", mobile="13700000002", id_number="500105199002023456"
    )
    client = Client()
    assert _identify(client, my_token, "01123X").status_code == 302
    assert client.get(f"/s/{my_token}/{mine.packet_id}/").status_code == 200
    # the other party's link in the same browser still asks, and serves nothing
    other = client.get(f"/s/{their_token}/").content.decode()
    assert 'name="id6"' in other and theirs.packet.sha256 not in other
    assert client.get(f"/s/{their_token}/{theirs.packet_id}/").status_code == 404
    # nor does this link serve the other party's packet
    assert client.get(f"/s/{my_token}/{theirs.packet_id}/").status_code == 404
    # my ID digits do not open their link
    assert "证件号码后六位不正确" in _identify(client, their_token, "01123X").content.decode()


def test_repeated_failures_lock_the_link_even_with_a_new_session_each_time(
    filed: Any, clerk: User, gateway: Any, settings: Any
) -> None:
    settings.JIEFEN_LOGIN_MAX_FAILURES = 5
    service, token = _served(filed, clerk, gateway, id_number=ID_NUMBER)
    for n in range(5):
        page = _identify(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), token, f"00000{n}")
        assert "证件号码后六位不正确" in page.content.decode()
    # the sixth try is right, from a fresh session and address: refused, nothing shown
    client = Client(REMOTE_ADDR="203.0.113.99")
    locked = _identify(client, token, "01123X").content.decode()
    assert LOCKED in locked and "15 分钟" in locked
    assert service.packet.sha256 not in locked
    assert client.get(f"/s/{token}/{service.packet_id}/").status_code == 404
    assert AuditRecord.objects.filter(action="auth.locked").count() == 1


def test_failures_from_one_address_lock_that_address(
    filed: Any, clerk: User, gateway: Any, settings: Any
) -> None:
    settings.JIEFEN_LOGIN_MAX_FAILURES_PER_IP = 3
    _first, first_token = _served(filed, clerk, gateway, id_number=ID_NUMBER)
    _second, second_token = _served(
        filed, clerk, gateway, name="孙七", mobile="13700000002", id_number="500105199002023456"
    )
    for _ in range(3):
        assert (
            "不正确"
            in _identify(Client(REMOTE_ADDR="198.51.100.9"), first_token, "999999").content.decode()
        )
    # the address is locked, on any link
    assert (
        LOCKED
        in _identify(Client(REMOTE_ADDR="198.51.100.9"), second_token, "023456").content.decode()
    )
    # another address is not
    assert _identify(Client(REMOTE_ADDR="192.0.2.1"), second_token, "023456").status_code == 302


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_link_on_a_phone_in_chromium(
    chromium: Any, live_server: Any, filed: Any, clerk: User, gateway: Any
) -> None:
    service, token = _served(filed, clerk, gateway, id_number=ID_NUMBER)
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{token}/")
    assert service.case.case_number in page.content()
    assert page.locator("#documents").count() == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.fill("#id6", "99999X")
    page.click("button[type=submit]")
    assert "证件号码后六位不正确" in page.locator(".error").inner_text()
    page.screenshot(path=str(SHOTS / "service_link_identify.png"), full_page=True)
    page.fill("#id6", "01123x")
    page.click("button[type=submit]")
    page.wait_for_selector("#documents")
    assert service.packet.sha256 in page.locator("#documents").inner_text()
    page.screenshot(path=str(SHOTS / "service_link_documents.png"), full_page=True)
    context.close()
