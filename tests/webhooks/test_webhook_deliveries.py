"""Webhooks end to end: a bank registers a real local HTTP receiver through the API, cases move
through the real actions (filing, enforcement filing, an enforcement receipt, a judgment taking
effect), the periodic task runs, and the receiver gets each event once, signed, in the
documented shape; failures are retried after the backoff and logged; another institution's
receiver gets nothing of this bank's cases."""

from __future__ import annotations

import hashlib
import hmac
import socket
import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client

from enforcement.factories import FILED_ON, enforceable_case, open_enforcement
from jiefen.accounts.models import Organisation, Role, User
from jiefen.cases.actions import transition
from jiefen.cases.models import Case, Series
from jiefen.cases.states import State
from jiefen.docket.actions import file_cases
from jiefen.enforcement.actions.money import ReceiptRow, record_receipts
from jiefen.enforcement.models import ReceiptSource
from jiefen.mediation.actions import PaymentRow, record_payments
from jiefen.mediation.models import (
    Instalment,
    InstalmentPlan,
    MediationCase,
    Offer,
    OfferFrom,
    OfferStatus,
)
from jiefen.webhooks import actions
from jiefen.webhooks.models import Delivery, DeliveryState, OutboxCursor
from jiefen.webhooks.tasks import deliver_webhooks_task

from .conftest import Received, Receiver, basic, subscribe

START = datetime(2026, 5, 6, 2, 0, tzinfo=UTC)  # 10:00 in Chongqing


def signed_with(secret: str, r: Received) -> bool:
    """What the bank's receiver checks: HMAC-SHA256(secret, "{timestamp}." + raw body)."""
    timestamp = r.headers["x-jiefen-timestamp"]
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + r.body, hashlib.sha256)
    return hmac.compare_digest("sha256=" + mac.hexdigest(), r.headers["x-jiefen-signature"])


@pytest.fixture
def clerk(court: Organisation, make_user: Callable[..., User]) -> User:
    make_user(Role.JUDGE, court, full_name="李法官")
    return make_user(Role.CLERK, court, full_name="赵书记员")


def run() -> dict[str, int]:
    return deliver_webhooks_task.call()


@pytest.mark.django_db
def test_each_event_reaches_the_bank_once_signed_and_in_the_documented_shape(
    agent: User,
    bank: Organisation,
    court: Organisation,
    clerk: User,
    make_case: Callable[..., Case],
    series: Series,
    receiver: Receiver,
) -> None:
    hook = subscribe(agent, receiver.url)
    assert hook["secret"].startswith("whsec_") and hook["events"] == [] and hook["active"]

    waiting = make_case(series=series, state=State.AWAITING_FILING)
    file_cases([waiting.pk], by=clerk)
    waiting.refresh_from_db()
    enforced = enforceable_case(court, bank)
    enforcement = open_enforcement(enforced, agent)
    record_receipts(
        [
            ReceiptRow(
                enforcement.pk, "KH-0001", FILED_ON, Decimal("3000.00"), ReceiptSource.DEDUCTION
            )
        ],
        by=enforcement.officer,
    )
    judged = make_case(series=series, state=State.JUDGED, case_number="（2026）渝0105民初88号")
    transition(judged, "take_effect", by=None)

    report = run()

    assert report["delivered"] == len(receiver.received)
    assert Counter(receiver.events()) == {
        "ping": 1,
        "filed": 1,
        "enforcement_measure": 2,  # the execution notice and the order to report assets
        "paid": 1,
        "effective": 1,
    }
    for r in receiver.received:
        assert signed_with(hook["secret"], r)
        assert r.path == "/hooks/jiefen"
        assert r.headers["content-type"].startswith("application/json")
        assert r.headers["x-jiefen-event"] == r.json["event"]
        assert r.headers["x-jiefen-delivery"] == str(r.json["delivery"])
        assert set(r.json) == {"delivery", "event", "occurred_at", "institution", "case", "data"}
        assert r.json["institution"] == "BANK01"
    assert len({r.json["delivery"] for r in receiver.received}) == len(receiver.received)

    ping = receiver.of("ping")[0].json
    assert ping["case"] is None and ping["data"]["subscription"] == hook["id"]
    filed = receiver.of("filed")[0].json
    assert filed["case"] == {
        "id": waiting.pk,
        "case_number": waiting.case_number,
        "contract_number": waiting.contract_number,
        "state": "filed",
    }
    assert filed["data"]["case_number"] == waiting.case_number
    assert filed["data"]["acceptance_fee"] == str(waiting.acceptance_fee)
    assert filed["data"]["court"] == "重庆市江北区人民法院"
    assert filed["occurred_at"].endswith("+08:00")
    paid = receiver.of("paid")[0].json
    assert paid["case"]["id"] == enforced.pk
    assert paid["data"]["kind"] == "enforcement"
    assert paid["data"]["reference"] == "KH-0001"
    assert paid["data"]["amount"] == "3000.00"
    assert paid["data"]["enforcement_number"] == enforcement.number
    kinds = {r.json["data"]["kind"] for r in receiver.of("enforcement_measure")}
    assert kinds == {"execution_notice", "report_order"}
    effective = receiver.of("effective")[0].json
    assert effective["case"]["case_number"] == "（2026）渝0105民初88号"
    assert effective["case"]["state"] == "effective"

    # The task runs every minute: running it again sends nothing twice.
    sent = len(receiver.received)
    assert run()["collected"] == 0
    assert run()["delivered"] == 0
    assert len(receiver.received) == sent


