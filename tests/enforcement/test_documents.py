"""Enforcement documents (jiefen.enforcement.documents): each kind rendered from the rows,
court-sealed, saying what the law requires, with the exact amounts; issued once.

The fixture (figures worked by hand): an effective judgment of this court, principal 50,000.00,
interest 2,000.00, acceptance fee borne by the defendant 525.00 → debt 52,525.00 (伍万贰仟伍佰
贰拾伍元整); execution fee 687.88 (52,525 × 1.5 % − 100 = 687.875, to the fen); performance period ends
2026-01-15, so the doubled part runs from 2026-01-16. One deduction of 30,000.00 on 2026-03-10
pays 687.88 fee, 525.00 costs, 2,000.00 interest and 26,787.12 principal.

Set JIEFEN_ENF_PNG=1 to also write a PNG of every document to /tmp/enf_docs/ (to look at them).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from enforcement.factories import debtor, enforceable_case, officers
from jiefen.accounts.models import Organisation, User
from jiefen.cases.models import Case, CaseParty, PartyKind, PartyRole
from jiefen.cases.states import State
from jiefen.documents.models import StoredDocument
from jiefen.documents.signing import validate
from jiefen.documents.storage import read_verified
from jiefen.enforcement import documents
from jiefen.enforcement.models import (
    Application,
    Asset,
    AssetKind,
    Enforcement,
    EnforcementState,
    Inquiry,
    Measure,
    MeasureKind,
    Receipt,
    ReceiptSource,
    TitleKind,
)

D = Decimal
NUMBER = "（2026）渝0105执12号"
PNG_DIR = Path("/tmp/enf_docs")


def pdf_text(doc: StoredDocument) -> str:
    """The document's text with every line break and space removed (typst wraps lines)."""
    data = read_verified(doc.path, doc.sha256)
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return re.sub(r"\s+", "", out.stdout.decode())


def sealed(doc: StoredDocument) -> None:
    assert doc.signed
    report = validate(read_verified(doc.path, doc.sha256))
    assert report.ok, report
    assert report.signatures[0].signer == "重庆市江北区人民法院电子印章"


def look(doc: StoredDocument, name: str) -> None:
    """Write the pages as PNG for a human to look at (opt-in: JIEFEN_ENF_PNG=1)."""
    if not os.environ.get("JIEFEN_ENF_PNG"):
        return
    PNG_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(doc.absolute_path), str(PNG_DIR / name)], check=True
    )


@pytest.fixture
def officer(court: Organisation) -> User:
    return officers(court, 1, names=["李执行"])[0]


@pytest.fixture
def case(court: Organisation, bank: Organisation, officer: User) -> Case:
    bank.address = "重庆市渝中区民族路188号"
    bank.legal_representative = "周六"
    bank.save()
    return enforceable_case(court, bank, officer_count=1)


@pytest.fixture
def enforcement(case: Case, officer: User) -> Enforcement:
    Case.objects.filter(pk=case.pk).update(state=State.IN_ENFORCEMENT)
    return Enforcement.objects.create(
        case=case,
        number=NUMBER,
        title_kind=TitleKind.JUDGMENT,
        title_reference=f"{case.case_number}民事判决书",
        filed_on=date(2026, 3, 2),
        officer=officer,
        costs=D("525.00"),
        interest=D("2000.00"),
        principal=D("50000.00"),
        other=D("0.00"),
        delay_from=date(2026, 1, 15),
        applied_total=D("52525.00"),
        execution_fee=D("687.88"),
        debt_outstanding=D("52525.00"),
    )


@pytest.fixture
def person(case: Case) -> Any:
    return case.case_parties.get().party


@pytest.fixture
def measure(enforcement: Enforcement, person: Any) -> Callable[..., Measure]:
    def make(kind: str, on: date, **fields: Any) -> Measure:
        fields.setdefault("party", person)
        return Measure.objects.create(enforcement=enforcement, kind=kind, starts_on=on, **fields)

    return make


