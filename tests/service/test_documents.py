"""Serving a later document (a re-issued summons standing in for a judgment) through service."""

from __future__ import annotations

from datetime import timedelta
from email.header import decode_header, make_header
from typing import Any

import pytest
from django.utils import timezone

from jiefen.cases.models import Party
from jiefen.cases.states import State
from jiefen.docket.models import ProcedureConversion
from jiefen.documents.actions import issue_document
from jiefen.documents.context import case_context
from jiefen.documents.models import StoredDocument
from jiefen.law.periods import public_notice_served_on
from jiefen.service.actions import (
    ActionRefused,
    dispatch,
    open_services,
    record_receipts,
    serve_documents,
    sweep,
)
from jiefen.service.actions.common import Law
from jiefen.service.models import AttemptState, Channel, Purpose, Service, Stage
from jiefen.service.selectors import served_on


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def _party(case: Any) -> Party:
    return case.case_parties.get().party


def _summons(case: Any, clerk: Any, occasion: str = "hearing:test") -> StoredDocument:
    """A re-issued summons for the case's defendant (a real kind, signed like a judgment)."""
    recipient = case_context(case, issued_on=timezone.localdate())["defendants"][0]
    assert recipient["party_id"] == _party(case).pk
    return issue_document(
        case,
        "summons",
        recipient=recipient,
        context={"hearing": {"when": "2099年1月5日09:00", "place": "第一法庭"}},
        by=clerk,
        issued_for=occasion,
    )


def _deliver(attempt: Any, receipt_id: str) -> None:
    record_receipts(
        "sms_gateway",
        [
            {
                "receipt_id": receipt_id,
                "message_id": attempt.provider_id,
                "reference": str(attempt.pk),
                "status": "delivered",
                "at": timezone.now().isoformat(),
            }
        ],
    )


def _served_filing(case: Any, clerk: Any) -> Service:
    dispatch(attempt_ids=open_services([case.pk], by=clerk))
    filing = Service.objects.get(case=case, purpose=Purpose.FILING)
    _deliver(filing.attempts.get(channel=Channel.SMS), f"f-{filing.pk}")
    filing.refresh_from_db()
    assert filing.state == Service.State.SERVED and filing.answer_ends
    return filing


