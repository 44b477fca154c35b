"""Escalation to public notice, the conversion of procedure with its fee, and whose contacts are used."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jiefen.cases.models import ContactKind
from jiefen.cases.states import State
from jiefen.docket.models import ProcedureConversion
from jiefen.docket.rules import filing_fee
from jiefen.documents.models import StoredDocument
from jiefen.law.fees import FeePolicy
from jiefen.law.periods import public_notice_served_on
from jiefen.service.actions import dispatch, open_services, record_receipts, sweep
from jiefen.service.actions.common import Law
from jiefen.service.addresses import addresses_of
from jiefen.service.models import AttemptState, Channel, Service, Stage

from .conftest import add_contact


def _fail_every_sms(service: Service, now: Any) -> Any:
    """Every try of the SMS fails (a dead number); the sweep retries an hour later each time."""
    for _ in range(3):
        a = service.attempts.filter(channel=Channel.SMS).order_by("-try_number").first()
        assert a is not None and a.state == AttemptState.SENT
        record_receipts(
            "sms_gateway",
            [
                {
                    "receipt_id": f"x-{a.pk}",
                    "reference": str(a.pk),
                    "status": "failed",
                    "error": "空号",
                }
            ],
        )
        now += timedelta(hours=2)
        sweep(now)
    return now


def test_returned_mail_leads_to_public_notice_and_summary_converts_with_the_fee_difference(
    filed: Any, clerk: Any, gateway: Any, postal: Any
) -> None:
    case = filed(confirmed=False, claim_total=Decimal("46234.56"))
    assert case.procedure in ("summary", "small_claims")
    fee_before = case.acceptance_fee
    dispatch(attempt_ids=open_services([case.pk], by=clerk))
    service = Service.objects.get(case=case)
    now = _fail_every_sms(service, timezone.now())
    now += timedelta(days=4)  # the portal inbox was never read: post
    sweep(now)
    service.refresh_from_db()
    assert service.stage == Stage.POST
    post = service.attempts.get(channel=Channel.POST)
    assert post.state == AttemptState.SENT and post.provider_id.endswith("CN")
    record_receipts(
        "postal",
        [
            {
                "receipt_id": "p-1",
                "reference": str(post.pk),
                "tracking_number": post.provider_id,
                "status": "returned",
                "returned_on": timezone.localdate().isoformat(),
                "returned_reason": "查无此人",
            }
        ],
    )
    service.refresh_from_db()
    assert service.state == Service.State.IN_PROGRESS  # returned from an unconfirmed address
    sweep(now + timedelta(days=1))
    service.refresh_from_db()
    case.refresh_from_db()
    assert service.stage == Stage.PUBLIC_NOTICE
    assert case.procedure == "ordinary" and case.state == State.FILED
    conversion = ProcedureConversion.objects.get(case=case)
    full = filing_fee(case.claim_total, "ordinary", FeePolicy(), case.filed_on, None).payable
    assert conversion.fee_before == fee_before and conversion.fee_after == full
    assert conversion.fee_difference == full - fee_before > 0
    notice = StoredDocument.objects.get(kind="supplementary_fee_notice", case=case)
    assert notice.signed and conversion.fee_notice_id == notice.pk
    assert case.events.filter(transition="convert_to_ordinary").count() == 1
    published = service.attempts.get(channel=Channel.PUBLIC_NOTICE)
    assert published.state == AttemptState.PUBLISHED
    sealed = StoredDocument.objects.get(kind="public_notice", case=case)
    assert sealed.signed and sealed.issued_for == f"public_notice:{published.pk}"
    deemed = public_notice_served_on(published.published_on, calendar=Law.load().calendar)
    # Before the notice period ends nothing is served; on the deemed day it is.
    sweep(now + timedelta(days=10))
    service.refresh_from_db()
    assert service.state == Service.State.IN_PROGRESS
    end = timezone.make_aware(
        timezone.datetime.combine(deemed, timezone.datetime.min.time()).replace(hour=12)
    )
    sweep(end)
    service.refresh_from_db()
    assert service.state == Service.State.SERVED and service.served_on == deemed
    assert (
        service.reschedule_hearing
    )  # the hearing set at filing is long before the answer period ends
    # A second sweep converts nothing twice.
    sweep(end + timedelta(hours=1))
    assert ProcedureConversion.objects.filter(case=case).count() == 1


def test_a_contact_shared_with_a_namesake_is_never_used(
    filed: Any, clerk: Any, make_party: Any, gateway: Any
) -> None:
    case = filed(name="王芳", mobile="13900001111", confirmed=True)
    other = make_party(name="王芳", address=None)  # same name, another ID number
    add_contact(other, ContactKind.MOBILE, "139 0000 1111", confirmed=True, consent=True)
    party = case.case_parties.get().party
    book = addresses_of([party])[party.pk]
    assert not book.on("sms")
    assert "同名" in book.refused[0]
    dispatch(attempt_ids=open_services([case.pk], by=clerk))
    assert gateway.inbox.query("13900001111", 5) == []
    service = Service.objects.get(case=case)
    assert not service.attempts.filter(channel=Channel.SMS).exists()
    assert "同名" in service.events.get(kind="queued").note


def test_a_contact_shared_with_a_differently_named_person_is_used(
    filed: Any, make_party: Any
) -> None:
    case = filed(name="赵六", mobile="13900002222")
    spouse = make_party(name="钱七", address=None)
    add_contact(spouse, ContactKind.MOBILE, "13900002222")
    party = case.case_parties.get().party
    assert [a.value for a in addresses_of([party])[party.pk].on("sms")] == ["13900002222"]


def test_no_consent_means_no_e_service_but_post(
    filed: Any, clerk: Any, gateway: Any, postal: Any
) -> None:
    case = filed(consent=False, confirmed=False)
    dispatch(attempt_ids=open_services([case.pk], by=clerk))
    service = Service.objects.get(case=case)
    assert service.stage == Stage.POST
    assert list(service.attempts.values_list("channel", flat=True)) == [Channel.POST]
    assert gateway.inbox.query("13800138000", 5) == []


def test_signed_postal_receipt_serves_on_the_signing_day(
    filed: Any, clerk: Any, postal: Any
) -> None:
    case = filed(mobile=None)
    dispatch(attempt_ids=open_services([case.pk], by=clerk))
    post = Service.objects.get(case=case).attempts.get(channel=Channel.POST)
    day = timezone.localdate()
    record_receipts(
        "postal",
        [
            {
                "receipt_id": "s-1",
                "reference": str(post.pk),
                "status": "signed",
                "signed_on": day.isoformat(),
                "signer": "本人",
            }
        ],
    )
    service = Service.objects.get(case=case)
    assert service.state == Service.State.SERVED and service.served_on == day
    assert "签收" in service.reason


def test_earliest_effective_channel_decides_the_date(
    filed: Any, clerk: Any, gateway: Any, smtp: Any
) -> None:
    case = filed(email="a@example.cn", confirmed=True)
    dispatch(attempt_ids=open_services([case.pk], by=clerk))
    service = Service.objects.get(case=case)
    assert (
        service.state == Service.State.SERVED
    )  # the e-mail was accepted: sent successfully counts
    email = service.attempts.get(channel=Channel.EMAIL)
    assert service.served_by_id == email.pk and service.served_on == timezone.localdate()
    # the SMS receipt arriving later changes nothing and nothing is served twice
    sms = service.attempts.get(channel=Channel.SMS)
    record_receipts(
        "sms_gateway", [{"receipt_id": "late", "reference": str(sms.pk), "status": "delivered"}]
    )
    assert service.events.filter(kind="served").count() == 1


def test_a_confirmed_number_without_consent_is_not_e_served(
    filed: Any, clerk: Any, gateway: Any, postal: Any
) -> None:
    """The bank's "confirmed" flag is not a consent to e-service (在线诉讼规则 Art. 29): post."""
    case = filed(consent=False, confirmed=True)
    dispatch(attempt_ids=open_services([case.pk], by=clerk))
    service = Service.objects.get(case=case)
    assert service.stage == Stage.POST
    assert gateway.inbox.query("13800138000", 5) == []
