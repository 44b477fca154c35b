"""The party confirms their address for service on the portal (送达地址确认书, online).

What the party confirms becomes their own confirmed contacts (never another party's); a later
service sends there with the consent the confirmation gave (在线诉讼规则第二十九条、第三十一条
第一款), and confirming is the party acting on the platform: an open portal service to an
unconfirmed inbox takes effect by the law's rules (第三十一条第二款).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jiefen.accounts.models import Role, User
from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case, Contact, ContactKind, ContactSource, Party
from jiefen.cases.states import State
from jiefen.docket.actions import file_cases
from jiefen.docket.paperwork import document_cases
from jiefen.service.actions import (
    ActionRefused,
    AddressRefused,
    confirm_address,
    dispatch,
    open_services,
)
from jiefen.service.models import AttemptState, Channel, EventKind, Service, ServiceEvent

pytestmark = pytest.mark.django_db

CONFIRMED_MOBILE = "13712345678"
ADDRESS = "重庆市渝北区龙溪街道金龙路88号2栋3-1"
ART_29_1 = "送达地址确认书中明确同意电子送达"


def _serve(case: Case, clerk: User) -> Service:
    dispatch(attempt_ids=open_services([case.pk], by=clerk))
    return Service.objects.get(case=case)


def _another_case(party: Party, make_case: Any, series: Any, clerk: User) -> Case:
    """A second case against the same party, filed later with its packet."""
    case = make_case(defendant=party, series=series, state=State.AWAITING_FILING)
    file_cases([case.pk], by=clerk, filed_on=timezone.localdate())
    document_cases([case.pk], by=clerk)
    case.refresh_from_db()
    assert case.state == State.FILED
    return case


def test_a_confirmation_creates_contacts_only_on_the_user_s_own_party(
    filed: Any, clerk: User, gateway: Any, make_user: Any
) -> None:
    mine, theirs = filed(name="王五", mobile="13900000001"), filed(name="赵六")
    service = _serve(mine, clerk)
    other = _serve(theirs, clerk)
    party, stranger = service.party, other.party
    before = list(stranger.contacts.values_list("pk", flat=True))
    user = make_user(Role.DEFENDANT, party=party)
    contacts = confirm_address(
        by=user,
        mobile=" 137 1234 5678 ",
        email="WangWu@Example.cn",
        address=ADDRESS,
        e_service_consent=True,
    )
    assert {(c.party_id, c.kind, c.value) for c in contacts} == {
        (party.pk, ContactKind.MOBILE, CONFIRMED_MOBILE),
        (party.pk, ContactKind.EMAIL, "wangwu@example.cn"),
        (party.pk, ContactKind.ADDRESS, ADDRESS),
    }
    assert all(
        c.source == ContactSource.PARTY and c.confirmed and c.e_service_consent for c in contacts
    )
    assert list(stranger.contacts.values_list("pk", flat=True)) == before
    # the party's open service records the confirmation; the other party's does not
    event = ServiceEvent.objects.get(kind=EventKind.ADDRESS_CONFIRMED)
    assert event.service_id == service.pk and event.actor_id == user.pk
    assert "137****5678" in event.note and CONFIRMED_MOBILE not in event.note
    # the audit record names the fields, never the values
    record = AuditRecord.objects.get(action="service.confirm_address")
    assert record.object_id == str(party.pk) and record.actor_id == user.pk
    assert record.payload["fields"] == ["mobile", "email", "address"]
    text = json.dumps(record.payload, ensure_ascii=False)
    assert CONFIRMED_MOBILE not in text and "example.cn" not in text and "金龙路" not in text
    # the same confirmation again stores nothing twice
    again = confirm_address(
        by=user, mobile=CONFIRMED_MOBILE, email="", address="", e_service_consent=True
    )
    assert [c.pk for c in again] == [contacts[0].pk]
    assert party.contacts.filter(source=ContactSource.PARTY).count() == 3
    # a clerk cannot confirm for anyone
    with pytest.raises(ActionRefused, match="受送达人本人"):
        confirm_address(
            by=clerk, mobile=CONFIRMED_MOBILE, email="", address="", e_service_consent=True
        )


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"mobile": "1371234567"}, "mobile", "手机号码"),
        ({"mobile": "23712345678"}, "mobile", "手机号码"),
        ({"email": "wangwu.example.cn"}, "email", "电子邮箱"),
        ({"email": "wangwu@example"}, "email", "电子邮箱"),
        ({"address": "重庆市渝北区"}, "address", "送达地址"),
        ({}, "all", "至少填写"),
        ({"mobile": CONFIRMED_MOBILE, "consent": False}, "e_service_consent", "同意"),
    ],
)
def test_bad_input_names_the_field_and_creates_nothing(
    make_party: Any, make_user: Any, fields: dict[str, Any], field: str, words: str
) -> None:
    party = make_party(name="钱九")
    user = make_user(Role.DEFENDANT, party=party)
    before = Contact.objects.count()
    with pytest.raises(AddressRefused) as refused:
        confirm_address(
            by=user,
            mobile=fields.get("mobile", ""),
            email=fields.get("email", ""),
            address=fields.get("address", ""),
            e_service_consent=fields.get("consent", True),
        )
    assert set(refused.value.errors) == {field}
    assert words in refused.value.errors[field]
    assert Contact.objects.count() == before
    assert not AuditRecord.objects.filter(action="service.confirm_address").exists()


def test_one_wrong_field_among_good_ones_stores_none_of_them(
    make_party: Any, make_user: Any
) -> None:
    party = make_party(name="孙十")
    user = make_user(Role.DEFENDANT, party=party)
    with pytest.raises(AddressRefused) as refused:
        confirm_address(
            by=user,
            mobile=CONFIRMED_MOBILE,
            email="not-an-address",
            address=ADDRESS,
            e_service_consent=True,
        )
    assert set(refused.value.errors) == {"email"}
    assert not party.contacts.filter(source=ContactSource.PARTY).exists()


def test_a_later_case_is_served_on_the_confirmed_contacts(
    filed: Any, clerk: User, gateway: Any, make_user: Any, make_case: Any, series: Any
) -> None:
    # the bank's number had no consent; the party confirms another one and consents
    first = filed(name="周八", mobile="13900000008", confirmed=False, consent=False)
    party = Service.objects.get(pk=_serve(first, clerk).pk).party
    user = make_user(Role.DEFENDANT, party=party)
    confirm_address(
        by=user, mobile=CONFIRMED_MOBILE, email="", address=ADDRESS, e_service_consent=True
    )
    second = _another_case(party, make_case, series, clerk)
    ids = open_services([second.pk], by=clerk)
    service = Service.objects.get(case=second)
    sms = next(
        a for a in service.attempts.filter(channel=Channel.SMS) if a.address == CONFIRMED_MOBILE
    )
    assert sms.pk in ids
    assert sms.address_confirmed and sms.consent_basis
    assert sms.address_source == "当事人本人确认（当事人已确认）"
    dispatch(attempt_ids=ids)
    assert gateway.inbox.query(CONFIRMED_MOBILE, 1)  # the SMS went to the confirmed number
    # the party now has their own login too: the inbox is a confirmed address, served the day
    # the packet is placed there (在线诉讼规则第三十一条第一款)
    service.refresh_from_db()
    assert service.state == Service.State.SERVED and service.served_on == timezone.localdate()


def test_the_later_service_cites_the_confirmation_as_its_consent(
    filed: Any, clerk: User, gateway: Any, make_user: Any, make_case: Any, series: Any
) -> None:
    first = filed(name="吴一", mobile=None, confirmed=False, consent=False)
    party = _serve(first, clerk).party
    confirm_address(
        by=make_user(Role.DEFENDANT, party=party),
        mobile=CONFIRMED_MOBILE,
        email="",
        address="",
        e_service_consent=True,
    )
    second = _another_case(party, make_case, series, clerk)
    open_services([second.pk], by=clerk)
    sms = Service.objects.get(case=second).attempts.get(channel=Channel.SMS)
    assert sms.consent_basis == ART_29_1, sms.consent_basis


def test_an_unconfirmed_portal_service_is_served_after_the_confirmation(
    filed: Any, clerk: User, gateway: Any, make_user: Any
) -> None:
    case = filed(name="郑二", mobile="13900000002", confirmed=False)
    service = _serve(case, clerk)
    portal = service.attempts.get(channel=Channel.PORTAL)
    assert not portal.address_confirmed and portal.state == AttemptState.DELIVERED
    assert service.state == Service.State.IN_PROGRESS  # unconfirmed: delivery is not enough
    user = make_user(Role.DEFENDANT, party=service.party)
    confirm_address(by=user, mobile="", email="", address=ADDRESS, e_service_consent=False)
    portal.refresh_from_db()
    assert portal.state == AttemptState.READ and portal.read_how == "确认送达地址"
    service.refresh_from_db()
    assert service.state == Service.State.SERVED and service.served_by_id == portal.pk
    assert service.served_on == timezone.localdate() and service.answer_ends is not None
    kinds = list(service.events.values_list("kind", flat=True))
    assert kinds.index(EventKind.ADDRESS_CONFIRMED) < kinds.index(EventKind.SERVED)
    case.refresh_from_db()
    assert case.state == State.SERVED


def test_the_inbox_form_shows_the_wrong_field_and_then_confirms(
    filed: Any, clerk: User, gateway: Any, make_user: Any
) -> None:
    service = _serve(filed(name="冯三"), clerk)
    client = Client()
    client.force_login(make_user(Role.DEFENDANT, party=service.party))
    page = client.get("/service/inbox/").content.decode()
    assert "送达地址确认书" in page and "同意人民法院通过以上电子方式向本人送达诉讼文书" in page
    bad = client.post(
        "/service/inbox/confirm/",
        {"mobile": "12345", "address": ADDRESS, "e_service_consent": "on"},
    ).content.decode()
    assert "手机号码不正确" in bad and ADDRESS in bad  # what was typed stays in the form
    assert not service.party.contacts.filter(source=ContactSource.PARTY).exists()
    done = client.post(
        "/service/inbox/confirm/",
        {"mobile": CONFIRMED_MOBILE, "address": ADDRESS, "e_service_consent": "on"},
        follow=True,
    ).content.decode()
    assert "送达地址已确认" in done and "137****5678（同意电子送达）" in done
    assert CONFIRMED_MOBILE not in done
    assert service.party.contacts.filter(source=ContactSource.PARTY).count() == 2
    # only a party's login has the form
    staff = Client()
    staff.force_login(clerk)
    assert staff.post("/service/inbox/confirm/", {"address": ADDRESS}).status_code == 404


SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_party_confirms_in_chromium(
    login_page: Any, live_server: Any, filed: Any, clerk: User, gateway: Any, make_user: Any
) -> None:
    service = _serve(filed(name="陈四"), clerk)
    user = make_user(Role.DEFENDANT, party=service.party)
    page = login_page(user.username, viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/service/inbox/")
    page.fill("#mobile", "1371234")
    page.fill("#address", ADDRESS)
    page.check("input[name=e_service_consent]")
    page.click("#confirm-submit")
    assert "手机号码不正确" in page.locator("#mobile-error").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "service_confirm_error.png"), full_page=True)
    page.fill("#mobile", CONFIRMED_MOBILE)
    page.click("#confirm-submit")
    page.wait_for_selector("#confirmed-addresses")
    assert "137****5678" in page.locator("#confirmed-addresses").inner_text()
    page.screenshot(path=str(SHOTS / "service_confirm.png"), full_page=True)