def _signed_plan(case: Case, mediation_org: Organisation) -> None:
    """The starting point (built directly, not under test): a signed agreement whose plan is
    10,000.00 then 20,000.00, the case mediated."""
    mediation = MediationCase.objects.create(
        case=case,
        organisation=mediation_org,
        portal_code=f"WH{case.pk:06d}",
        opened_on=date(2026, 4, 1),
        deadline=date(2026, 5, 1),
    )
    offer = Offer.objects.create(
        mediation=mediation,
        made_by=OfferFrom.MEDIATOR,
        total=Decimal("30000.00"),
        instalments=2,
        first_payment=Decimal("10000.00"),
        first_due=date(2026, 5, 10),
        status=OfferStatus.ACCEPTED,
    )
    plan = InstalmentPlan.objects.create(mediation=mediation, offer=offer, total=offer.total)
    Instalment.objects.create(
        plan=plan, number=1, due_date=date(2026, 5, 10), amount=Decimal("10000.00")
    )
    Instalment.objects.create(
        plan=plan, number=2, due_date=date(2026, 6, 10), amount=Decimal("20000.00")
    )
    Case.objects.filter(pk=case.pk).update(state=State.MEDIATED)


@pytest.mark.django_db
def test_a_mediation_instalment_the_bank_reports_is_pushed_once_as_paid(
    agent: User,
    bank: Organisation,
    mediation_org: Organisation,
    make_case: Callable[..., Case],
    series: Series,
    receiver: Receiver,
) -> None:
    hook = subscribe(agent, receiver.url, events=["paid"])
    case = make_case(series=series)
    _signed_plan(case, mediation_org)
    row = PaymentRow(case.contract_number, "P-0001", Decimal("10000.00"), date(2026, 5, 9))
    record_payments(bank, [row], by=agent)
    record_payments(bank, [row], by=agent)  # the bank's system sends it again: a duplicate

    run()
    run()

    assert receiver.events() == ["ping", "paid"]  # subscribed to `paid` only; ping always
    paid = receiver.of("paid")[0]
    assert signed_with(hook["secret"], paid)
    assert paid.json["case"]["id"] == case.pk and paid.json["case"]["state"] == "mediated"
    assert paid.json["data"] == {
        "kind": "instalment",
        "kind_label": "调解协议分期还款",
        "reference": "P-0001",
        "amount": "10000.00",
        "paid_on": "2026-05-09",
        "plan_paid": "10000.00",
        "plan_total": "30000.00",
    }


@pytest.mark.django_db
def test_an_api_token_manages_its_institutions_subscriptions(
    bank: Organisation, other_bank: Organisation, receiver: Receiver
) -> None:
    from jiefen.accounts import tokens

    _, ours = tokens.issue(bank, "信贷核心系统", by=None)
    _, theirs = tokens.issue(other_bank, "信用卡系统", by=None)
    client = Client()
    made = client.post(
        "/api/v1/webhooks",
        {"url": receiver.url},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {ours}",
    )
    assert made.status_code == 201
    assert [
        s["id"] for s in client.get("/api/v1/webhooks", HTTP_AUTHORIZATION=f"Bearer {ours}").json()
    ] == [made.json()["id"]]
    assert client.get("/api/v1/webhooks", HTTP_AUTHORIZATION=f"Bearer {theirs}").json() == []
    gone = client.delete(
        f"/api/v1/webhooks/{made.json()['id']}", HTTP_AUTHORIZATION=f"Bearer {theirs}"
    )
    assert gone.status_code == 404