def test_a_later_document_is_served_by_sms_and_email_without_moving_the_case(
    filed: Any,
    clerk: Any,
    gateway: Any,
    smtp: Any,
    immediate_tasks: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    case = filed(email="zhangsan@example.cn")
    filing = _served_filing(case, clerk)
    case.refresh_from_db()
    assert case.state == State.SERVED
    doc = _summons(case, clerk)
    mails_before = len(smtp.received)
    with django_capture_on_commit_callbacks(execute=True):
        ids = serve_documents([doc], purpose=Purpose.SUMMONS, by=clerk)
    service = Service.objects.get(packet=doc)
    assert service.purpose == Purpose.SUMMONS and service.party == _party(case)
    assert sorted(service.attempts.values_list("pk", flat=True)) == sorted(ids)
    sms = service.attempts.get(channel=Channel.SMS)
    assert sms.state == AttemptState.SENT  # sent after commit by the dispatch task
    texts = [m["text"] for m in gateway.inbox.query("13800138000", 5)]
    later = next(t for t in texts if "传票已向您送达" in t)
    assert case.case_number in later and "/s/" in later
    assert "（（" not in later and "应诉通知书" not in later
    mail = smtp.received[mails_before:]
    assert mail and mail[0]["To"] == "zhangsan@example.cn"
    subject = str(make_header(decode_header(mail[0]["Subject"])))
    assert subject == f"重庆市江北区人民法院传票送达 案号{case.case_number}"
    assert service.attempts.get(channel=Channel.PORTAL).message == "传票已放入当事人文书收件箱"
    # The e-mail to a confirmed address with consent is served once its server accepted it
    # (民诉解释 Art. 135): the law, not this code, gives the date.
    service.refresh_from_db()
    case.refresh_from_db()
    email = service.attempts.get(channel=Channel.EMAIL)
    assert service.state == Service.State.SERVED and service.served_by == email
    assert service.served_on == timezone.localdate() and service.reason == email.reason
    assert served_on([case.pk], Purpose.SUMMONS) == {(case.pk, service.party_id): service.served_on}
    assert service.answer_ends is None and service.evidence_ends is None
    assert not service.reschedule_hearing
    assert case.state == State.SERVED  # a later document never moves the case
    assert case.events.filter(transition="serve").count() == 1
    # The filing packet's service is untouched.
    again = Service.objects.get(pk=filing.pk)
    assert (again.served_on, again.answer_ends, again.evidence_ends) == (
        filing.served_on,
        filing.answer_ends,
        filing.evidence_ends,
    )
    # Idempotent per (case, party, document).
    with django_capture_on_commit_callbacks(execute=True):
        assert serve_documents([doc], purpose=Purpose.SUMMONS, by=clerk) == []
    assert Service.objects.filter(case=case).count() == 2


def test_the_link_and_the_inbox_deliver_the_document_itself(
    filed: Any, clerk: Any, gateway: Any, make_user: Any
) -> None:
    import re

    from django.test import Client

    from jiefen.accounts.models import Role

    case = filed(id_number="50010519900101123X", mobile="13700000009")
    filing = _served_filing(case, clerk)
    doc = _summons(case, clerk)
    dispatch(attempt_ids=serve_documents([doc], purpose=Purpose.SUMMONS, by=None))
    text = gateway.inbox.query("13700000009", 5)[0]["text"]
    assert "传票已向您送达" in text
    token = re.search(r"/s/([^/\s]+)", text).group(1)  # type: ignore[union-attr]
    client = Client()
    page = client.post(f"/s/{token}/", {"id6": "01123X"}, follow=True).content.decode()
    assert "送达文书：</b>传票" in page
    assert f"/s/{token}/{doc.pk}/" in page and doc.sha256 in page
    assert f"/s/{token}/{filing.packet_id}/" not in page  # only what this service delivers
    assert client.get(f"/s/{token}/{doc.pk}/")["X-Content-SHA256"] == doc.sha256
    assert client.get(f"/s/{token}/{filing.packet_id}/").status_code == 404
    defendant = make_user(Role.DEFENDANT, party=_party(case))
    inbox = Client()
    inbox.force_login(defendant)
    body = inbox.get("/service/inbox/").content.decode()
    assert Purpose.SUMMONS.label in body and Purpose.FILING.label in body
    assert f"/service/inbox/{doc.pk}/" in body and f"/service/inbox/{filing.packet_id}/" in body


def test_refused_for_an_unsigned_document_or_the_filing_purpose(
    filed: Any, clerk: Any, make_user: Any, court: Any
) -> None:
    case = filed()
    doc = _summons(case, clerk)
    with pytest.raises(ActionRefused, match="送达内容"):
        serve_documents([doc], purpose=Purpose.FILING, by=clerk)
    from jiefen.accounts.models import Role

    judge = make_user(Role.BANK_AGENT, court, full_name="某银行")
    with pytest.raises(ActionRefused):
        serve_documents([doc], purpose=Purpose.SUMMONS, by=judge)
    assert not Service.objects.filter(packet=doc).exists()


def test_post_then_public_notice_for_a_judgment_without_converting_the_procedure(
    filed: Any, clerk: Any, postal: Any
) -> None:
    case = filed(mobile=None)  # post only, summary procedure
    assert case.procedure in ("summary", "small_claims")
    procedure = case.procedure
    dispatch(attempt_ids=open_services([case.pk], by=clerk))
    filing = Service.objects.get(case=case, purpose=Purpose.FILING)
    post = filing.attempts.get(channel=Channel.POST)
    record_receipts(
        "postal",
        [
            {
                "receipt_id": "sign-1",
                "reference": str(post.pk),
                "status": "signed",
                "signed_on": timezone.localdate().isoformat(),
                "signer": "本人",
            }
        ],
    )
    case.refresh_from_db()
    assert case.state == State.SERVED
    doc = _summons(case, clerk, "hearing:judgment-like")
    dispatch(attempt_ids=serve_documents([doc], purpose=Purpose.JUDGMENT, by=None))
    service = Service.objects.get(packet=doc)
    assert service.stage == Stage.POST
    mailing = service.attempts.get(channel=Channel.POST)
    assert mailing.message == "传票（法院专递）"
    record_receipts(
        "postal",
        [
            {
                "receipt_id": "ret-1",
                "reference": str(mailing.pk),
                "tracking_number": mailing.provider_id,
                "status": "returned",
                "returned_on": timezone.localdate().isoformat(),
                "returned_reason": "查无此人",
            }
        ],
    )
    sweep(timezone.now() + timedelta(days=1))
    service.refresh_from_db()
    case.refresh_from_db()
    # Returned from an address the party never confirmed: no effect (法释〔2004〕13号 Art. 11);
    # the mailing is over, so public notice — with no conversion for a later document.
    assert service.state == Service.State.IN_PROGRESS and service.stage == Stage.PUBLIC_NOTICE
    assert case.procedure == procedure
    assert not ProcedureConversion.objects.filter(case=case).exists()
    notice = service.attempts.get(channel=Channel.PUBLIC_NOTICE)
    assert notice.state == AttemptState.PUBLISHED
    assert "公告送达传票" in notice.message and "上诉" in notice.message
    assert "应诉通知书" not in notice.message
    deemed = public_notice_served_on(notice.published_on, calendar=Law.load().calendar)
    end = timezone.make_aware(
        timezone.datetime.combine(deemed, timezone.datetime.min.time()).replace(hour=12)
    )
    sweep(end)
    service.refresh_from_db()
    assert service.state == Service.State.SERVED and service.served_on == deemed
    case.refresh_from_db()
    assert case.state == State.SERVED and case.procedure == procedure
    assert service.answer_ends is None
    assert served_on([case.pk], Purpose.JUDGMENT) == {(case.pk, service.party_id): deemed}


def test_served_on_returns_the_latest_service_of_the_purpose(
    filed: Any, clerk: Any, gateway: Any
) -> None:
    case = filed()
    filing = _served_filing(case, clerk)
    first = _summons(case, clerk, "hearing:one")
    dispatch(attempt_ids=serve_documents([first], purpose=Purpose.SUMMONS, by=clerk))
    one = Service.objects.get(packet=first)
    _deliver(one.attempts.get(channel=Channel.SMS), "one")
    one.refresh_from_db()
    party = one.party_id
    assert served_on([case.pk], Purpose.SUMMONS) == {(case.pk, party): one.served_on}
    second = _summons(case, clerk, "hearing:two")
    dispatch(attempt_ids=serve_documents([second], purpose=Purpose.SUMMONS, by=clerk))
    assert served_on([case.pk], Purpose.SUMMONS) == {(case.pk, party): None}
    assert served_on([case.pk], Purpose.FILING) == {(case.pk, party): filing.served_on}
    assert served_on([case.pk], Purpose.JUDGMENT) == {}


@pytest.mark.parametrize(
    ("purpose", "why"),
    [
        (Purpose.MEDIATION, "调解书须经当事人签收方生效"),
        (Purpose.SUMMONS, "须由法官裁定转为普通程序后方可公告送达传票"),
    ],
)
def test_a_mediation_document_or_a_summary_summons_is_not_published(
    filed: Any, clerk: Any, postal: Any, purpose: str, why: str
) -> None:
    case = filed(mobile=None)  # post only, summary procedure
    procedure = case.procedure
    assert procedure in ("summary", "small_claims")
    doc = _summons(case, clerk, f"hearing:{purpose}")
    dispatch(attempt_ids=serve_documents([doc], purpose=purpose, by=None))
    service = Service.objects.get(packet=doc)
    mailing = service.attempts.get(channel=Channel.POST)
    record_receipts(
        "postal",
        [
            {
                "receipt_id": f"ret-{purpose}",
                "reference": str(mailing.pk),
                "tracking_number": mailing.provider_id,
                "status": "returned",
                "returned_on": timezone.localdate().isoformat(),
                "returned_reason": "查无此人",
            }
        ],
    )
    sweep(timezone.now() + timedelta(days=1))
    service.refresh_from_db()
    assert service.stage == Stage.PUBLIC_NOTICE
    sweep(timezone.now() + timedelta(days=1, hours=1))
    assert not service.attempts.filter(channel=Channel.PUBLIC_NOTICE).exists()
    notes = list(service.events.filter(kind="escalated").values_list("note", flat=True))
    assert notes[0] == "邮寄送达未能送达，转为公告送达"
    assert len(notes) == 2 and why in notes[1]  # said once, however often the sweep runs
    case.refresh_from_db()
    assert case.procedure == procedure
    assert not ProcedureConversion.objects.filter(case=case).exists()


def test_pages_proofs_and_stats_show_each_service_with_its_purpose(
    filed: Any, clerk: Any, gateway: Any
) -> None:
    from django.test import Client

    from jiefen.service.proof import issue_missing_proofs
    from jiefen.service.selectors import dashboard, stats_section
    from jiefen.service.verification import verify_case

    case = filed()
    filing = _served_filing(case, clerk)
    doc = _summons(case, clerk)
    dispatch(attempt_ids=serve_documents([doc], purpose=Purpose.JUDGMENT, by=clerk))
    later = Service.objects.get(packet=doc)
    _deliver(later.attempts.get(channel=Channel.SMS), "later-p")
    later.refresh_from_db()
    assert later.state == Service.State.SERVED
    # One proof per service, naming the document it proves.
    assert issue_missing_proofs() == 2
    assert issue_missing_proofs() == 0
    proofs = StoredDocument.objects.filter(case=case, kind__in=("service_proof", "e_service_proof"))
    assert sorted(proofs.values_list("issued_for", flat=True)) == sorted(
        [f"service:{filing.pk}", f"service:{later.pk}"]
    )
    from jiefen.service.proof import evidence_bundle

    assert evidence_bundle(later)["packet"]["title"] == "传票"
    checks = verify_case(case)
    assert checks and all(c.ok for c in checks), [c for c in checks if not c.ok]
    assert any("传票" in c.what for c in checks)
    # The case page shows one card per service with its purpose.
    client = Client()
    client.force_login(case.clerk or clerk)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'data-service="{filing.pk}" data-purpose="filing"' in page
    assert f'data-service="{later.pk}" data-purpose="judgment"' in page
    assert Purpose.JUDGMENT.label in page
    # The dashboard's "ready to schedule" still reads the filing's answer period.
    ready = dashboard(clerk, today=filing.answer_ends + timedelta(days=1)).ready_cases
    assert [c.pk for c in ready] == [case.pk]
    by_purpose = stats_section()["by_purpose"]
    assert by_purpose["filing"] == {"services": 1, "served": 1}
    assert by_purpose["judgment"] == {"services": 1, "served": 1}
    assert by_purpose["summons"] == {"services": 0, "served": 0}