@pytest.fixture
def notices(measure: Callable[..., Measure]) -> tuple[Measure, Measure]:
    return (
        measure(MeasureKind.EXECUTION_NOTICE, date(2026, 3, 2)),
        measure(MeasureKind.REPORT_ORDER, date(2026, 3, 2)),
    )


@pytest.fixture
def deposit(enforcement: Enforcement, person: Any) -> Asset:
    inquiry = Inquiry.objects.create(
        enforcement=enforcement,
        party=person,
        requested_on=date(2026, 3, 4),
        request_reference="REQ-1",
        state="answered",
    )
    return Asset.objects.create(
        inquiry=inquiry,
        enforcement=enforcement,
        party=person,
        kind=AssetKind.DEPOSIT,
        registry="中国工商银行股份有限公司重庆江北支行",
        identifier="6222021001234567890",
        description="活期储蓄账户",
        value=D("30000.00"),
        holder_name=person.name,
        matched=True,
        registry_reference="HIT-1",
    )


@pytest.fixture
def vehicle(deposit: Asset) -> Asset:
    return Asset.objects.create(
        inquiry=deposit.inquiry,
        enforcement=deposit.enforcement,
        party=deposit.party,
        kind=AssetKind.VEHICLE,
        registry="重庆市公安局交通管理局",
        identifier="渝A·12345",
        description="小型轿车",
        value=D("80000.00"),
        holder_name=deposit.holder_name,
        matched=True,
        registry_reference="HIT-2",
    )


def issued(measure_ids: list[int]) -> list[StoredDocument]:
    made = documents.issue_measure_documents(measure_ids, by=None)
    assert made == len(measure_ids)
    rows = Measure.objects.filter(pk__in=measure_ids).select_related("document").order_by("pk")
    docs = [m.document for m in rows]
    assert all(d is not None for d in docs)
    return [d for d in docs if d is not None]


def test_execution_notice_and_report_order(notices: tuple[Measure, Measure]) -> None:
    notice, report = issued([m.pk for m in notices])
    for doc in (notice, report):
        sealed(doc)
        assert doc.recipient == "张三" and doc.issued_for.startswith("measure:")
    look(notice, "execution_notice")
    look(report, "report_order")

    text = pdf_text(notice)
    assert "执行通知书" in text and NUMBER in text and text.startswith("重庆市江北区人民法院")
    assert "本院（2025）渝0105民初" in text and "民事判决书已经发生法律效力" in text
    assert "本院于2026年3月2日立案执行" in text
    assert "第二百五十一条、第二百六十四条" in text
    assert "自收到本通知之日起立即履行下列义务" in text
    assert "人民币52,525.00元（伍万贰仟伍佰贰拾伍元整）" in text
    assert "借款本金50,000.00元、利息2,000.00元、案件受理费525.00元" in text
    assert "自2026年1月15日次日起按日万分之一点七五计算至实际履行之日止" in text
    assert "负担申请执行费人民币687.88元" in text
    assert "纳入失信被执行人名单" in text  # the risk warning of 失信规定 Art. 5
    assert "本院同日发出的报告财产令" in text
    assert "二〇二六年三月二日" in text and "李执行" in text

    text = pdf_text(report)
    assert "报告财产令" in text and "第二百五十二条" in text
    assert "自收到本令之日起五日内" in text
    assert "当前以及收到执行通知之日前一年的财产情况" in text
    assert "自财产变动之日起十日内向本院补充报告" in text
    assert "予以罚款、拘留" in text and "财产调查表" in text

    # A second run (a retried task) issues nothing and keeps the links.
    before = StoredDocument.objects.count()
    assert documents.issue_measure_documents([m.pk for m in notices], by=None) == 0
    assert StoredDocument.objects.count() == before


