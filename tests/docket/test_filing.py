"""Batch filing: numbers, procedure, fees, assignment, documents (text and signatures)."""

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from jiefen.cases.models import Case, CaseEvent, Contact, ContactKind, ContactSource, Series
from jiefen.cases.states import State
from jiefen.docket.actions import file_cases, set_fee_account, start_filing
from jiefen.docket.models import Filing, FilingJob
from jiefen.docket.tasks import run_job
from jiefen.documents.models import StoredDocument
from jiefen.documents.signing import validate
from jiefen.documents.storage import sha256
from jiefen.law.money import amount_in_words

FILED_ON = date(2025, 7, 1)


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_file_series_numbers_fees_procedure(
    make_case: Any, make_party: Any, staff: Any, series: Series
) -> None:
    small = make_case(series=series, state=State.AWAITING_FILING, claim_total=Decimal("8000.00"))
    summary = make_case(
        series=series, state=State.AWAITING_FILING, claim_total=Decimal("123456.78")
    )
    missing = make_case(
        series=series,
        state=State.SCREENING,
        claim_total=Decimal("45000.00"),
        unreachable=True,
        defendant=make_party("赵六", address=None),
    )
    not_filable = make_case(series=series, state=State.RECEIVED)
    clerk = staff["clerks"][0]
    result = file_cases(
        [small.pk, summary.pk, missing.pk, not_filable.pk], by=clerk, filed_on=FILED_ON
    )
    assert sorted(result.filed) == sorted([small.pk, summary.pk, missing.pk])
    assert result.skipped == [not_filable.pk]
    small.refresh_from_db()
    summary.refresh_from_db()
    missing.refresh_from_db()
    assert [c.case_number for c in (small, summary, missing)] == [
        "（2025）渝0105民初1号",
        "（2025）渝0105民初2号",
        "（2025）渝0105民初3号",
    ]
    assert small.state == summary.state == missing.state == State.FILED
    # Chongqing's small-claims threshold is well above 8,000 → small claims, fee 50 halved.
    assert small.procedure == "small_claims" and small.acceptance_fee == Decimal("25.00")
    # 123,456.78: above the threshold → summary; 2,769.1356 halved = 1,384.5678 → 1,385.
    assert summary.procedure == "summary" and summary.acceptance_fee == Decimal("1385.00")
    # No contact and no address at all → public notice → ordinary, full fee 925.
    assert missing.procedure == "ordinary" and missing.acceptance_fee == Decimal("925.00")
    assert "公告送达" in Filing.objects.get(case=missing).procedure_reason
    assert result.fees_total == Decimal("2335.00")
    # One judge takes the whole series (below capacity) with one clerk.
    assert len({small.judge_id, summary.judge_id, missing.judge_id}) == 1
    assert CaseEvent.objects.filter(transition="file").count() == 3


def test_unreachable_with_confirmed_contact_is_not_public_notice(
    make_case: Any, make_party: Any, staff: Any
) -> None:
    party = make_party("李四")
    Contact.objects.create(
        party=party,
        kind=ContactKind.MOBILE,
        value="13800001111",
        source=ContactSource.PARTY,
        confirmed=True,
    )
    case = make_case(
        defendant=party,
        state=State.AWAITING_FILING,
        unreachable=True,
        claim_total=Decimal("45000.00"),
    )
    file_cases([case.pk], by=staff["clerks"][0], filed_on=FILED_ON)
    case.refresh_from_db()
    assert case.procedure == "small_claims"


def test_contract_clause_e_service_consent_avoids_public_notice(
    make_case: Any, make_party: Any, staff: Any
) -> None:
    """An unconfirmed mobile with e-service consent from the loan contract is still serviceable."""
    party = make_party("王五")
    Contact.objects.create(
        party=party,
        kind=ContactKind.MOBILE,
        value="13800002222",
        source=ContactSource.CONTRACT,
        e_service_consent=True,
    )
    case = make_case(
        defendant=party,
        state=State.AWAITING_FILING,
        unreachable=True,
        claim_total=Decimal("123456.78"),
    )
    file_cases([case.pk], by=staff["clerks"][0], filed_on=FILED_ON)
    case.refresh_from_db()
    assert case.procedure == "summary" and case.acceptance_fee == Decimal("1385.00")


