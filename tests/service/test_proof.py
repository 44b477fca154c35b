"""Proof of service: the sealed 送达回证 / 电子送达凭证, its evidence bundle, and verification.

A default judgment needs proven service (民诉法第一百四十七条): the proof must be a signed PDF
listing what was served with each file's SHA-256, and `verify_service` must catch a changed
file or receipt. Service is driven through the actions: filing, documents, opening, dispatch to
the local SMS gateway / postal simulators, receipts, settlement.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from jiefen.cases.models import Case, Contact, ContactKind, ContactSource
from jiefen.cases.states import State
from jiefen.docket.actions import file_cases, set_fee_account
from jiefen.docket.conversion import convert_to_ordinary
from jiefen.docket.paperwork import document_cases
from jiefen.documents.models import StoredDocument
from jiefen.documents.signing import validate
from jiefen.service.actions import (
    ActionRefused,
    dispatch,
    open_services,
    record_read,
    record_receipts,
)
from jiefen.service.models import EventKind, Service, ServiceAttempt, ServiceEvent, ServiceReceipt
from jiefen.service.proof import LINK_BLANKED, evidence_bundle, issue_missing_proofs, issue_proof
from jiefen.service.verification import embedded_bundle, verify_case


def pdf_text(data: bytes) -> str:
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return "".join(text.split())


def file_one(case: Case, clerk: Any) -> Case:
    file_cases([case.pk], by=clerk)
    document_cases([case.pk], by=clerk)
    case.refresh_from_db()
    assert case.state == State.FILED
    return case


def served_by_post(make_case: Any, clerk: Any) -> tuple[Case, Service]:
    """A defendant with only the contract's postal address: EMS, signed for by the defendant."""
    case = file_one(make_case(state=State.AWAITING_FILING), clerk)
    [attempt_id] = open_services([case.pk], by=clerk)
    assert dispatch(attempt_ids=[attempt_id]) == 1
    attempt = ServiceAttempt.objects.get(pk=attempt_id)
    assert attempt.channel == "post" and attempt.provider_id.endswith("CN")
    today = timezone.localdate().isoformat()
    count = record_receipts(
        "postal",
        [
            {
                "receipt_id": "p-900",
                "tracking_number": attempt.provider_id,
                "reference": str(attempt.pk),
                "status": "signed",
                "signed_on": today,
                "signer": "本人",
                "at": timezone.now().isoformat(),
            }
        ],
    )
    assert count.accepted == 1
    service = Service.objects.get(case=case)
    assert service.state == Service.State.SERVED
    return case, service


def served_by_sms(make_case: Any, make_party: Any, clerk: Any) -> tuple[Case, Service]:
    """A defendant who gave the mobile in the pleadings (consent): SMS delivered → served."""
    party = make_party("陈七")
    Contact.objects.create(
        party=party, kind=ContactKind.MOBILE, value="13912345678", source=ContactSource.PARTY
    )
    case = file_one(make_case(defendant=party, state=State.AWAITING_FILING), clerk)
    [attempt_id] = open_services([case.pk], by=clerk)
    dispatch(attempt_ids=[attempt_id])
    attempt = ServiceAttempt.objects.get(pk=attempt_id)
    assert attempt.channel == "sms" and attempt.provider_id
    record_receipts(
        "sms_gateway",
        [
            {
                "receipt_id": "r-900",
                "message_id": attempt.provider_id,
                "reference": str(attempt.pk),
                "status": "delivered",
                "at": timezone.now().isoformat(),
            }
        ],
    )
    service = Service.objects.get(case=case)
    assert service.state == Service.State.SERVED
    return case, service


def failures(case: Case) -> list[Any]:
    return [c for c in verify_case(case) if not c.ok]