@pytest.mark.django_db
def test_a_failed_delivery_is_retried_after_the_backoff_and_both_attempts_are_logged(
    agent: User, receiver: Receiver
) -> None:
    receiver.answers = [500]
    with time_machine.travel(START, tick=True) as traveller:
        hook = subscribe(agent, receiver.url)
        assert run()["retrying"] == 1
        assert len(receiver.received) == 1
        assert run()["delivered"] == 0  # not due before the backoff has passed
        assert len(receiver.received) == 1
        traveller.shift(timedelta(seconds=61))
        assert run()["delivered"] == 1

    first, second = receiver.received
    assert first.json == second.json  # the same delivery, sent again
    assert signed_with(hook["secret"], first) and signed_with(hook["secret"], second)
    log = Client().get(f"/api/v1/webhooks/{hook['id']}/deliveries", **basic(agent)).json()
    assert log["count"] == 1
    (item,) = log["items"]
    assert item["id"] == first.json["delivery"]
    assert item["state"] == "delivered" and item["attempts"] == 2
    assert [a["status_code"] for a in item["log"]] == [500, 200]
    assert item["log"][0]["error"] == "接收方返回 HTTP 500"
    assert item["log"][1]["error"] == ""


@pytest.mark.django_db
def test_a_delivery_fails_after_the_last_attempt_and_can_be_sent_again(
    agent: User, receiver: Receiver, settings: Any
) -> None:
    settings.JIEFEN_WEBHOOK_MAX_ATTEMPTS = 3
    receiver.default = 503
    with time_machine.travel(START, tick=True) as traveller:
        subscribe(agent, receiver.url)
        for _ in range(5):
            run()
            traveller.shift(timedelta(hours=1))
        assert len(receiver.received) == 3
        delivery = Delivery.objects.get()
        assert delivery.state == DeliveryState.FAILED and delivery.next_attempt_at is None
        assert delivery.log.count() == 3 and delivery.last_status == 503

        # The bank's system is repaired; its agent (or the centre) sends the delivery again.
        receiver.default = 200
        assert actions.resend([delivery.pk], by=agent) == 1
        assert run()["delivered"] == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED
    assert [a.status_code for a in delivery.log.all()] == [503, 503, 503, 200]
    assert len(receiver.received) == 4


@pytest.mark.django_db
def test_an_unreachable_receiver_is_logged_and_retried(agent: User) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subscribe(agent, f"http://127.0.0.1:{port}/hook")
    assert run()["retrying"] == 1
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.PENDING and delivery.attempts == 1
    assert delivery.last_status is None
    assert delivery.last_error.startswith("无法连接接收方")


@pytest.mark.django_db
def test_another_institution_receives_and_sees_nothing_of_this_banks_cases(
    agent: User,
    other_bank: Organisation,
    clerk: User,
    make_case: Callable[..., Case],
    make_user: Callable[..., User],
    series: Series,
    make_receiver: Callable[[], Receiver],
) -> None:
    ours, theirs = make_receiver(), make_receiver()
    other_agent = make_user(Role.BANK_AGENT, other_bank)
    mine = subscribe(agent, ours.url)
    other = subscribe(other_agent, theirs.url)
    case = make_case(series=series, state=State.AWAITING_FILING)
    file_cases([case.pk], by=clerk)

    run()

    assert sorted(ours.events()) == ["filed", "ping"]
    assert theirs.events() == ["ping"]
    client = Client()
    listed = client.get("/api/v1/webhooks", **basic(other_agent)).json()
    assert [s["id"] for s in listed] == [other["id"]]
    for method, path in (
        (client.get, f"/api/v1/webhooks/{mine['id']}"),
        (client.get, f"/api/v1/webhooks/{mine['id']}/deliveries"),
        (client.delete, f"/api/v1/webhooks/{mine['id']}"),
    ):
        response = method(path, **basic(other_agent))
        assert response.status_code == 404
        assert "推送地址不存在" in response.json()["detail"]
    own = client.get(f"/api/v1/webhooks/{mine['id']}/deliveries", **basic(agent)).json()
    assert own["count"] == 2


@pytest.mark.django_db
def test_a_subscription_gets_only_events_after_it_was_made_and_the_cursor_moves_on(
    agent: User,
    clerk: User,
    make_case: Callable[..., Case],
    series: Series,
    receiver: Receiver,
    settings: Any,
) -> None:
    settings.JIEFEN_WEBHOOK_SETTLE = 300
    with time_machine.travel(START, tick=True) as traveller:
        before = make_case(series=series, state=State.AWAITING_FILING)
        file_cases([before.pk], by=clerk)
        traveller.shift(timedelta(minutes=1))
        subscribe(agent, receiver.url)
        after = make_case(series=series, state=State.AWAITING_FILING)
        file_cases([after.pk], by=clerk)
        run()
        assert [r.json["case"]["id"] for r in receiver.of("filed")] == [after.pk]
        # Young rows are read again on the next run (a slower transaction may still commit
        # below them); nothing is sent twice.
        run()
        assert OutboxCursor.objects.get(source="case_event").last_id == 0
        traveller.shift(timedelta(minutes=6))
        run()
        assert OutboxCursor.objects.get(source="case_event").last_id > 0
    assert Counter(receiver.events()) == {"ping": 1, "filed": 1}