def test_freeze_deduct_and_seize_rulings(
    notices: tuple[Measure, Measure],
    measure: Callable[..., Measure],
    deposit: Asset,
    vehicle: Asset,
    person: Any,
) -> None:
    freeze = measure(
        MeasureKind.FREEZE,
        date(2026, 3, 5),
        asset=deposit,
        amount=D("30000.00"),
        ends_on=date(2027, 3, 4),
    )
    deduct = measure(MeasureKind.DEDUCT, date(2026, 3, 10), asset=deposit, amount=D("30000.00"))
    seize = measure(MeasureKind.SEIZE, date(2026, 3, 5), asset=vehicle, ends_on=date(2028, 3, 4))
    docs = issued([freeze.pk, deduct.pk, seize.pk])
    for doc, name in zip(docs, ("freeze", "deduct", "seize"), strict=True):
        sealed(doc)
        look(doc, f"{name}_ruling")
    frozen, deducted, seized = (pdf_text(d) for d in docs)

    for text in (frozen, deducted, seized):
        assert "执行裁定书" in text and NUMBER in text and "裁定如下：" in text
        assert "申请执行人：长江银行股份有限公司重庆分行，住所地重庆市渝中区民族路188号。" in text
        assert "负责人：周六。" in text
        # The debtor's line as the judgment prints it: the ID number masked.
        assert "被执行人：张三，男，1990年1月1日出生，住重庆市江北区" in text
        assert f"公民身份号码{person.id_number[:6]}********{person.id_number[-4:]}" in text
        assert person.id_number not in text
        assert "本裁定立即执行。" in text and "执行员李执行" in text
        assert "第二百三十六条" in text  # the objection remedy
    assert "第二百五十三条" in frozen and "第四百八十五条" in frozen
    assert (
        "冻结被执行人张三在中国工商银行股份有限公司重庆江北支行开立的账户（账号6222***********7890）"
        "内的存款人民币30,000.00元，冻结期限为一年，自2026年3月5日起至2027年3月4日止。"
    ) in frozen
    assert "6222021001234567890" not in frozen
    assert "二〇二六年三月五日" in frozen
    assert "本院已于2026年3月5日依法冻结上述存款" in deducted
    assert (
        "扣划被执行人张三在中国工商银行股份有限公司重庆江北支行开立的账户（账号6222***********7890）"
        "内的存款人民币30,000.00元。"
    ) in deducted
    assert "第二百五十五条" in seized
    assert (
        "查封被执行人张三名下的机动车（小型轿车，号牌号码渝A·12345），查封期限为二年，"
        "自2026年3月5日起至2028年3月4日止。"
    ) in seized


def test_consumption_restriction_binds_an_organisations_officers(
    enforcement: Enforcement, measure: Callable[..., Measure], person: Any
) -> None:
    company = debtor(
        name="重庆某某商贸有限公司", kind=PartyKind.ORGANISATION, legal_representative="王五"
    )
    CaseParty.objects.create(
        case=enforcement.case, party=company, role=PartyRole.DEFENDANT, position=2
    )
    own = measure(MeasureKind.CONSUMPTION_RESTRICTION, date(2026, 3, 9))
    org = measure(MeasureKind.CONSUMPTION_RESTRICTION, date(2026, 3, 9), party=company)
    natural, organisation = issued([own.pk, org.pk])
    sealed(organisation)
    look(organisation, "restriction_order_org")
    look(natural, "restriction_order")
    text = pdf_text(natural)
    assert "限制消费令" in text and NUMBER in text
    assert "因你未按执行通知书指定的期间履行生效法律文书确定的给付义务" in text
    assert "第一条、第三条" in text and "第二百六十六条" in text
    assert "（一）乘坐交通工具时，选择飞机、列车软卧、轮船二等以上舱位；" in text
    assert "（九）乘坐G字头动车组列车全部座位、其他动车组列车一等以上座位" in text
    assert "第一百一十四条" in text and "因私消费" not in text
    text = pdf_text(organisation)
    assert (
        "限制你单位及你单位的法定代表人王五、主要负责人、影响债务履行的直接责任人员、实际控制人"
        "不得实施以下高消费"
    ) in text
    assert "因私消费以个人财产实施前述规定行为的，可以向本院提出申请" in text


