"""The case core: parties with their contacts, series, cases, claim elements and case events.

One `Case` row follows a dispute through every stage. Amounts are Decimal (rule 6). The claimed
amounts by component are columns (they are summed, capped and filtered in bulk); the remaining
element-style facts (2025 element lists, see `jiefen.cases.elements`) are a JSON document.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models

from jiefen.cases.states import State
from jiefen.privacy import EncryptedTextField, contact_index, mask_id_number


def money_field(verbose_name: str, **kwargs: object) -> models.DecimalField:
    kwargs.setdefault("default", Decimal("0.00"))
    return models.DecimalField(verbose_name, max_digits=18, decimal_places=2, **kwargs)  # type: ignore[arg-type]


class CaseType(models.TextChoices):
    CREDIT_CARD = "credit_card", "信用卡纠纷"
    FINANCIAL_LOAN = "financial_loan", "金融借款合同纠纷"


class PartyKind(models.TextChoices):
    NATURAL_PERSON = "natural_person", "自然人"
    ORGANISATION = "organisation", "法人、非法人组织"


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", "居民身份证"
    USCC = "uscc", "统一社会信用代码"
    OTHER = "other", "其他证件"


class Party(models.Model):
    """A natural person or organisation that is a defendant or guarantor in one or more cases."""

    kind = models.CharField("类型", max_length=16, choices=PartyKind.choices)
    name = models.CharField("姓名/名称", max_length=200)
    id_type = models.CharField("证件类型", max_length=16, choices=IdType.choices)
    id_number = EncryptedTextField("证件号码")
    # Blind index of the ID number: the same person is one Party however many cases they have.
    id_index = models.CharField(max_length=64, unique=True, editable=False)
    sex = models.CharField("性别", max_length=2, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    ethnicity = models.CharField("民族", max_length=16, blank=True)
    employer = models.CharField("工作单位", max_length=200, blank=True)
    domicile = models.CharField("住所地（户籍所在地）", max_length=300, blank=True)
    domicile_division = models.CharField("住所地行政区划代码", max_length=6, blank=True)
    legal_representative = models.CharField("法定代表人/负责人", max_length=50, blank=True)
    is_minor = models.BooleanField("未成年人", default=False)

    class Meta:
        verbose_name = "当事人"
        verbose_name_plural = "当事人"

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class ContactKind(models.TextChoices):
    MOBILE = "mobile", "手机"
    EMAIL = "email", "电子邮箱"
    ADDRESS = "address", "地址"
    WECHAT = "wechat", "微信"


class ContactSource(models.TextChoices):
    """Who supplied a contact; it decides when service to it takes effect (在线诉讼规则 Art. 31)."""

    CONTRACT = "contract", "合同约定"
    INSTITUTION = "institution", "金融机构提供"
    PARTY = "party", "当事人本人确认"
    COURT_FOUND = "court_found", "法院查询"


class Contact(models.Model):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField("类型", max_length=8, choices=ContactKind.choices)
    value = EncryptedTextField("内容")
    # Blind index of the normalised value (privacy.contact_index): the risk graph joins parties
    # sharing a phone or address without decrypting them.
    value_index = models.CharField(
        max_length=64, blank=True, db_default="", db_index=True, editable=False
    )
    source = models.CharField("来源", max_length=16, choices=ContactSource.choices)
    confirmed = models.BooleanField("当事人已确认", default=False)
    e_service_consent = models.BooleanField("同意电子送达", default=False)
    supplied_at = models.DateTimeField("提供时间", auto_now_add=True)

    class Meta:
        verbose_name = "联系方式"
        verbose_name_plural = "联系方式"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Bulk inserts (intake, benchmarks) compute the index themselves.
        self.value_index = contact_index(self.kind, self.value)
        super().save(*args, **kwargs)


class Series(models.Model):
    """Cases of one claimant, case type, product and court, handled together (系列案)."""

    institution = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="series_claimed"
    )
    court = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="series_at_court"
    )
    case_type = models.CharField("案由", max_length=20, choices=CaseType.choices)
    product = models.CharField("产品", max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "系列案"
        verbose_name_plural = "系列案"
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "court", "case_type", "product"], name="one_series_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution.name}·{self.get_case_type_display()}·{self.product}"


class Procedure(models.TextChoices):
    ORDINARY = "ordinary", "普通程序"
    SUMMARY = "summary", "简易程序"
    SMALL_CLAIMS = "small_claims", "小额诉讼程序"


class Case(models.Model):
    case_type = models.CharField("案由", max_length=20, choices=CaseType.choices)
    state = models.CharField("状态", max_length=32, choices=State.choices, default=State.RECEIVED)
    institution = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="cases_claimed",
        verbose_name="原告（金融机构）",
    )
    court = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="cases_at_court",
        verbose_name="法院",
    )
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    batch = models.ForeignKey(
        "intake.Batch", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    batch_row = models.PositiveIntegerField("批次行号", null=True, blank=True)
    contract_number = models.CharField("合同编号/卡号", max_length=64)
    product = models.CharField("产品", max_length=100)

    # Claimed amounts at the cut-off date, by component (民诉解释 Art. 201: all are in the fee base).
    cut_off_date = models.DateField("截止日")
    principal = money_field("本金")
    interest = money_field("利息")
    penalty_interest = money_field("罚息")
    compound_interest = money_field("复利")
    fees = money_field("手续费/费用")
    liquidated_damages = money_field("违约金")
    lawyer_fees = money_field("律师费")
    claim_total = money_field("标的总额")

    # The element-style facts (合同、利率、还款、担保…), keyed as in `jiefen.cases.elements`.
    elements = models.JSONField("要素", default=dict)

    # Screening flags (flags, not rejections).
    over_cap = models.BooleanField("超过利息上限", default=False)
    limitation_risk = models.BooleanField("可能超过诉讼时效", default=False)
    unreachable = models.BooleanField("无已确认联系方式", default=False)
    small_claims_eligible = models.BooleanField("符合小额诉讼", default=False)

    # Numbers and people given by later stages.
    mediation_number = models.CharField(
        "诉前调解案号", max_length=40, null=True, blank=True, unique=True
    )
    case_number = models.CharField("案号", max_length=40, null=True, blank=True, unique=True)
    procedure = models.CharField("程序", max_length=16, choices=Procedure.choices, blank=True)
    filed_on = models.DateField("立案日期", null=True, blank=True)
    acceptance_fee = models.DecimalField(
        "案件受理费", max_digits=18, decimal_places=2, null=True, blank=True
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mediated_cases",
        verbose_name="调解员",
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="judged_cases",
        verbose_name="承办法官",
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clerked_cases",
        verbose_name="书记员",
    )
    enforcement_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enforced_cases",
        verbose_name="执行员",
    )
    notary_office = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notarized_cases",
        verbose_name="公证机构",
    )

    # The state a suspension (中止调解 / 中止诉讼 / 中止执行) left; `resume` returns the case to it.
    suspended_from = models.CharField(
        "中止前状态", max_length=32, blank=True, default="", db_default=""
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "案件"
        verbose_name_plural = "案件"
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "contract_number"], name="contract_unique_per_institution"
            )
        ]
        indexes = [
            models.Index(fields=["state"]),
            models.Index(fields=["series", "state"]),
            models.Index(fields=["court", "state"]),
        ]

    def __str__(self) -> str:
        return self.case_number or self.mediation_number or f"{self.contract_number}"

    @property
    def defendants(self) -> list["CaseParty"]:
        return [cp for cp in self.case_parties.all() if cp.role == PartyRole.DEFENDANT]


class PartyRole(models.TextChoices):
    DEFENDANT = "defendant", "被告"
    GUARANTOR = "guarantor", "保证人"


class CaseParty(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_parties")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="case_links")
    role = models.CharField("诉讼地位", max_length=16, choices=PartyRole.choices)
    position = models.PositiveSmallIntegerField("顺序", default=1)

    class Meta:
        verbose_name = "案件当事人"
        verbose_name_plural = "案件当事人"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "party", "role"], name="party_once_per_role")
        ]


class CaseEvent(models.Model):
    """One move of a case through the transition table in `states.py` (append-only)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField("事件", max_length=40)
    from_state = models.CharField(max_length=32)
    to_state = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = "案件事件"
        verbose_name_plural = "案件事件"
        ordering = ["at", "id"]

    @property
    def transition_label(self) -> str:
        from jiefen.cases.states import BY_NAME

        move = BY_NAME.get(self.transition)
        return move.label if move else self.transition

    @property
    def to_state_label(self) -> str:
        return State(self.to_state).label


class CaseNumberCounter(models.Model):
    """Last sequence number per court, year and type code (法〔2015〕137号: numbering restarts each
    year per court and per type code; every case number is unique)."""

    court = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("收案年度")
    type_code = models.CharField("类型代字", max_length=8)
    last = models.PositiveIntegerField("已用最大序号", default=0)

    class Meta:
        verbose_name = "案号计数器"
        verbose_name_plural = "案号计数器"
        constraints = [
            models.UniqueConstraint(
                fields=["court", "year", "type_code"], name="one_counter_per_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.court_id} {self.year} {self.type_code}: {self.last}"
