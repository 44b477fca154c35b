"""Anonymisation for publication (法释〔2016〕19号 Arts. 8, 10; legal-rules §6), table-driven.

Expected texts are written from the rules: a natural person keeps the surname (compound
surnames both characters) and the given name becomes 某 (one per character, at most two);
persons sharing a surname become 某甲、某乙; identifiers become "×"; an address keeps the
divisions down to the county or district; organisations, case numbers, amounts and dates stay.
"""

from __future__ import annotations

import pytest

from jiefen.law.anonymisation import anonymise, pseudonym, residues

BANK = "长江银行股份有限公司重庆分行"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张三", "张某"),
        ("张三丰", "张某某"),
        ("李四", "李某"),
        ("欧阳娜娜", "欧阳某某"),
        ("诸葛亮", "诸葛某"),
        ("司马光", "司马某"),
        ("令狐冲", "令狐某"),
        ("上官婉儿", "上官某某"),
        ("欧阳", "欧某"),  # two characters: surname 欧, given name 阳
        ("王", "王某"),
        ("买买提·艾力", "买某某"),
        (" 赵六 ", "赵某"),
    ],
)
def test_pseudonym_keeps_the_surname(name: str, expected: str) -> None:
    assert pseudonym(name) == expected


@pytest.mark.parametrize(
    ("text", "persons", "expected"),
    [
        ("被告张三、李四", ["张三", "李四"], "被告张某、李某"),
        ("被告张三、张四", ["张三", "张四"], "被告张某甲、张某乙"),
        ("保证人张四，借款人张三", ["张三", "张四"], "保证人张某乙，借款人张某甲"),
        ("张三丰与张三", ["张三", "张三丰"], "张某乙与张某甲"),
        ("欧阳娜娜与欧阳锋", ["欧阳娜娜", "欧阳锋"], "欧阳某甲与欧阳某乙"),
        ("欧阳娜娜与欧文", ["欧阳娜娜", "欧文"], "欧阳某某与欧某"),
        ("被告张三（男）", ["张三", "张三"], "被告张某（男）"),
    ],
)
def test_names_of_natural_persons(text: str, persons: list[str], expected: str) -> None:
    assert anonymise(text, persons).text == expected


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        ("公民身份号码11010519491231002X。", "公民身份号码×。", "id_number"),
        ("公民身份号码11010519491231002x。", "公民身份号码×。", "id_number"),
        ("身份证号110105491231002，", "身份证号×，", "id_number"),
        ("公民身份号码110105********002X。", "公民身份号码×。", "id_number"),
        ("身份证：5001051990****1234", "身份证：×", "id_number"),
        ("手机13800138000。", "手机×。", "phone"),
        ("电话+86 138 0013 8000。", "电话×。", "phone"),
        ("电话+86-138-0013-8000。", "电话×。", "phone"),
        ("电话138-0013-8000、8613800138000。", "电话×、×。", "phone"),
        ("手机138****8000。", "手机×。", "phone"),
        ("座机023-67891234。", "座机×。", "phone"),
        ("座机（023）67891234转123。", "座机×。", "phone"),
        ("联系电话：67891234。", "联系电话：×。", "phone"),
        ("邮箱zhang.san+1@mail.example.com.cn。", "邮箱×。", "email"),
        ("微信号：zhang_san88。", "微信号：×。", "contact"),
        ("卡号6225880212345678。", "卡号×。", "bank_account"),
        ("尾号为6222 0212 3456 7890 123的卡", "尾号为×的卡", "bank_account"),
        ("账号6217003810012345678。", "账号×。", "bank_account"),
        ("账户：3100 0123 45。", "账户：×。", "bank_account"),
        ("卡号6225********5678。", "卡号×。", "bank_account"),
        ("车牌号渝A12345的小型轿车", "车牌号×的小型轿车", "plate"),
        ("车牌号渝AD12345的新能源车", "车牌号×的新能源车", "plate"),
        ("川A·9X8Y7车辆", "×车辆", "plate"),
        (
            "不动产权证号渝（2020）江北区不动产权第0012345号的房屋",
            "不动产权证号×的房屋",
            "property_certificate",
        ),
        ("房权证江北字第123456号房屋", "×房屋", "property_certificate"),
        (
            "登记证明号：渝（2023）江北区不动产证明第000123号；",
            "登记证明号：×；",
            "property_certificate",
        ),
    ],
)
def test_identifiers_are_removed(text: str, expected: str, kind: str) -> None:
    result = anonymise(text)
    assert result.text == expected
    assert {r.kind for r in result.replacements} == {kind}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("住重庆市江北区建新北路一支路12号3单元5-2。", "住重庆市江北区。"),
        ("住重庆市江北区观音桥街道建新北路88号附2号7栋2单元3-1。", "住重庆市江北区。"),
        ("住四川省成都市武侯区人民南路四段1号，", "住四川省成都市武侯区，"),
        ("住江苏省昆山市玉山镇人民路100号。", "住江苏省昆山市。"),
        ("住河北省保定市涞源县城关镇东关村3组12号。", "住河北省保定市涞源县。"),
        ("现住建新北路12号。", "现住×。"),
        ("地址：金龙路88号7栋。", "地址：×。"),
    ],
)
def test_addresses_keep_the_county_or_district(text: str, expected: str) -> None:
    result = anonymise(text)
    assert result.text == expected
    assert [r.kind for r in result.replacements] == ["address"]