def test_dishonest_listing_and_its_deletion(
    enforcement: Enforcement,
    notices: tuple[Measure, Measure],
    measure: Callable[..., Measure],
) -> None:
    listing = measure(
        MeasureKind.DISHONEST_LISTING,
        date(2026, 3, 12),
        ground="breaks_reporting",
        ends_on=date(2028, 3, 11),
    )
    (doc,) = issued([listing.pk])
    sealed(doc)
    look(doc, "dishonest_decision")
    text = pdf_text(doc)
    assert text.count("决定书") >= 1 and NUMBER in text and "决定如下：" in text
    assert "本院于2026年3月2日向其发出报告财产令，被执行人张三未按报告财产令报告财产" in text
    assert "第一条第四项、第二条规定" in text
    assert (
        "将被执行人张三纳入失信被执行人名单，纳入期限为二年，自2026年3月12日起至2028年3月11日止。"
    ) in text
    assert "本决定一经作出即生效。" in text
    assert "自收到书面纠正申请之日起十五日内审查" in text and "第十一条、第十二条" in text
    assert "执行员" not in text  # a decision is signed by the court alone

    # Performed in full before the term ends: the court may delete it early (Art. 2 para. 2).
    Enforcement.objects.filter(pk=enforcement.pk).update(state=EnforcementState.PERFORMED)
    Measure.objects.filter(pk=listing.pk).update(lifted_on=date(2026, 4, 1))
    assert documents.issue_lift_documents([listing.pk], by=None) == 1
    listing.refresh_from_db()
    assert listing.lift_document is not None
    sealed(listing.lift_document)
    look(listing.lift_document, "delisting_decision")
    text = pdf_text(listing.lift_document)
    assert "本院在执行" in text and "于2026年3月12日决定将被执行人张三纳入失信被执行人名单" in text
    assert "现被执行人已积极履行生效法律文书确定的全部义务" in text and "第二条第二款" in text
    assert "删除被执行人张三的失信信息。" in text and "二〇二六年四月一日" in text
    assert documents.issue_lift_documents([listing.pk], by=None) == 0


def test_listing_of_a_debtor_able_but_refusing_lasts_until_performance(
    notices: tuple[Measure, Measure], measure: Callable[..., Measure]
) -> None:
    listing = measure(MeasureKind.DISHONEST_LISTING, date(2026, 3, 12), ground="able_but_refuses")
    (doc,) = issued([listing.pk])
    text = pdf_text(doc)
    assert "被执行人张三有履行能力而拒不履行生效法律文书确定义务" in text
    assert "第一条第一项规定" in text and "纳入期限" not in text
    assert "将被执行人张三纳入失信被执行人名单。" in text
    assert "在三个工作日内删除失信信息" in text


def test_lifting_a_freeze_and_a_restriction_when_performed(
    enforcement: Enforcement,
    notices: tuple[Measure, Measure],
    measure: Callable[..., Measure],
    deposit: Asset,
) -> None:
    freeze = measure(
        MeasureKind.FREEZE,
        date(2026, 3, 5),
        asset=deposit,
        amount=D("30000.00"),
        ends_on=date(2027, 3, 4),
        lifted_on=date(2026, 4, 1),
    )
    restriction = measure(
        MeasureKind.CONSUMPTION_RESTRICTION, date(2026, 3, 9), lifted_on=date(2026, 4, 1)
    )
    not_lifted = measure(MeasureKind.CONSUMPTION_RESTRICTION, date(2026, 3, 20))
    Enforcement.objects.filter(pk=enforcement.pk).update(state=EnforcementState.PERFORMED)
    ids = [freeze.pk, restriction.pk, not_lifted.pk]
    assert documents.issue_lift_documents(ids, by=None) == 2
    freeze.refresh_from_db()
    restriction.refresh_from_db()
    not_lifted.refresh_from_db()
    assert not_lifted.lift_document is None
    assert freeze.lift_document is not None and restriction.lift_document is not None
    sealed(freeze.lift_document)
    look(freeze.lift_document, "unfreeze_ruling")
    look(restriction.lift_document, "restriction_lift")
    text = pdf_text(freeze.lift_document)
    assert "执行裁定书" in text and "债务已经清偿" in text
    assert "第二十八条第一款第四项" in text
    assert (
        "解除对被执行人张三在中国工商银行股份有限公司重庆江北支行开立的账户（账号6222***********7890）"
        "内的存款的冻结。"
    ) in text
    text = pdf_text(restriction.lift_document)
    assert "解除限制消费令" in text and "第九条" in text
    assert "因你已履行完毕生效法律文书确定的义务" in text
    assert documents.issue_lift_documents(ids, by=None) == 0


