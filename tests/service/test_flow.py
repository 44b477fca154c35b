"""Serving filed cases: consent and address decide the channel and the effect; escalation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from jiefen.cases.states import State
from jiefen.service.actions import (
    dispatch,
    open_services,
    record_read,
    record_receipts,
    settle,
    sweep,
)
from jiefen.service.models import AttemptState, Channel, Service, ServiceAttempt, Stage


def _serve(case: Any, clerk: Any) -> Service:
    ids = open_services([case.pk], by=clerk)
    dispatch(attempt_ids=ids)
    return Service.objects.get(case=case)


def _sms(service: Service) -> ServiceAttempt:
    return service.attempts.get(channel=Channel.SMS)


def test_confirmed_sms_with_consent_is_served_on_the_delivery_receipt(
    filed: Any, clerk: Any, gateway: Any, smtp: Any
) -> None:
    case = filed(email="zhangsan@example.cn")
    service = _serve(case, clerk)
    sms = _sms(service)
    assert sms.state == AttemptState.SENT and sms.provider_id
    assert [m["to"] for m in gateway.inbox.query("13800138000", 5)] == ["13800138000"]
    assert "/s/" in gateway.inbox.query("13800138000", 5)[0]["text"]
    assert smtp.received and smtp.received[0]["To"] == "zhangsan@example.cn"
    now = timezone.now()
    count = record_receipts(
        "sms_gateway",
        [
            {
                "receipt_id": "r-1",
                "message_id": sms.provider_id,
                "reference": str(sms.pk),
                "status": "delivered",
                "at": now.isoformat(),
            }
        ],
    )
    assert count.accepted == 1
    service.refresh_from_db()
    assert service.state == Service.State.SERVED
    assert service.served_on == timezone.localdate()
    case.refresh_from_db()
    assert case.state == State.SERVED


def test_a_receipt_delivered_twice_counts_once(filed: Any, clerk: Any, gateway: Any) -> None:
    case = filed()
    service = _serve(case, clerk)
    sms = _sms(service)
    item = {
        "receipt_id": "r-9",
        "message_id": sms.provider_id,
        "reference": str(sms.pk),
        "status": "failed",
        "error": "空号",
    }
    first = record_receipts("sms_gateway", [item])
    second = record_receipts("sms_gateway", [item, item])
    assert (first.accepted, second.accepted, second.duplicates) == (1, 0, 2)
    assert sms.receipts.count() == 1
    assert service.events.filter(kind="failed").count() == 1


def test_failed_sms_retries_then_falls_back_to_post(filed: Any, clerk: Any, gateway: Any) -> None:
    case = filed(confirmed=True)
    service = _serve(case, clerk)
    now = timezone.now()
    for n in range(3):
        a = service.attempts.filter(channel=Channel.SMS).order_by("-try_number").first()
        assert a is not None and a.try_number == n + 1
        record_receipts(
            "sms_gateway",
            [
                {
                    "receipt_id": f"f-{n}",
                    "reference": str(a.pk),
                    "message_id": a.provider_id,
                    "status": "failed",
                    "error": "关机",
                }
            ],
        )
        now += timedelta(hours=2)
        sweep(now)
    service.refresh_from_db()
    assert service.state == Service.State.IN_PROGRESS
    # the portal inbox (unconfirmed: no login) waits for a read for three days, then post
    sweep(now + timedelta(days=4))
    service.refresh_from_db()
    assert service.stage == Stage.POST
    post = service.attempts.get(channel=Channel.POST)
    assert post.address.startswith("重庆市江北区")


def test_unconfirmed_address_takes_effect_only_when_read(
    filed: Any, clerk: Any, gateway: Any
) -> None:
    case = filed(confirmed=False)
    service = _serve(case, clerk)
    sms = _sms(service)
    record_receipts(
        "sms_gateway",
        [
            {
                "receipt_id": "d-1",
                "reference": str(sms.pk),
                "message_id": sms.provider_id,
                "status": "delivered",
            }
        ],
    )
    service.refresh_from_db()
    assert service.state == Service.State.IN_PROGRESS
    record_read([sms.pk], "link")
    service.refresh_from_db()
    assert service.state == Service.State.SERVED and service.served_by_id == sms.pk


def test_public_notice_in_summary_procedure_converts_with_the_fee_difference(
    filed: Any, clerk: Any
) -> None:
    from decimal import Decimal

    case = filed(mobile=None, address=None, claim_total=Decimal("46234.56"))
    assert case.procedure == "ordinary"  # no contact at all: filed in ordinary already
    settle([])
    assert case.acceptance_fee is not None


def test_settle_of_nothing_is_nothing(db: Any) -> None:
    assert settle([]) == []


def test_the_job_counts_cases_served_when_their_receipts_arrive_later(
    filed: Any, clerk: Any, gateway: Any, series: Any
) -> None:
    from jiefen.service.actions import run_service_job, start_service

    case = filed()
    job = run_service_job(start_service(by=clerk, series=series, run_now=True).pk)
    assert (job.total, job.dispatched, job.served, job.status) == (1, 1, 0, "done")
    sms = _sms(Service.objects.get(case=case))
    record_receipts(
        "sms_gateway",
        [{"receipt_id": "r-job", "reference": str(sms.pk), "status": "delivered"}],
    )
    job.refresh_from_db()
    assert job.served == 1 and job.percent == 100


def test_receipts_and_service_events_are_append_only(filed: Any, clerk: Any, gateway: Any) -> None:
    import pytest

    from jiefen.service.models import AppendOnlyError

    service = _serve(filed(), clerk)
    sms = _sms(service)
    record_receipts(
        "sms_gateway", [{"receipt_id": "ao-1", "reference": str(sms.pk), "status": "delivered"}]
    )
    receipt = sms.receipts.get()
    receipt.status = "failed"
    with pytest.raises(AppendOnlyError):
        receipt.save()
    with pytest.raises(AppendOnlyError):
        receipt.delete()
    first = service.events.first()
    assert first is not None
    with pytest.raises(AppendOnlyError):
        first.delete()
    assert sms.receipts.get().status == "delivered"
