"""The complaint copy says what the bank's data says: who is liable how, whether costs are
claimed, whether the collateral was registered — in the signed PDF and in the Word copy."""

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from docx import Document
from pypdf import PdfReader

from jiefen.accounts.models import Organisation, Role, User
from jiefen.cases.models import Case
from jiefen.documents.context import case_context
from jiefen.documents.docx import render_docx
from jiefen.documents.rendering import render_pdf
from jiefen.intake.actions import create_batch, process_batch
from jiefen.intake.generator import generate_rows, render

pytestmark = pytest.mark.django_db

NO_FACTS = {
    "guarantor1_name": "",
    "guarantor1_id": "",
    "guarantor1_mobile": "",
    "guarantor1_address": "",
    "guarantor1_kind": "",
    "guarantor1_limit": "",
    "guarantor2_name": "",
    "guarantor2_id": "",
    "guarantor2_mobile": "",
    "guarantor2_address": "",
    "guarantor2_kind": "",
    "guarantor2_limit": "",
    "collateral": "",
    "collateral_kind": "",
    "collateral_signed_on": "",
    "collateral_maximum": "",
    "collateral_registered": "",
    "collateral_registration_number": "",
    "collateral_registered_on": "",
    "claims_costs": "是",
}
LI = {"guarantor1_name": "李四", "guarantor1_id": "500105198803150013"}
WANG = {"guarantor1_name": "王五", "guarantor1_id": "50010519900101003X"}
HOUSE = {"collateral": "渝(2021)江北区不动产权第000123号房屋", "collateral_kind": "不动产抵押"}
VARIETIES = {
    "joint_with_limit": {**LI, "guarantor1_kind": "连带责任保证", "guarantor1_limit": "50000"},
    "general": {**WANG, "guarantor1_kind": "一般保证"},
    "no_costs": {"claims_costs": "否"},
    "unregistered_house": {**HOUSE, "collateral_registered": "否"},
    "registered_house": {
        **HOUSE,
        "collateral_registered": "是",
        "collateral_registration_number": "渝(2021)江北区不动产证明第000456号",
        "collateral_registered_on": "2021-03-15",
        "collateral_maximum": "300000",
    },
}


def _flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def complaints(
    court: Organisation,
    bank: Organisation,
    make_user: Callable[..., User],
    tmp_path: Any,
    settings: Any,
) -> Callable[[str], tuple[Case, str, str]]:
    """One imported case per variety; its complaint copy as PDF text and as Word text."""
    settings.JIEFEN_VAR_DIR = tmp_path
    agent = make_user(Role.BANK_AGENT, bank)
    rows, _ = generate_rows("financial_loan", len(VARIETIES), seed=21)
    for row, cells in zip(rows, VARIETIES.values(), strict=True):
        row.update({**NO_FACTS, **cells})
    batch, _ = create_batch(bank, court, render(rows, "financial_loan"), "b.csv", by=agent)
    batch = process_batch(batch.pk)
    assert batch.rejected == 0, list(batch.errors.values_list("column", "reason"))
    by_variety = {
        name: Case.objects.get(batch=batch, batch_row=row)
        for row, name in enumerate(VARIETIES, start=2)
    }

    def complaint(variety: str) -> tuple[Case, str, str]:
        case = by_variety[variety]
        data = case_context(case, issued_on=date(2025, 7, 1))
        pdf = render_pdf("complaint_copy", data)
        pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        word = Document(io.BytesIO(render_docx("complaint_copy", data)))
        word_text = "".join(p.text for p in word.paragraphs)
        return case, _flat(pdf_text), _flat(word_text)

    return complaint


def test_joint_guarantee_with_limit(complaints: Callable[[str], Any]) -> None:
    _, pdf, word = complaints("joint_with_limit")
    claim = "请求判令保证人李四在保证限额50,000.00元范围内对上述债务承担连带清偿责任"
    for text in (pdf, word):
        assert claim in text
        assert "保证方式连带责任保证" in text or "保证方式：连带责任保证" in text


def test_general_guarantee_is_never_joint(complaints: Callable[[str], Any]) -> None:
    case, pdf, word = complaints("general")
    debtor = case.defendants[0].party.name
    claim = (
        f"请求判令保证人王五对被告{debtor}的上述债务经依法强制执行后仍不能履行的部分承担清偿责任"
    )
    for text in (pdf, word):
        assert claim in text
        assert "连带" not in text
        assert "一般保证" in text


def test_costs_claimed_only_where_the_bank_claims_them(complaints: Callable[[str], Any]) -> None:
    _, pdf, word = complaints("no_costs")
    _, claimed_pdf, claimed_word = complaints("general")
    for text in (pdf, word):
        assert "诉讼费用由被告承担" not in text
        assert "是否主张诉讼费用否" in text or "是否主张诉讼费用：否" in text
    for text in (claimed_pdf, claimed_word):
        assert "本案诉讼费用由被告承担" in text


def test_unregistered_house_mortgage_claims_no_priority(complaints: Callable[[str], Any]) -> None:
    _, pdf, word = complaints("unregistered_house")
    for text in (pdf, word):
        assert "未办理抵押登记，抵押权未设立" in text
        assert "享有优先受偿权" not in text
        assert "正式登记" not in text and "登记证明号" not in text
        # No guarantor and no priority: the complaint claims no security at all.
        assert "是否主张担保权利否" in text or "是否主张担保权利：否" in text


def test_registered_mortgage_claims_priority_with_its_number(
    complaints: Callable[[str], Any],
) -> None:
    case, pdf, word = complaints("registered_house")
    debtor = case.defendants[0].party.name
    for text in (pdf, word):
        assert "正式登记；登记证明号：渝(2021)江北区不动产证明第000456号" in text
        assert (
            f"请求确认原告对被告{debtor}提供的渝(2021)江北区不动产权第000123号房屋"
            "折价或者拍卖、变卖所得价款在最高债权额300,000.00元范围内享有优先受偿权"
        ) in text


@pytest.mark.parametrize(
    ("elements", "claim", "absent"),
    [
        (
            {"guarantees": [{"name": "王五", "kind": "general", "limit": "20000.00"}]},
            "请求判令保证人王五在保证限额20,000.00元范围内对被告张三的上述债务"
            "经依法强制执行后仍不能履行的部分承担清偿责任",
            "连带",
        ),
        # A guarantee whose type the data does not give is never read as joint.
        ({"guarantees": [{"name": "王五"}]}, "承担保证责任（保证方式未载明）", "连带"),
        (
            {"collateral": {"description": "渝A12345号小型轿车", "kind": "movable_mortgage"}},
            "请求确认原告对被告张三提供的渝A12345号小型轿车折价或者拍卖、变卖所得价款"
            "在上述债权范围内享有优先受偿权",
            "正式登记",
        ),
        (
            {"collateral": {"description": "定期存单", "kind": "pledge", "registered": False}},
            "否",
            "优先受偿权",
        ),
    ],
)
def test_security_claims_follow_the_facts(
    make_case: Callable[..., Case], elements: dict[str, Any], claim: str, absent: str
) -> None:
    from jiefen.cases.elements import complaint_elements

    rows = {r.key: r.text for r in complaint_elements(make_case(elements=elements))}
    text = "".join(rows.values())
    assert claim in rows["guarantee_claim"]
    assert absent not in text
    if elements.get("collateral", {}).get("kind") == "movable_mortgage":
        assert "未经登记不得对抗善意第三人" in rows["security_registration"]