def test_post_proof_is_a_sealed_service_receipt_listing_the_packet(
    court: Any, make_case: Any, clerk: Any, postal: Any
) -> None:
    case, service = served_by_post(make_case, clerk)
    proof = issue_proof(service, by=clerk)
    assert proof.kind == "service_proof" and proof.signed
    assert proof.recipient_role == "court" and proof.issued_for == f"service:{service.pk}"
    pdf = proof.absolute_path.read_bytes()
    assert validate(pdf).ok
    text = pdf_text(pdf)
    attempt = service.attempts.get()
    for printed in (
        "送达回证",
        str(case.case_number),
        "本人",
        attempt.provider_id,
        "重庆市江北区人民法院",
    ):
        assert printed in text
    # Every document served (the signed cover and the documents it covers) with its SHA-256.
    packet = [service.packet, *service.packet.members.all()]
    assert len(packet) == 5
    for doc in packet:
        assert doc.sha256 in text
    bundle = embedded_bundle(pdf)
    assert bundle is not None
    listed = [bundle["packet"]["sha256"], *(m["sha256"] for m in bundle["packet"]["members"])]
    assert listed == [d.sha256 for d in packet]
    assert bundle["result"]["served_on"] == timezone.localdate().isoformat()
    assert bundle["attempts"][0]["receipts"][0]["receipt_id"] == "p-900"
    assert bundle["bundle_sha256"] in text
    # Once per service; the event is recorded once.
    assert issue_proof(service, by=clerk).pk == proof.pk
    assert ServiceEvent.objects.filter(service=service, kind=EventKind.PROOF_ISSUED).count() == 1
    checks = verify_case(case)
    assert checks and all(c.ok for c in checks), [c for c in checks if not c.ok]
    assert any("电子签章" in c.what and "送达回证" in c.what for c in checks)


def test_sms_proof_is_an_e_service_proof_without_the_secret_link(
    court: Any, make_case: Any, make_party: Any, clerk: Any, gateway: Any
) -> None:
    case, service = served_by_sms(make_case, make_party, clerk)
    attempt = service.attempts.get()
    token = attempt.message.split("/s/")[1].split("/")[0]
    proof = issue_proof(service, by=None)  # the sweep
    assert proof.kind == "e_service_proof"
    pdf = proof.absolute_path.read_bytes()
    assert validate(pdf).ok
    text = pdf_text(pdf)
    assert "电子送达凭证" in text and "139****5678" in text and attempt.message_sha256 in text
    assert token not in text and token.encode() not in pdf
    bundle = embedded_bundle(pdf)
    assert bundle is not None and LINK_BLANKED in bundle["attempts"][0]["message"]
    assert not failures(case)
    # Reading the link after the proof: new facts, reported as information, not a failure.
    record_read([attempt.pk], "link")
    checks = verify_case(case)
    assert not [c for c in checks if not c.ok]
    assert any(c.info and "凭证出具后有新的送达事件" in c.detail for c in checks)


def test_no_proof_before_the_law_finds_service_effective(
    court: Any, make_case: Any, clerk: Any, postal: Any
) -> None:
    case = file_one(make_case(state=State.AWAITING_FILING), clerk)
    [attempt_id] = open_services([case.pk], by=clerk)
    dispatch(attempt_ids=[attempt_id])  # posted, not yet signed for
    service = Service.objects.get(case=case)
    with pytest.raises(ActionRefused):
        issue_proof(service, by=clerk)
    assert issue_missing_proofs() == 0
    assert not StoredDocument.objects.filter(kind__in=["service_proof", "e_service_proof"]).exists()


def test_sweep_issues_missing_proofs_once(
    court: Any, make_case: Any, clerk: Any, postal: Any
) -> None:
    case, _ = served_by_post(make_case, clerk)
    assert issue_missing_proofs() == 1
    assert issue_missing_proofs() == 0
    assert StoredDocument.objects.filter(case=case, kind="service_proof").count() == 1


def test_tampered_packet_file_fails_verification_naming_the_file(
    court: Any, make_case: Any, clerk: Any, postal: Any
) -> None:
    case, service = served_by_post(make_case, clerk)
    issue_proof(service, by=clerk)
    summons = service.packet.members.get(kind="summons")
    path = summons.absolute_path
    path.write_bytes(path.read_bytes().replace(b"%%EOF", b"%%EOF\n% changed"))
    [bad] = failures(case)
    assert summons.filename in bad.what and "传票" in bad.what
    assert "SHA-256" in bad.detail


