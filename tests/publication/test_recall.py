"""Recall: real judgments through the decision stage, seeded with personal data in the parties,
their contacts, the judge's edited reasoning and a defendant's answer; none of it may survive
in the anonymised text nor on the public page (法释〔2016〕19号 Arts. 8, 10)."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from jiefen.accounts.models import User
from jiefen.cases.models import Case, CaseType, Contact, ContactKind, ContactSource, Party
from jiefen.judgments.models import Judgment
from jiefen.privacy import blind_index, mask_id_number
from jiefen.publication.actions import prepare_publications, release
from jiefen.publication.models import Publication, PublicationState
from publication.conftest import EFFECTIVE_BY

BORROWER_ID = "11010519491231002X"
GUARANTOR_ID = "500105199001011234"
CARD_HOLDER_ID = "44030119900101123x"
DOMICILE_TAIL = "观音桥街道建新北路一支路12号3单元5-2"
GUARANTOR_TAIL = "人民南路四段1号附2号"
REASONING = (
    "原告与被告张三丰签订的《个人消费借款合同》合法有效。被告张三丰（手机139 1234 5678，电子邮箱"
    "zhangsanfeng@example.com）曾承诺以其名下车牌号为渝AD12345的车辆及不动产权证号渝（2021）"
    "江北区不动产权第0098765号的房屋还款，并称已通过银行卡6222021234567890123向原告转账，"
    "原告未予认可。被告张小明联系电话023-67891234，现住重庆市渝北区龙溪街道金龙路88号7栋2单元。"
)
SEEDED = [
    "张三丰",
    "张小明",
    "欧阳娜娜",
    BORROWER_ID,
    GUARANTOR_ID,
    CARD_HOLDER_ID,
    mask_id_number(BORROWER_ID),
    mask_id_number(GUARANTOR_ID),
    mask_id_number(CARD_HOLDER_ID),
    DOMICILE_TAIL,
    GUARANTOR_TAIL,
    "139 1234 5678",
    "13912345678",
    "zhangsanfeng@example.com",
    "渝AD12345",
    "渝（2021）江北区不动产权第0098765号",
    "6222021234567890123",
    "023-67891234",
    "金龙路88号",
    "6225880212345678",
    "13700001111",
    "ouyang@example.org",
]


def _seed(party: Party, id_number: str, domicile: str, phone: str, email: str) -> None:
    party.id_number, party.id_index, party.domicile = id_number, blind_index(id_number), domicile
    party.save()
    party.contacts.filter(kind=ContactKind.ADDRESS).update(value=domicile)
    for kind, value in ((ContactKind.MOBILE, phone), (ContactKind.EMAIL, email)):
        Contact.objects.create(party=party, kind=kind, value=value, source=ContactSource.CONTRACT)


def _loan(make_heard_case: Callable[..., Case]) -> Case:
    case = make_heard_case(
        name="张三丰",
        guarantors=[{"name": "张小明", "kind": "joint"}],
        disputed={
            "interest": {
                "reason": "已于2025年5月10日通过尾号为6222021234567890123的银行卡还款500元",
                "text": "被告已偿还利息500元，本院认定欠付利息734.56元",
                "amounts": {"interest": "734.56"},
            }
        },
    )
    borrower, guarantor = (cp.party for cp in case.case_parties.order_by("position"))
    _seed(
        borrower,
        BORROWER_ID,
        f"重庆市江北区{DOMICILE_TAIL}",
        "13912345678",
        "zhangsanfeng@example.com",
    )
    _seed(guarantor, GUARANTOR_ID, f"四川省成都市武侯区{GUARANTOR_TAIL}", "13700001111", "x@a.cn")
    return case


def _card(make_heard_case: Callable[..., Case]) -> Case:
    case = make_heard_case(
        name="欧阳娜娜",
        case_type=CaseType.CREDIT_CARD,
        elements={
            "card": {
                "number": "6225880212345678",
                "holder": "欧阳娜娜",
                "issued_on": "2022-05-10",
                "issuing_branch": "长江银行股份有限公司重庆分行",
                "credit_limit": "50000.00",
            }
        },
    )
    holder = case.case_parties.get().party
    _seed(
        holder,
        CARD_HOLDER_ID,
        "重庆市江北区北滨一路368号金融城2号T4栋",
        "13700001112",
        "ouyang@example.org",
    )
    return case


def test_no_seeded_personal_data_survives_prepare_and_publication(
    make_heard_case: Callable[..., Case],
    make_effective: Callable[..., Judgment],
    clerk: User,
    client: Client,
) -> None:
    loan, card = _loan(make_heard_case), _card(make_heard_case)
    make_effective(loan, sections={"reasoning": REASONING})
    make_effective(card)

    assert prepare_publications(by=None, as_of=EFFECTIVE_BY) == 2
    loan_pub = Publication.objects.get(judgment__case=loan)
    card_pub = Publication.objects.get(judgment__case=card)
    # The original is the judgment as signed: the seeded data are in it, so the test bites.
    assert "张三丰" in loan_pub.original_text and DOMICILE_TAIL in loan_pub.original_text
    assert mask_id_number(BORROWER_ID) in loan_pub.original_text
    assert "渝AD12345" in loan_pub.original_text and "6222021234567890123" in loan_pub.original_text
    assert "6225880212345678" in card_pub.original_text

    for pub in (loan_pub, card_pub):
        for seeded in SEEDED:
            assert seeded not in pub.anonymised_text, seeded
            assert seeded not in pub.title, seeded
        assert release(pub, by=clerk).state == PublicationState.RELEASED
        page = client.get(reverse("publication:public_detail", args=[pub.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        for seeded in SEEDED:
            assert seeded not in html, seeded

    text = loan_pub.anonymised_text
    # Same surname in one document: 张某甲 (the borrower, listed first), 张某乙 (the guarantor).
    assert "被告：张某甲，男，1990年1月1日出生，汉族，住重庆市江北区，公民身份号码×。" in text
    assert "被告（保证人）：张某乙，住四川省成都市武侯区，公民身份号码×。" in text
    assert "（2025）渝0105民初" in text and "长江银行股份有限公司重庆分行" in text
    assert "住所地重庆市渝中区民族路188号" in text  # the institution keeps its domicile
    assert "车牌号为×的车辆及不动产权证号×的房屋" in text
    assert "审判员　王明" in text and "书记员　李静" in text
    assert (
        loan_pub.title
        == "长江银行股份有限公司重庆分行与张某甲、张某乙金融借款合同纠纷一审民事判决书"
    )
    assert "欧阳某某" in card_pub.anonymised_text and "卡号×" in card_pub.anonymised_text
