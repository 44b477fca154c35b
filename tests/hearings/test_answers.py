"""The element-style answer: saved by the party, refused without a reason, read by the record."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiefen.accounts.models import Role, User
from jiefen.audit.models import AuditRecord
from jiefen.cases.access import visible_cases
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.elements import answer_elements
from jiefen.cases.models import Case, CaseParty, PartyRole
from jiefen.cases.states import State
from jiefen.documents.models import StoredDocument
from jiefen.documents.storage import read
from jiefen.hearings.actions.answers import (
    AnswerRefused,
    answers_by_element,
    appoint_agent,
    attach_evidence,
    save_answer,
)
from jiefen.hearings.models import Agent, Answer, AnswerItem


def _defendant_login(case: Case, make_user: Callable[..., User]) -> tuple[Any, User]:
    party = case.defendants[0].party
    return party, make_user(Role.DEFENDANT, party=party)


def test_answer_catalogue_follows_the_template() -> None:
    loan = answer_elements("financial_loan")
    assert [e.label for e in loan[:2]] == [
        "对本金有无异议",
        "对利息（期内利息、复利、罚息）有无异议",
    ]
    assert [e.key for e in loan[-4:]] == ["exemption", "answer_basis", "other_notes", "evidence"]
    assert answer_elements("credit_card")[0].label == "对透支本金有无异议"


def test_objection_without_reason_is_refused_naming_the_element(
    served_series: Callable[..., list[Case]], make_user: Callable[..., User]
) -> None:
    case = served_series(1)[0]
    party, user = _defendant_login(case, make_user)
    with pytest.raises(AnswerRefused, match=r"对利息.*有无异议.*事实和理由"):
        save_answer(case, party, {"interest": ("objection", " ")}, by=user, submit=True)


def test_submitted_answer_is_read_by_element_and_a_draft_is_not(
    served_series: Callable[..., list[Case]], make_user: Callable[..., User]
) -> None:
    case = served_series(1)[0]
    party, user = _defendant_login(case, make_user)
    items = {"principal": ("no_objection", ""), "interest": ("objection", "罚息计算过高")}
    save_answer(case, party, items, by=user, submit=False)
    assert answers_by_element(case) == {}
    save_answer(case, party, items, by=user, submit=True)
    found = answers_by_element(case)
    assert [i.position for i in found["interest"]] == ["objection"]
    assert found["interest"][0].reason == "罚息计算过高"
    assert found["principal"][0].answer.party_id == party.pk


# --- the lawyer, refusals, evidence and the answer document -------------------------------------

_numbers = iter(range(7100, 7999))


@pytest.fixture
def answering(
    make_case: Callable[..., Case], make_party: Callable[..., Any]
) -> Callable[..., Case]:
    """A SERVED case with a case number; `answering(guarantor=True)` adds a guarantor."""

    def make(guarantor: bool = False) -> Case:
        case = make_case(state=State.SERVED, case_number=f"（2025）渝0105民初{next(_numbers)}号")
        if guarantor:
            CaseParty.objects.create(
                case=case, party=make_party(name="钱担保"), role=PartyRole.GUARANTOR
            )
        return case

    return make


def _lawyer_for(case: Case, party: Any, make_user: Callable[..., User]) -> User:
    lawyer = make_user(Role.LAWYER, full_name="赵律师")
    Agent.objects.create(
        case=case, party=party, lawyer=lawyer, law_firm="重庆某律师事务所", authority="special"
    )
    return lawyer


def test_a_lawyer_answers_for_the_party_and_the_pdf_says_so(
    answering: Callable[..., Case], make_user: Callable[..., User]
) -> None:
    case = answering()
    party = case.defendants[0].party
    lawyer = _lawyer_for(case, party, make_user)
    items = {"principal": ("no_objection", ""), "interest": ("objection", "罚息计算基数有误")}
    answer = save_answer(case, party, items, by=lawyer, submit=True)
    answer.refresh_from_db()
    assert answer.agent is not None and answer.agent.lawyer == lawyer
    assert answer.submitted_by == lawyer
    doc = answer.document
    assert doc is not None and doc.kind == "answer" and not doc.signed
    assert doc.party_id == party.pk
    assert doc.sha256 == hashlib.sha256(read(doc.path)).hexdigest()
    text = _pdf_text(read(doc.path))
    for expected in (
        "民事答辩状（要素式）",
        case.case_number,
        party.name,
        "对本金有无异议",
        "无异议",
        "有异议",
        "罚息计算基数有误",
        "赵律师",
        "证据清单",
    ):
        assert expected in text, expected
    assert AuditRecord.objects.filter(
        action="hearings.answer_submitted", object_id=str(answer.pk)
    ).exists()


def test_others_may_not_answer_for_the_party(
    answering: Callable[..., Case], make_user: Callable[..., User], bank: Any
) -> None:
    case = answering(guarantor=True)
    borrower = case.defendants[0].party
    guarantor = CaseParty.objects.get(case=case, role=PartyRole.GUARANTOR).party
    items = {"principal": ("no_objection", "")}
    # A lawyer of the guarantor is not the borrower's lawyer.
    guarantors_lawyer = _lawyer_for(case, guarantor, make_user)
    with pytest.raises(AnswerRefused, match="不是该当事人的委托诉讼代理人"):
        save_answer(case, borrower, items, by=guarantors_lawyer, submit=True)
    # A co-defendant (the guarantor) may not answer for the borrower.
    co = make_user(Role.DEFENDANT, party=guarantor)
    with pytest.raises(AnswerRefused, match=f"{re.escape(case.case_number)}：只能由答辩人本人"):
        save_answer(case, borrower, items, by=co, submit=True)
    # The bank's agent may not answer at all (no ability).
    with pytest.raises(TransitionRefused):
        save_answer(case, borrower, items, by=make_user(Role.BANK_AGENT, bank), submit=True)
    assert not Answer.objects.filter(party=borrower).exists()
    # The guarantor answers for themselves.
    save_answer(case, guarantor, items, by=co, submit=False)
    assert Answer.objects.get(party=guarantor).submitted_at is None


def test_evidence_is_stored_with_its_hash_and_a_wrong_type_is_refused(
    answering: Callable[..., Case], make_user: Callable[..., User]
) -> None:
    case = answering()
    party, user = _defendant_login(case, make_user)
    answer = save_answer(
        case, party, {"repaid": ("objection", "已还款5000元")}, by=user, submit=False
    )
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    doc = attach_evidence(answer, "repaid", SimpleUploadedFile("转账记录.png", png), by=user)
    assert doc.kind == "answer_evidence" and doc.party_id == party.pk
    assert (
        doc.sha256 == hashlib.sha256(png).hexdigest() == hashlib.sha256(read(doc.path)).hexdigest()
    )
    assert AnswerItem.objects.get(answer=answer, key="repaid").evidence == [doc.pk]
    fake = SimpleUploadedFile("收据.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(AnswerRefused, match=r"对还款情况有无异议.*收据\.pdf不是PDF、JPG或PNG文件"):
        attach_evidence(answer, "repaid", fake, by=user)
    big = SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(AnswerRefused, match="超过10MB"):
        attach_evidence(answer, "repaid", big, by=user)
    assert StoredDocument.objects.filter(kind="answer_evidence").count() == 1
    submitted = save_answer(
        case, party, {"repaid": ("objection", "已还款5000元")}, by=user, submit=True
    )
    assert "证据：转账记录.png" in _pdf_text(read(submitted.document.path))


def test_the_party_appoints_a_lawyer_who_then_sees_the_case(
    answering: Callable[..., Case], make_user: Callable[..., User]
) -> None:
    case = answering()
    party, user = _defendant_login(case, make_user)
    lawyer = make_user(Role.LAWYER)
    agent = appoint_agent(
        case,
        party,
        lawyer,
        law_firm="重庆某律师事务所",
        authority="general",
        power_of_attorney=None,
        by=user,
    )
    assert agent.party == party
    assert list(visible_cases(lawyer)) == [case]
    with pytest.raises(AnswerRefused, match="已是"):
        appoint_agent(
            case, party, lawyer, law_firm="所", authority="general", power_of_attorney=None, by=user
        )


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(data)).pages
    return "".join(p.extract_text() for p in pages).replace(" ", "").replace("\n", "")