@pytest.mark.parametrize(
    ("rounding", "after", "fee"),
    [
        ("half_up_yuan", False, Decimal("1385.00")),
        ("fen", False, Decimal("1384.57")),
        ("truncate_yuan", False, Decimal("1384.00")),
        ("half_up_yuan", True, Decimal("1384.50")),
    ],
)
def test_fee_follows_court_rounding_policy(
    make_case: Any, staff: Any, court: Any, rounding: str, after: bool, fee: Decimal
) -> None:
    court.fee_rounding = rounding
    court.fee_halve_after_rounding = after
    court.save()
    case = make_case(state=State.AWAITING_FILING, claim_total=Decimal("123456.78"))
    file_cases([case.pk], by=staff["clerks"][0], filed_on=FILED_ON)
    case.refresh_from_db()
    assert case.procedure == "summary" and case.acceptance_fee == fee


def test_series_above_capacity_is_split_evenly(
    make_case: Any, staff: Any, court: Any, series: Series
) -> None:
    court.judge_capacity = 3
    court.save()
    cases = [make_case(series=series, state=State.AWAITING_FILING) for _ in range(7)]
    file_cases([c.pk for c in cases], by=staff["clerks"][0], filed_on=FILED_ON)
    per_judge: dict[int, int] = {}
    for judge_id in Case.objects.filter(series=series).values_list("judge_id", flat=True):
        per_judge[judge_id] = per_judge.get(judge_id, 0) + 1
    assert sorted(per_judge.values()) == [2, 2, 3]


def test_next_series_goes_to_least_loaded_judge(
    make_case: Any, staff: Any, court: Any, bank: Any, series: Series
) -> None:
    first = [make_case(series=series, state=State.AWAITING_FILING) for _ in range(3)]
    file_cases([c.pk for c in first], by=staff["clerks"][0], filed_on=FILED_ON)
    busy = Case.objects.get(pk=first[0].pk).judge_id
    other = Series.objects.create(
        institution=bank, court=court, case_type="credit_card", product="信用卡"
    )
    second = [make_case(series=other, state=State.AWAITING_FILING) for _ in range(2)]
    file_cases([c.pk for c in second], by=staff["clerks"][0], filed_on=FILED_ON)
    judges = set(Case.objects.filter(series=other).values_list("judge_id", flat=True))
    assert len(judges) == 1 and busy not in judges


def test_preservation_number_and_fee(make_case: Any, staff: Any) -> None:
    case = make_case(state=State.AWAITING_FILING, claim_total=Decimal("123456.78"))
    file_cases([case.pk], by=staff["clerks"][0], filed_on=FILED_ON, preservation=True)
    filing = Filing.objects.get(case=case)
    assert filing.preservation_number == "（2025）渝0105财保1号"
    assert filing.preservation_fee == Decimal("1137.28")


