"""The batch format: one column list per case type, built on the 2025 element lists.

Every column has a stable key (used in code, JSON and the API), a Chinese header (what the
bank's spreadsheet shows), a kind that decides how it is parsed, whether it is required, and
which case types use it. The XLSX template is generated from this table, and
`tests/intake/test_docs.py` holds the column table of `docs/intake-format.md` to it, so the
documentation cannot drift from the parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from jiefen.cases.elements import COLLATERAL_KINDS, GUARANTEE_KINDS

Kind = Literal["text", "id", "mobile", "date", "money", "rate", "number", "bool", "choice", "list"]
LOAN = "financial_loan"
CARD = "credit_card"
BOTH = (LOAN, CARD)

REPAYMENT_LABELS = {
    "等额本息": "equal_instalments",
    "等额本金": "equal_principal",
    "到期一次性还本付息": "bullet",
    "按月计息、到期一次性还本": "monthly_interest",
    "按季计息、到期一次性还本": "quarterly_interest",
    "按年计息、到期一次性还本": "yearly_interest",
    "其他": "other",
}
ACCELERATION_LABELS = {"提前还款": "accelerate", "解除合同": "rescind", "否": "", "": ""}
GUARANTEE_KIND_LABELS = {label: code for code, label in GUARANTEE_KINDS.items()}
COLLATERAL_KIND_LABELS = {label: code for code, label in COLLATERAL_KINDS.items()}
# The columns that describe the collateral: none of them without a collateral description.
COLLATERAL_FACTS = (
    "collateral_kind",
    "collateral_signed_on",
    "collateral_maximum",
    "collateral_registered",
    "collateral_registration_number",
    "collateral_registered_on",
)
BASIS_LABELS = {"360": "360", "365": "365"}
CASE_TYPE_LABELS = {"金融借款合同纠纷": LOAN, "信用卡纠纷": CARD}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind
    required: bool
    types: tuple[str, ...]
    guide: str
    choices: tuple[str, ...] = ()


def _c(
    key: str,
    header: str,
    kind: Kind,
    required: bool,
    guide: str,
    types: tuple[str, ...] = BOTH,
    choices: tuple[str, ...] = (),
) -> Column:
    return Column(key, header, kind, required, types, guide, choices)


COLUMNS: tuple[Column, ...] = (
    # Contract (合同签订情况) and product (系列案 key).
    _c(
        "contract_number",
        "合同编号",
        "text",
        True,
        "借款合同或信用卡领用合约编号；同一金融机构内唯一，重复导入视为重复案件",
    ),
    _c("product", "产品名称", "text", True, "同一机构、案由、产品、法院的案件归入同一系列案"),
    _c("contract_name", "合同名称", "text", False, "如《个人消费借款合同》《信用卡领用合约》"),
    _c(
        "signed_on",
        "合同签订日期",
        "date",
        True,
        "YYYY-MM-DD，也接受 YYYY/MM/DD、YYYYMMDD、YYYY年M月D日",
    ),
    _c("signed_place", "合同签订地点", "text", False, "如 重庆市江北区"),
    # Borrower (被告).
    _c("borrower_name", "借款人姓名", "text", True, "与身份证一致"),
    _c(
        "borrower_id",
        "借款人身份证号码",
        "id",
        True,
        "18位居民身份证号码，校验码按 GB 11643-1999 核对",
    ),
    _c("borrower_mobile", "借款人手机号码", "mobile", True, "11位大陆手机号码"),
    _c("borrower_email", "借款人电子邮箱", "text", False, "可空"),
    _c("borrower_address", "借款人住址", "text", True, "户籍所在地或经常居住地"),
    _c("borrower_division", "住址行政区划代码", "text", False, "6位行政区划代码，如 500105"),
    _c("borrower_employer", "借款人工作单位", "text", False, "可空"),
    _c(
        "contact_confirmed",
        "联系方式经本人确认",
        "bool",
        False,
        "是/否：借款人是否亲自确认过上述手机与地址（如签署送达地址确认书）；默认否",
    ),
    _c(
        "e_service_consent",
        "同意电子送达",
        "bool",
        True,
        "是/否：合同是否约定同意以电子方式送达（在线诉讼规则第29条）",
    ),
    _c("e_service_clause", "电子送达条款", "text", False, "合同条款位置，如 第十八条"),
    # Loan facts (借款金额、期限、发放、还款方式).
    _c("loan_agreed", "约定借款金额", "money", True, "元，两位小数", (LOAN,)),
    _c("loan_disbursed", "实际发放金额", "money", True, "元，两位小数", (LOAN,)),
    _c("disbursed_on", "放款日期", "date", True, "实际发放日期", (LOAN,)),
    _c("term_start", "借款起始日", "date", True, "约定期限起日", (LOAN,)),
    _c("term_end", "借款到期日", "date", True, "约定期限止日，不得早于起始日", (LOAN,)),
    _c(
        "repayment_method", "还款方式", "choice", True, "以下之一", (LOAN,), tuple(REPAYMENT_LABELS)
    ),
    _c(
        "acceleration",
        "提前还款或解除合同",
        "choice",
        False,
        "提前还款/解除合同/否",
        (LOAN,),
        ("提前还款", "解除合同", "否"),
    ),
    # Card facts (信用卡办理情况).
    _c("card_number", "信用卡卡号", "text", True, "16至19位数字", (CARD,)),
    _c("card_issued_on", "办卡日期", "date", True, "", (CARD,)),
    _c("card_branch", "办卡行", "text", False, "如 巴渝银行信用卡中心", (CARD,)),
    _c("credit_limit", "信用额度", "money", False, "元", (CARD,)),
    _c("terms_explained", "已提示说明主要条款", "bool", False, "是/否（银行卡规定第2条）", (CARD,)),
    # Rates (借款利率).
    _c("annual_rate", "合同年利率(%)", "rate", True, "年利率百分数，如 7.2 表示 7.2%/年"),
    _c(
        "penalty_multiplier",
        "罚息上浮倍数",
        "number",
        False,
        "罚息利率 = 合同利率 × 倍数，默认 1.5",
    ),
    _c("compound", "计收复利", "bool", False, "是/否，默认是"),
    _c("day_basis", "计息天数基准", "choice", False, "360 或 365，默认 360", BOTH, ("360", "365")),
    # Repayments (还款情况) and default (逾期).
    _c("repaid_principal", "已还本金", "money", False, "元"),
    _c("repaid_interest", "已还利息", "money", False, "元"),
    _c("interest_paid_to", "利息已还至", "date", False, "期内利息结清之日"),
    _c("overdue_since", "逾期起始日", "date", True, "首次逾期之日（诉讼时效自此起算）"),
    _c(
        "last_collection_on",
        "最近催收日期",
        "date",
        False,
        "短信、电话、信函催收的最近日期（时效中断）",
    ),
    _c("collection_channel", "催收方式", "text", False, "短信/电话/信函/上门"),
    # Claims at the cut-off date (诉讼请求), by component.
    _c("cut_off_date", "欠款截止日", "date", True, "以下各项金额计算至该日"),
    _c("principal", "欠付本金", "money", True, "元，须大于0"),
    _c("interest", "欠付利息", "money", False, "期内利息，元"),
    _c("penalty_interest", "罚息", "money", False, "元"),
    _c("compound_interest", "复利", "money", False, "元"),
    _c("fees", "手续费及其他费用", "money", False, "元（信用卡分期手续费、年费等）"),
    _c("liquidated_damages", "违约金", "money", False, "元"),
    _c(
        "lawyer_fees",
        "律师费",
        "money",
        False,
        "实现债权的费用（律师费），元；不主张的填0或留空",
    ),
    _c("claim_total", "标的总额", "money", True, "须等于以上七项之和"),
    _c("until_paid", "主张计至实际清偿之日", "bool", False, "是/否，默认是"),
    _c(
        "claims_costs",
        "主张诉讼费用由被告承担",
        "bool",
        True,
        "是/否：是否请求判令被告承担本案诉讼费用（要素式起诉状“是否主张诉讼费用”）",
    ),
    # Guarantees (担保).
    _c("guarantor1_name", "保证人1姓名", "text", False, "无保证人留空"),
    _c("guarantor1_id", "保证人1身份证号码", "id", False, "有保证人时必填"),
    _c("guarantor1_mobile", "保证人1手机号码", "mobile", False, ""),
    _c("guarantor1_address", "保证人1住址", "text", False, "户籍所在地或经常居住地，用于邮寄送达"),
    _c(
        "guarantor1_kind",
        "保证人1保证方式",
        "choice",
        False,
        "有保证人时必填；合同对保证方式没有约定或者约定不明确的，按一般保证（民法典第686条）",
        BOTH,
        tuple(GUARANTEE_KIND_LABELS),
    ),
    _c(
        "guarantor1_limit",
        "保证人1保证限额",
        "money",
        False,
        "元；保证合同约定保证人仅在一定金额内承担责任（含最高额保证的最高债权额）时填写，"
        "无限额留空",
    ),
    _c("guarantor2_name", "保证人2姓名", "text", False, ""),
    _c("guarantor2_id", "保证人2身份证号码", "id", False, ""),
    _c("guarantor2_mobile", "保证人2手机号码", "mobile", False, ""),
    _c("guarantor2_address", "保证人2住址", "text", False, ""),
    _c(
        "guarantor2_kind",
        "保证人2保证方式",
        "choice",
        False,
        "有保证人时必填；合同对保证方式没有约定或者约定不明确的，按一般保证（民法典第686条）",
        BOTH,
        tuple(GUARANTEE_KIND_LABELS),
    ),
    _c(
        "guarantor2_limit",
        "保证人2保证限额",
        "money",
        False,
        "元；保证合同约定保证人仅在一定金额内承担责任（含最高额保证的最高债权额）时填写，"
        "无限额留空",
    ),
    _c("guarantee_signed_on", "保证合同签订日期", "date", False, ""),
    _c(
        "collateral",
        "抵押物/质押物",
        "text",
        False,
        "借款人本人提供的抵押物/质押物，如 渝(2021)江北区不动产权第000123号房屋；无担保物留空"
        "（第三人提供的物的担保须将其列为被告，不适用本格式）",
    ),
    _c(
        "collateral_kind",
        "担保物类型",
        "choice",
        False,
        "有担保物时必填",
        BOTH,
        tuple(COLLATERAL_KIND_LABELS),
    ),
    _c("collateral_signed_on", "抵押/质押合同签订日期", "date", False, "可空"),
    _c(
        "collateral_maximum",
        "最高额担保额度",
        "money",
        False,
        "元；最高额抵押或最高额质押时填写最高债权额，否则留空",
    ),
    _c(
        "collateral_registered",
        "已办理抵押/质押登记",
        "bool",
        False,
        "有担保物时必填，是/否：是否已办理正式登记（不动产抵押权自登记时设立，民法典第402条）",
    ),
    _c(
        "collateral_registration_number",
        "抵押/质押登记证明号",
        "text",
        False,
        "已登记时必填，如 渝(2021)江北区不动产证明第000456号",
    ),
    _c("collateral_registered_on", "登记日期", "date", False, "已登记时填写，可空"),
    # Evidence (证据清单).
    _c("evidence", "证据文件", "list", False, "文件名，以分号分隔"),
)

BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
BY_HEADER: dict[str, Column] = {c.header: c for c in COLUMNS}
MONEY_KEYS = (
    "principal",
    "interest",
    "penalty_interest",
    "compound_interest",
    "fees",
    "liquidated_damages",
    "lawyer_fees",
)


def columns_for(case_type: str) -> tuple[Column, ...]:
    return tuple(c for c in COLUMNS if case_type in c.types)


def headers_for(case_type: str) -> list[str]:
    return [c.header for c in columns_for(case_type)]


def detect_case_type(headers: list[str]) -> str | None:
    """A file with card columns is a credit-card batch, one with loan columns a loan batch."""
    present = set(headers)
    if BY_KEY["card_number"].header in present:
        return CARD
    if BY_KEY["loan_disbursed"].header in present:
        return LOAN
    return None