def test_termination_ruling_says_what_was_done_and_the_reinquiry(
    enforcement: Enforcement,
    notices: tuple[Measure, Measure],
    measure: Callable[..., Measure],
    deposit: Asset,
) -> None:
    measure(MeasureKind.DEDUCT, date(2026, 3, 10), asset=deposit, amount=D("30000.00"))
    measure(MeasureKind.CONSUMPTION_RESTRICTION, date(2026, 3, 9))
    Asset.objects.create(  # a namesake's account: never the debtor's property
        inquiry=deposit.inquiry,
        enforcement=enforcement,
        party=deposit.party,
        kind=AssetKind.DEPOSIT,
        registry="重庆农村商业银行股份有限公司",
        identifier="6214000000000001",
        value=D("5000.00"),
        holder_name="张三",
        matched=False,
        mismatch="仅姓名相同，证件号码不一致",
        registry_reference="HIT-9",
    )
    Enforcement.objects.filter(pk=enforcement.pk).update(
        state=EnforcementState.TERMINATED_FOR_NOW,
        received=D("30000.00"),
        fee_collected=D("687.88"),
        debt_outstanding=D("23212.88"),
        closed_on=date(2026, 6, 10),
        next_inquiry_on=date(2026, 12, 10),
    )
    end = measure(MeasureKind.TERMINATION, date(2026, 6, 10), party=None)
    (doc,) = issued([end.pk])
    sealed(doc)
    look(doc, "termination_ruling")
    text = pdf_text(doc)
    assert "执行裁定书" in text and NUMBER in text
    assert "于2026年3月2日向被执行人张三发出执行通知书、报告财产令" in text
    assert "于2026年3月4日通过网络执行查控系统查询被执行人的存款、车辆、不动产、证券等财产" in text
    assert "于2026年3月9日向被执行人张三发出限制消费令" in text
    assert "除此之外，未发现被执行人有其他可供执行的财产" in text
    assert "另有一项财产登记人的证件号码与被执行人不一致，不属于被执行人的财产，未予处置" in text
    assert "6214000000000001" not in text and "重庆农村商业银行" not in text
    assert "本案执行到位人民币30,000.00元" in text
    assert "尚有生效法律文书确定的金钱债务人民币23,212.88元未履行" in text
    assert "第五百一十七条" in text and "终结本次执行程序的规定（试行）》第一条规定" in text
    assert "终结本次执行程序。" in text
    assert "申请恢复执行不受申请执行时效期间的限制" in text
    assert "每六个月通过网络执行查控系统查询一次被执行人的财产" in text
    assert "下次查询日期为2026年12月10日" in text
    assert doc.recipient.startswith("申请执行人")


def _receipt(enforcement: Enforcement) -> Receipt:
    return Receipt.objects.create(
        enforcement=enforcement,
        source=ReceiptSource.DEDUCTION,
        reference="DED-1",
        received_on=date(2026, 3, 10),
        amount=D("30000.00"),
        to_execution_fee=D("687.88"),
        to_costs=D("525.00"),
        to_interest=D("2000.00"),
        to_principal=D("26787.12"),
    )


