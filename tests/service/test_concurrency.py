"""Receipts and sweeps under concurrent workers: every receipt counts once, nothing is sent twice.

Gateways deliver receipts at least once and may retry a batch while the first delivery is still
being processed; several workers may run the sweep at once. Threads with their own database
connections do both at the same time; on PostgreSQL the attempt rows are locked (SELECT … FOR
UPDATE), on SQLite the IMMEDIATE transactions serialise the writers.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from jiefen.service.actions import dispatch, open_services, record_receipts, sweep
from jiefen.service.models import Channel, Service, ServiceAttempt, ServiceEvent, ServiceReceipt
from parallel import WORKERS, in_parallel


@pytest.mark.django_db(transaction=True)
def test_the_same_receipts_delivered_by_four_workers_at_once_count_once(
    filed: Any, clerk: Any, gateway: Any
) -> None:
    cases = [filed(mobile=f"1380000000{i}") for i in range(3)]
    dispatch(attempt_ids=open_services([c.pk for c in cases], by=clerk))
    sms = list(ServiceAttempt.objects.filter(channel=Channel.SMS).order_by("pk"))
    batch = [
        {"receipt_id": f"r-{a.provider_id}", "message_id": a.provider_id, "reference": str(a.pk),
         "status": "delivered"}
        for a in sms
    ]  # fmt: skip
    counts, errors = in_parallel(lambda: record_receipts("sms_gateway", batch))
    assert errors == []
    assert sum(c.accepted for c in counts) == len(sms)
    assert sum(c.duplicates for c in counts) == len(sms) * (WORKERS - 1)
    assert ServiceReceipt.objects.count() == len(sms)
    assert ServiceEvent.objects.filter(
        kind="delivered", attempt__channel=Channel.SMS
    ).count() == len(sms)
    assert Service.objects.filter(state=Service.State.SERVED).count() == len(cases)
    assert ServiceEvent.objects.filter(kind="served").count() == len(cases)


@pytest.mark.django_db(transaction=True)
def test_four_sweeps_at_once_retry_each_failed_attempt_once(
    filed: Any, clerk: Any, gateway: Any
) -> None:
    cases = [filed(mobile=f"1390000000{i}") for i in range(3)]
    dispatch(attempt_ids=open_services([c.pk for c in cases], by=clerk))
    sms = list(ServiceAttempt.objects.filter(channel=Channel.SMS))
    record_receipts(
        "sms_gateway",
        [{"receipt_id": f"f-{a.pk}", "reference": str(a.pk), "status": "failed", "error": "关机"}
         for a in sms],
    )  # fmt: skip
    later = timezone.now() + timedelta(hours=2)
    _, errors = in_parallel(lambda: sweep(later))
    assert errors == []
    retries = ServiceAttempt.objects.filter(channel=Channel.SMS, try_number=2)
    assert retries.count() == len(sms)  # one second try each, not four
    sent = gateway.inbox.query(None, 100)
    assert len(sent) == 2 * len(sms)  # the first tries and one retry each


@pytest.mark.django_db(transaction=True)
def test_four_workers_serving_the_same_judgment_at_once_open_one_service(
    filed: Any, clerk: Any, gateway: Any
) -> None:
    from django.utils import timezone as tz

    from jiefen.documents.actions import issue_document
    from jiefen.documents.context import case_context
    from jiefen.service.actions import serve_documents
    from jiefen.service.models import Purpose

    case = filed()
    recipient = case_context(case, issued_on=tz.localdate())["defendants"][0]
    doc = issue_document(
        case,
        "summons",
        recipient=recipient,
        context={"hearing": {"when": "2099年1月5日09:00", "place": "第一法庭"}},
        by=clerk,
        issued_for="hearing:concurrent",
    )
    queued, errors = in_parallel(lambda: serve_documents([doc], purpose=Purpose.JUDGMENT, by=None))
    assert errors == []
    service = Service.objects.get(packet=doc)  # one service, whoever came first
    first = sorted(service.attempts.values_list("pk", flat=True))
    assert sorted(map(sorted, queued)) == [[], [], [], first]
    assert sorted(service.attempts.values_list("channel", flat=True)) == ["portal", "sms"]
    assert service.events.filter(kind="queued").count() == 1