def test_filing_job_produces_signed_documents(
    make_case: Any, staff: Any, series: Series, court: Any
) -> None:
    set_fee_account(
        court,
        payee="重庆市江北区人民法院",
        bank="测试银行江北支行",
        account="5000 1234 5678",
        by=None,
    )
    case = make_case(series=series, state=State.AWAITING_FILING, claim_total=Decimal("46234.56"))
    job = start_filing(by=staff["clerks"][0], series=series, run_now=True, filed_on=FILED_ON)
    run_job(job.pk, inline=True)
    job.refresh_from_db()
    assert job.status == FilingJob.Status.DONE and job.percent == 100
    case.refresh_from_db()
    docs = StoredDocument.objects.filter(case=case)
    kinds = sorted(docs.values_list("kind", flat=True))
    assert kinds == sorted(
        [
            "acceptance_notice",
            "fee_notice",
            "address_confirmation",
            "notice_to_respond",
            "evidence_notice",
            "summons",
            "complaint_copy",
        ]
    )
    assert job.documents == 7
    defendant = case.case_parties.get().party.name
    fee_words = amount_in_words(case.acceptance_fee)
    # One signed cover per recipient: 受理案件通知书 (claimant), 应诉通知书 (defendant).
    covers = {d.kind: d for d in docs.filter(packet=None)}
    assert set(covers) == {"acceptance_notice", "notice_to_respond"}
    for doc in docs:
        data = doc.absolute_path.read_bytes()
        assert sha256(data) == doc.sha256
        text = pdf_text(data).replace(" ", "").replace("\n", "")
        assert case.case_number in text
        if doc.packet_id is None:
            result = validate(data)
            assert result.ok, result
            # The signed cover lists the SHA-256 of each document served with it.
            members = list(doc.members.all())
            assert members and all(m.recipient == doc.recipient for m in members)
            for member in members:
                assert member.sha256 in text
        else:
            assert not validate(data).ok  # covered by its cover's signature, not signed itself
            assert covers[doc.packet.kind].recipient == doc.recipient
    assert sorted(covers["acceptance_notice"].members.values_list("kind", flat=True)) == [
        "fee_notice"
    ]
    assert sorted(covers["notice_to_respond"].members.values_list("kind", flat=True)) == sorted(
        ["evidence_notice", "summons", "complaint_copy", "address_confirmation"]
    )
    fee_notice = pdf_text(docs.get(kind="fee_notice").absolute_path.read_bytes()).replace(" ", "")
    assert f"{case.acceptance_fee:,.2f}" in fee_notice and fee_words in fee_notice
    assert "46,234.56" in fee_notice and "肆万陆仟贰佰叁拾肆元伍角陆分" in fee_notice
    assert "测试银行江北支行" in fee_notice and "50001234 5678".replace(
        " ", ""
    ) in fee_notice.replace(" ", "")
    respond = pdf_text(covers["notice_to_respond"].absolute_path.read_bytes())
    assert defendant in respond and "肆万陆仟贰佰叁拾肆元伍角陆分" in respond.replace(" ", "")
    assert "二〇二" in respond  # the date under the seal in Chinese numerals
    complaint = pdf_text(docs.get(kind="complaint_copy").absolute_path.read_bytes())
    assert "肆万陆仟贰佰叁拾肆元伍角陆分" in complaint.replace(" ", "").replace("\n", "")
    # Re-running the job renders nothing twice.
    run_job(job.pk, inline=True)
    assert StoredDocument.objects.filter(case=case).count() == 7


def test_fee_notice_without_account_prints_no_account(
    make_case: Any, staff: Any, series: Series
) -> None:
    make_case(series=series, state=State.AWAITING_FILING, claim_total=Decimal("46234.56"))
    job = start_filing(by=staff["clerks"][0], series=series, run_now=True, filed_on=FILED_ON)
    run_job(job.pk, inline=True)
    text = pdf_text(
        StoredDocument.objects.get(kind="fee_notice").absolute_path.read_bytes()
    ).replace(" ", "")
    assert "诉讼费缴纳平台交纳" in text and "账号" not in text


def test_stats_filing_section(make_case: Any, staff: Any, series: Series) -> None:
    from jiefen.stats.management.commands.stats import collect

    make_case(series=series, state=State.AWAITING_FILING, claim_total=Decimal("123456.78"))
    job = start_filing(by=staff["clerks"][0], series=series, run_now=True, filed_on=FILED_ON)
    run_job(job.pk, inline=True)
    filing = collect()["filing"]
    assert filing == {"filed": 1, "documents": 7, "signed_documents": 7, "fees_total": "1385.00"}


def test_filing_clerk_sees_the_cases_they_filed_other_clerks_do_not(
    make_case: Any, staff: Any, series: Series, court: Any, make_user: Any
) -> None:
    from django.http import Http404

    from jiefen.accounts.models import Role
    from jiefen.cases.access import case_for
    from jiefen.docket.actions import start_filing
    from jiefen.docket.tasks import run_job

    cases = [make_case(series=series, state=State.AWAITING_FILING) for _ in range(4)]
    filer = make_user(Role.CLERK, court, full_name="立案书记员")
    job = start_filing(by=filer, series=series, run_now=True, filed_on=FILED_ON)
    run_job(job.pk, inline=True)
    outsider = staff["clerks"][0]
    for case in cases:
        case.refresh_from_db()
        assert case.state == State.FILED
        assert case_for(filer, case.pk) == case
        if case.clerk_id != outsider.pk:
            with pytest.raises(Http404):
                case_for(outsider, case.pk)