def test_receipt_in_figures_and_words_with_its_distribution(
    enforcement: Enforcement,
    notices: tuple[Measure, Measure],
    measure: Callable[..., Measure],
    deposit: Asset,
) -> None:
    measure(
        MeasureKind.DEDUCT,
        date(2026, 3, 10),
        asset=deposit,
        amount=D("30000.00"),
        registry_reference="DED-1",
    )
    receipt = _receipt(enforcement)
    assert documents.issue_receipt_documents([receipt.pk], by=None) == 1
    receipt.refresh_from_db()
    doc = receipt.document
    assert doc is not None and doc.kind == "enf_receipt"
    sealed(doc)
    look(doc, "receipt")
    text = pdf_text(doc)
    assert "执行款收据" in text and f"渝0105执款2026{receipt.pk:07d}" in text
    assert NUMBER in text and "被执行人张三（本院扣划）" in text and "DED-1" in text
    assert "人民币30,000.00元" in text and "叁万元整" in text
    for label, amount in (
        ("申请执行费", "687.88"),
        ("实现债权的费用（案件受理费、律师费等）", "525.00"),
        ("一般债务利息", "2,000.00"),
        ("本金", "26,787.12"),
        ("合计", "30,000.00"),
    ):
        assert f"{label}{amount}" in text, label
    assert "财务专用章" in text
    assert documents.issue_receipt_documents([receipt.pk], by=None) == 0


def test_creditor_statement(enforcement: Enforcement, notices: tuple[Measure, Measure]) -> None:
    _receipt(enforcement)
    Enforcement.objects.filter(pk=enforcement.pk).update(
        received=D("30000.00"), fee_collected=D("687.88"), debt_outstanding=D("23212.88")
    )
    enforcement.refresh_from_db()
    doc = documents.creditor_statement(enforcement, by=None, on=date(2026, 3, 10))
    sealed(doc)
    look(doc, "statement")
    text = pdf_text(doc)
    assert "执行款明细" in text and NUMBER in text
    assert "借款本金利息案件受理费金钱债务合计申请执行费（由被执行人负担）" in text
    assert "50,000.002,000.00525.0052,525.00687.88" in text
    assert "2026-03-10DED-1扣划30,000.00687.88525.002,000.0026,787.12" in text
    assert (
        "执行到位合计其中：申请执行费应付申请执行人（债务及迟延履行利息）退还被执行人"
        "申请执行人直接收取（自行报告）已发还申请执行人本院暂存待发还"
        "30,000.00687.8829,312.120.000.000.0029,312.12"
    ) in text
    # Still owed on 2026-03-10: principal 50,000 − 26,787.12 = 23,212.88; the doubled part on
    # 50,525 (costs + principal) × 0.0175 % × 54 days (01-16..03-10) = 477.46125 → 477.46.
    assert (
        "尚欠金钱债务（含已计一般债务利息）尚欠迟延履行期间的加倍部分债务利息尚欠申请执行费尚欠合计"
        "23,212.88477.460.0023,690.34"
    ) in text
    # Same figures the same day: the same document.
    again = documents.creditor_statement(enforcement, by=None, on=date(2026, 3, 10))
    assert again.pk == doc.pk


def test_closing_notice(
    enforcement: Enforcement, notices: tuple[Measure, Measure], measure: Callable[..., Measure]
) -> None:
    Receipt.objects.create(
        enforcement=enforcement,
        source=ReceiptSource.VOLUNTARY,
        reference="PAY-1",
        received_on=date(2026, 3, 20),
        amount=D("53778.76"),
        to_execution_fee=D("687.88"),
        to_costs=D("525.00"),
        to_interest=D("2000.00"),
        to_principal=D("50000.00"),
        # 50,525 × 0.0175 % × 64 days (01-16..03-20) = 565.88
        to_delay_interest=D("565.88"),
    )
    Enforcement.objects.filter(pk=enforcement.pk).update(
        state=EnforcementState.PERFORMED, closed_on=date(2026, 3, 20)
    )
    close = measure(MeasureKind.CLOSING, date(2026, 3, 20), party=None)
    (doc,) = issued([close.pk])
    sealed(doc)
    look(doc, "closing_notice")
    text = pdf_text(doc)
    assert "结案通知书" in text and NUMBER in text
    assert "申请执行人长江银行股份有限公司重庆分行、被执行人张三：" in text
    assert "本案执行到位人民币53,778.76元（伍万叁仟柒佰柒拾捌元柒角陆分）" in text
    assert (
        "申请执行费687.88元" in text
        and "迟延履行期间的加倍部分债务利息565.88元" in text
        and "本金50,000.00元" in text
    )
    assert "生效法律文书确定的义务已全部履行完毕" in text
    assert "于2026年3月20日结案" in text and "特此通知。" in text