@pytest.mark.parametrize(
    "text",
    [
        "借款本金123456.78元、利息1,234.56元，合计46,234.56元。",
        "（2026）渝0105民初123号",
        "(2025)渝0105民特45号、（2025）渝0105执恢7号、（2024）最高法民终1号",
        "自2025年7月1日起至2025-12-31止，于二〇二六年十二月二日",
        "本金13800138000.00元",
        "金额12345678901.50元",
        "按年利率24%计算，日利率0.05%，第一、二项",
        "合同编号GRXF-2023-0315，统一社会信用代码91500000MA5U7G3X1Q",
        "在本院第三法庭公开开庭",
        "《中华人民共和国民法典》第六百六十七条",
    ],
)
def test_amounts_dates_and_case_numbers_survive(text: str) -> None:
    result = anonymise(text, ["张三"])
    assert result.text == text
    assert result.replacements == []


def test_a_phone_inside_other_digits_is_not_eaten_separately() -> None:
    result = anonymise("转入账号62220213800138000123，金额123456.78元")
    assert result.text == "转入账号×，金额123456.78元"
    assert [(r.kind, r.original) for r in result.replacements] == [
        ("bank_account", "62220213800138000123")
    ]


def test_organisations_keep_their_names_and_domiciles() -> None:
    text = (
        f"原告{BANK}，住所地重庆市渝中区民族路188号。被告王五系王五金店有限公司股东，"
        "住重庆市渝中区民族路188号。张记餐饮有限公司"
    )
    result = anonymise(
        text,
        persons=["王五", "张记"],
        organisations=[BANK, "重庆市渝中区民族路188号", "王五金店有限公司", "张记餐饮有限公司"],
    )
    assert result.text == (
        f"原告{BANK}，住所地重庆市渝中区民族路188号。被告王某系王五金店有限公司股东，"
        "住重庆市渝中区民族路188号。张记餐饮有限公司"
    )


def test_replacements_record_kind_span_and_position() -> None:
    text = "被告张三，住重庆市江北区建新北路12号，手机13800138000。"
    result = anonymise(text, ["张三"])
    assert result.text == "被告张某，住重庆市江北区，手机×。"
    assert [(r.kind, r.original, r.replacement) for r in result.replacements] == [
        ("name", "张三", "张某"),
        ("address", "建新北路12号", ""),
        ("phone", "13800138000", "×"),
    ]
    for r in result.replacements:
        assert text[r.start : r.end] == r.original
        assert result.text[r.at : r.at + len(r.replacement)] == r.replacement
    assert "original" not in result.replacements[0].as_json()


def test_the_anonymised_text_is_clean_when_checked_again() -> None:
    text = (
        "被告张三，男，住重庆市江北区建新北路12号，公民身份号码11010519491231002X，"
        "手机+86 138 0013 8000，邮箱zs@example.com，车牌渝A12345，卡号6225880212345678。"
    )
    once = anonymise(text, ["张三"], [BANK])
    assert anonymise(once.text, ["张三"], [BANK]).replacements == []
    assert residues(once.text, ["张三"], [BANK]) == []


def test_residues_say_what_and_where() -> None:
    text = "被告张某\n住重庆市江北区，手机13800138000。\n张三"
    assert residues(text, ["张三"]) == ["第2行第11字：电话号码", "第3行第1字：自然人姓名"]