@pytest.mark.django_db
def test_the_api_refuses_in_chinese_and_delete_stops_the_deliveries(
    agent: User, make_user: Callable[..., User], court: Organisation, receiver: Receiver
) -> None:
    client = Client()

    def post(user: User | None, body: dict[str, Any]) -> Any:
        return client.post(
            "/api/v1/webhooks",
            body,
            content_type="application/json",
            **(basic(user) if user else {}),
        )

    assert post(None, {"url": receiver.url}).status_code == 401
    judge = make_user(Role.JUDGE, court)
    refused = post(judge, {"url": receiver.url})
    assert refused.status_code == 403 and "金融机构" in refused.json()["detail"]
    ftp = post(agent, {"url": "ftp://bank.example/hook"})
    assert ftp.status_code == 422 and "http://" in ftp.json()["detail"]
    unknown = post(agent, {"url": receiver.url, "events": ["filed", "hacked"]})
    assert unknown.status_code == 422 and "未知的事件：hacked" in unknown.json()["detail"]

    made = post(agent, {"url": receiver.url, "events": ["paid", "filed", "paid"]})
    assert made.status_code == 201
    assert made.json()["events"] == ["filed", "paid"]
    listed = client.get("/api/v1/webhooks", **basic(agent)).json()
    assert [s["id"] for s in listed] == [made.json()["id"]]
    assert "secret" not in listed[0]

    gone = client.delete(f"/api/v1/webhooks/{made.json()['id']}", **basic(agent))
    assert gone.status_code == 204
    assert client.get("/api/v1/webhooks", **basic(agent)).json() == []
    assert Delivery.objects.get().state == DeliveryState.CANCELLED  # the ping
    run()
    assert receiver.received == []


@pytest.mark.django_db
def test_private_addresses_are_refused_when_the_court_turns_them_off(
    agent: User, receiver: Receiver, settings: Any
) -> None:
    settings.JIEFEN_WEBHOOK_ALLOW_PRIVATE = False
    response = Client().post(
        "/api/v1/webhooks", {"url": receiver.url}, content_type="application/json", **basic(agent)
    )
    assert response.status_code == 422
    assert "内网" in response.json()["detail"]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_at_once_send_each_delivery_once(
    agent: User,
    clerk: User,
    make_case: Callable[..., Case],
    series: Series,
    receiver: Receiver,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: FOR UPDATE SKIP LOCKED between two connections")
    receiver.delay = 0.02  # slow enough for the two workers' claims to overlap
    subscribe(agent, receiver.url)
    cases = [make_case(series=series, state=State.AWAITING_FILING) for _ in range(30)]
    file_cases([c.pk for c in cases], by=clerk, filed_on=date(2026, 5, 6))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            run()
            run()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    ids = Counter(r.json["delivery"] for r in receiver.received)
    assert len(ids) == 31 and set(ids.values()) == {1}
    assert Delivery.objects.filter(state=DeliveryState.DELIVERED).count() == 31


@pytest.mark.django_db
def test_the_centre_reads_the_log_in_the_admin_and_sends_a_delivery_again(
    agent: User, make_user: Callable[..., User], receiver: Receiver
) -> None:
    receiver.answers = [500]
    hook = subscribe(agent, receiver.url)
    run()
    delivery = Delivery.objects.get()
    admin = make_user(Role.PLATFORM_ADMIN, None, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    for url in (
        "/admin/webhooks/delivery/",
        f"/admin/webhooks/delivery/{delivery.pk}/change/",
        f"/admin/webhooks/subscription/{hook['id']}/change/",
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert hook["secret"] not in page.content.decode()
    assert "接收方返回 HTTP 500" in client.get(
        f"/admin/webhooks/delivery/{delivery.pk}/change/"
    ).content.decode("utf-8")
    response = client.post(
        "/admin/webhooks/delivery/",
        {"action": "resend", "_selected_action": [delivery.pk]},
        follow=True,
    )
    assert "已重新排队推送 1 条记录" in response.content.decode()
    run()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED
    assert [a.status_code for a in delivery.log.all()] == [500, 200]