def test_application_for_a_judgment_title(case: Case, agent: User) -> None:
    application = Application.objects.create(
        case=case,
        title_kind=TitleKind.JUDGMENT,
        title_reference=f"{case.case_number}民事判决书",
        performance_ends=date(2026, 1, 15),
        application_deadline=date(2028, 1, 15),
        amount=D("52525.00"),
        prepared_on=date(2026, 2, 2),
    )
    doc = documents.application_document(application, by=None)
    application.refresh_from_db()
    assert application.document_id == doc.pk
    assert doc.kind == "enforcement_application" and not doc.signed  # the applicant seals it
    look(doc, "application")
    text = pdf_text(doc)
    assert "强制执行申请书" in text
    assert "申请人：长江银行股份有限公司重庆分行" in text and "被申请人：张三" in text
    assert "人民币52,525.00元（伍万贰仟伍佰贰拾伍元整）" in text
    assert "借款本金50,000.00元、利息2,000.00元、案件受理费525.00元" in text
    assert "自2026年1月15日次日起按日万分之一点七五计算至实际履行之日止" in text
    assert "第二百六十四条" in text
    assert "申请执行费（按申请执行标的计算为人民币687.88元）由被申请人负担" in text
    assert "2028年1月15日" in text and "第二百四十七条、第二百五十条" in text
    assert documents.application_document(application, by=None).pk == doc.pk


def test_kinds_are_registered() -> None:
    """The kinds are registered with the documents app, so pages can label stored documents."""
    from jiefen.documents.kinds import KINDS

    for code in documents.MEASURE_KINDS.values():
        assert code in KINDS and code.startswith("enf_")
    assert KINDS["enf_receipt"].template == "enf_receipt.typ"


def test_resumed_case_notice_credits_what_the_first_round_recovered(
    enforcement: Enforcement, officer: User, person: Any
) -> None:
    _receipt(enforcement)
    Enforcement.objects.filter(pk=enforcement.pk).update(
        state=EnforcementState.RESUMED, closed_on=date(2026, 6, 10)
    )
    enforcement.refresh_from_db()
    resumed = Enforcement.objects.create(
        case=enforcement.case,
        number="（2026）渝0105执恢3号",
        resumed_from=enforcement,
        title_kind=enforcement.title_kind,
        title_reference=enforcement.title_reference,
        filed_on=date(2026, 12, 10),
        officer=officer,
        costs=enforcement.costs,
        interest=enforcement.interest,
        principal=enforcement.principal,
        delay_from=enforcement.delay_from,
        applied_total=enforcement.applied_total,
        execution_fee=enforcement.execution_fee,
    )
    notice = Measure.objects.create(
        enforcement=resumed,
        kind=MeasureKind.EXECUTION_NOTICE,
        party=person,
        starts_on=date(2026, 12, 10),
    )
    (doc,) = issued([notice.pk])
    text = pdf_text(doc)
    assert "（2026）渝0105执恢3号" in text
    assert (
        f"本院于2026年3月2日立案执行（{NUMBER}），于2026年6月10日裁定终结本次执行程序；"
        "因发现被执行人有可供执行的财产，本院于2026年12月10日恢复执行"
    ) in text
    assert "终结本次执行程序前已执行到位的人民币30,000.00元，按照法定顺序抵扣上述款项" in text