def test_edited_receipt_payload_fails_verification(
    court: Any, make_case: Any, clerk: Any, postal: Any
) -> None:
    case, service = served_by_post(make_case, clerk)
    issue_proof(service, by=clerk)
    receipt = ServiceReceipt.objects.get(attempt__service=service)
    ServiceReceipt.objects.filter(pk=receipt.pk).update(
        payload={**receipt.payload, "signer": "同住成年家属"}
    )
    bad = failures(case)
    assert any("p-900" in c.what and "回执" in c.detail for c in bad)
    # The proof's bundle no longer matches the records, and nothing new explains it.
    assert any("送达证据包" in c.what and "不符" in c.detail for c in bad)


def test_verify_service_command_exit_codes(
    court: Any, make_case: Any, clerk: Any, postal: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    case, service = served_by_post(make_case, clerk)
    issue_proof(service, by=clerk)
    call_command("verify_service", case=case.case_number)
    out = capsys.readouterr().out
    assert "✓" in out and "✗" not in out and "全部通过" in out
    cover = service.packet
    cover.absolute_path.write_bytes(b"%PDF-1.7 not the signed cover")
    with pytest.raises(SystemExit) as failed:
        call_command("verify_service", case=case.case_number)
    assert failed.value.code == 1
    out = capsys.readouterr().out
    assert "✗" in out and cover.filename in out
    with pytest.raises(SystemExit) as unknown:
        call_command("verify_service", case="（2099）渝0105民初99999号")
    assert unknown.value.code == 2


def test_supplementary_fee_notice_asks_for_the_difference_within_seven_days(
    court: Any, make_case: Any, clerk: Any
) -> None:
    set_fee_account(
        court,
        payee="重庆市江北区人民法院",
        bank="测试银行江北支行",
        account="5000 1234 5678",
        by=None,
    )
    case = file_one(make_case(state=State.AWAITING_FILING, claim_total=Decimal("123456.78")), clerk)
    assert case.procedure == "summary"
    conversion = convert_to_ordinary(case, by=clerk, reason="被告下落不明，须公告送达")
    assert conversion is not None and conversion.fee_notice is not None
    pdf = conversion.fee_notice.absolute_path.read_bytes()
    assert validate(pdf).ok
    text = pdf_text(pdf)
    assert "（补交）" in text and "七日内" in text
    for cited in ("第一百九十九条", "第二十二条", "第二百五十八条", "第十六条"):
        assert cited in text
    assert f"{conversion.fee_difference:,.2f}" in text
    assert "测试银行江北支行" in text


def test_public_notice_prints_the_notice_text(court: Any, make_case: Any, clerk: Any) -> None:
    from jiefen.documents.actions import issue_document

    case = file_one(make_case(state=State.AWAITING_FILING), clerk)
    notice = "张三：本院受理原告诉你金融借款合同纠纷一案，因你下落不明，向你公告送达。自公告发布之日起经过三十日，即视为送达。"
    doc = issue_document(case, "public_notice", context={"text": notice}, by=clerk)
    text = pdf_text(doc.absolute_path.read_bytes())
    assert "公告" in text and "张三：" in text and "经过三十日，即视为送达" in text
    assert str(case.case_number) in text and "特此公告" in text


def test_bundle_is_json_and_stable(court: Any, make_case: Any, clerk: Any, postal: Any) -> None:
    _, service = served_by_post(make_case, clerk)
    at = timezone.now()
    first = evidence_bundle(service, as_of=at)
    again = evidence_bundle(service, as_of=at, through=first["through"])
    assert json.loads(json.dumps(first)) == first
    assert first["bundle_sha256"] == again["bundle_sha256"]
    # Personal data masked (architecture rule 8): no full ID number, phone or address in it.
    dumped = json.dumps(first, ensure_ascii=False)
    assert service.party.id_number not in dumped and "*" in first["party"]["id_masked"]
    assert "建新北路一支路12号" not in dumped
