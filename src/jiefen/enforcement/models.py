"""Enforcement (执行) data: one row per enforcement case (执 or 执恢 number) of a title.

- `Application`: a prepared or submitted application to enforce one title (民诉法 Arts. 247,
  249, 250): prepared by the sweep when a performance period passes unpaid (or from the
  mediation stage's draft for a missed instalment), submitted by the creditor a series at once.
- `Enforcement`: the enforcement case: its number, officer, the money debt as the title fixes it
  (by component, so payments can be distributed by 法释〔2014〕8号 and 民法典 Art. 561), the
  execution fee, running totals, and the re-inquiry schedule once terminated for now (终本).
- `Inquiry` and `Asset`: one online asset inquiry (网络查控) of a debtor and what the registries
  answered; an asset is acted on only when the registry's holder ID number is the debtor's.
- `Measure`: each coercive measure or notice (execution notice, report order, freeze, deduction,
  seizure, consumption restriction, dishonest listing, settlement, termination, closing) with
  its period and its court-sealed document.
- `Receipt`: money received (deduction, voluntary payment, settlement instalment) and how it was
  distributed; `Disbursement`: money paid out to the creditor.
- `Settlement`: an execution settlement (执行和解) with its instalments.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jiefen.cases.models import money_field
from jiefen.privacy import EncryptedTextField


class TitleKind(models.TextChoices):
    JUDGMENT = "judgment", "民事判决书"
    MEDIATION_DOCUMENT = "mediation_document", "民事调解书"
    CONFIRMATION = "confirmation", "确认调解协议裁定书"
    PAYMENT_ORDER = "payment_order", "支付令"
    NOTARIZED = "notarized", "赋予强制执行效力的公证债权文书"


class ApplicationState(models.TextChoices):
    PREPARED = "prepared", "待提交"
    SUBMITTED = "submitted", "已提交"
    REFUSED = "refused", "不予受理"


class Application(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="applications")
    title_kind = models.CharField("执行依据类型", max_length=20, choices=TitleKind.choices)
    title_reference = models.CharField("执行依据", max_length=200)
    # Last day of the performance period the title fixed (or of the missed instalment).
    performance_ends = models.DateField("履行期限届满日")
    application_deadline = models.DateField("申请执行期限届满日")
    amount = money_field("申请执行标的")
    state = models.CharField(
        "状态", max_length=12, choices=ApplicationState.choices, default=ApplicationState.PREPARED
    )
    prepared_on = models.DateField("生成日期")
    submitted_on = models.DateField("提交日期", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refusal = models.TextField("不予受理理由", blank=True)
    document = models.ForeignKey(
        "documents.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="强制执行申请书",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "执行申请"
        verbose_name_plural = "执行申请"
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(state="prepared"),
                name="one_prepared_application_per_case",
            )
        ]


class EnforcementState(models.TextChoices):
    OPEN = "open", "执行中"
    PERFORMED = "performed", "执行完毕"
    TERMINATED_FOR_NOW = "terminated_for_now", "终结本次执行程序"
    RESUMED = "resumed", "已恢复执行"
    # Stopped for a suspected crime (涉嫌犯罪移送; 民诉法 Art. 267): no measure, no payment out.
    SUSPENDED = "suspended", "中止执行"


class Enforcement(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="enforcements")
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField("执行案号", max_length=40, unique=True)
    resumed_from = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resumed_by",
        verbose_name="恢复执行前的案件",
    )
    title_kind = models.CharField("执行依据类型", max_length=20, choices=TitleKind.choices)
    title_reference = models.CharField("执行依据", max_length=200)
    filed_on = models.DateField("立案日期")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="enforcements",
        verbose_name="执行员",
    )
    state = models.CharField(
        "状态", max_length=20, choices=EnforcementState.choices, default=EnforcementState.OPEN
    )

    # The money debt fixed by the title (生效法律文书确定的金钱债务), by component:
    costs = money_field("实现债权的费用（诉讼费、律师费）")
    interest = money_field("一般债务利息（判决确定）")
    principal = money_field("本金")
    other = money_field("其他金钱债务（手续费、违约金）")
    # General interest the title orders to run on the principal until payment (计算至实际清偿之日).
    continuing_percent = models.DecimalField(
        "继续计息年利率（%）", max_digits=9, decimal_places=6, null=True, blank=True
    )
    continuing_basis = models.PositiveSmallIntegerField("计息天数基准", default=360)
    continuing_from = models.DateField("继续计息起始日", null=True, blank=True)
    # Last day of the performance period: the doubled-part interest runs from the next day.
    delay_from = models.DateField("履行期限届满日")
    applied_total = money_field("申请执行标的")
    execution_fee = money_field("申请执行费")

    # Running totals, kept by the money actions from the distribution of every receipt.
    received = money_field("执行到位金额")
    paid_out = money_field("已发还申请执行人")
    fee_collected = money_field("已收取执行费")
    debt_outstanding = money_field("未履行金钱债务")
    delay_interest_outstanding = money_field("未付迟延履行利息")
    first_payment_on = models.DateField("首笔执行款到账日", null=True, blank=True)

    closed_on = models.DateField("结案日期", null=True, blank=True)
    # The state a suspension (中止执行) left: resuming returns to it.
    suspended_from = models.CharField(
        "中止前状态", max_length=20, blank=True, default="", db_default=""
    )
    # After 终本: the online inquiry runs again every 6 months for 5 years.
    next_inquiry_on = models.DateField("下次财产复查日", null=True, blank=True)
    reinquiry_until = models.DateField("财产复查截止日", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "执行案件"
        verbose_name_plural = "执行案件"
        indexes = [
            models.Index(fields=["state"]),
            models.Index(fields=["officer", "state"]),
            models.Index(fields=["next_inquiry_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(state="open"),
                name="one_open_enforcement_per_case",
            )
        ]

    def __str__(self) -> str:
        return self.number


class InquiryState(models.TextChoices):
    PENDING = "pending", "查询中"
    ANSWERED = "answered", "已反馈"
    FAILED = "failed", "查询失败"


class Inquiry(models.Model):
    """One online asset inquiry (网络查控) of one debtor, sent to the registries in a bulk request."""

    enforcement = models.ForeignKey(Enforcement, on_delete=models.CASCADE, related_name="inquiries")
    party = models.ForeignKey("cases.Party", on_delete=models.PROTECT, related_name="+")
    reinquiry = models.BooleanField("终本后复查", default=False)
    requested_on = models.DateField("查询日期")
    # The registry's id of the bulk request this inquiry travelled in.
    request_reference = models.CharField("查询批次号", max_length=64, db_index=True)
    state = models.CharField(
        "状态", max_length=12, choices=InquiryState.choices, default=InquiryState.PENDING
    )
    answered_at = models.DateTimeField("反馈时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "网络查控"
        verbose_name_plural = "网络查控"
        constraints = [
            models.UniqueConstraint(
                fields=["enforcement", "party", "requested_on"], name="one_inquiry_per_day"
            )
        ]


class AssetKind(models.TextChoices):
    DEPOSIT = "deposit", "银行存款"
    VEHICLE = "vehicle", "机动车"
    REAL_ESTATE = "real_estate", "不动产"
    SECURITIES = "securities", "证券"
    WAGES = "wages", "工资收入"


class Asset(models.Model):
    """One asset a registry reported for an inquiry. `matched` only when the holder's ID number is
    the debtor's: a hit on the name alone is shown with its reason and never acted on."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="assets")
    enforcement = models.ForeignKey(Enforcement, on_delete=models.CASCADE, related_name="assets")
    party = models.ForeignKey("cases.Party", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("财产类型", max_length=16, choices=AssetKind.choices)
    registry = models.CharField("反馈单位", max_length=100)
    identifier = EncryptedTextField("账号/车牌/权证号")
    description = models.CharField("财产情况", max_length=300, blank=True)
    value = money_field("余额/价值")
    holder_name = models.CharField("登记权利人", max_length=200)
    matched = models.BooleanField("证件号码一致", default=False)
    mismatch = models.CharField("未采取措施的原因", max_length=200, blank=True)
    registry_reference = models.CharField("反馈编号", max_length=64)
    frozen = money_field("已冻结")
    deducted = money_field("已扣划")

    class Meta:
        verbose_name = "查控财产"
        verbose_name_plural = "查控财产"
        constraints = [
            models.UniqueConstraint(
                fields=["inquiry", "registry_reference"], name="asset_once_per_inquiry"
            )
        ]


class MeasureKind(models.TextChoices):
    EXECUTION_NOTICE = "execution_notice", "执行通知书"
    REPORT_ORDER = "report_order", "报告财产令"
    FREEZE = "freeze", "冻结"
    DEDUCT = "deduct", "扣划"
    SEIZE = "seize", "查封、扣押"
    CONSUMPTION_RESTRICTION = "consumption_restriction", "限制消费令"
    DISHONEST_LISTING = "dishonest_listing", "纳入失信被执行人名单"
    SETTLEMENT = "settlement", "执行和解"
    TERMINATION = "termination", "终结本次执行程序裁定"
    CLOSING = "closing", "结案通知书"


class Measure(models.Model):
    enforcement = models.ForeignKey(Enforcement, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField("措施", max_length=24, choices=MeasureKind.choices)
    party = models.ForeignKey(
        "cases.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    asset = models.ForeignKey(
        Asset, null=True, blank=True, on_delete=models.PROTECT, related_name="measures"
    )
    amount = money_field("金额", null=True, blank=True)
    starts_on = models.DateField("起始日")
    ends_on = models.DateField("届满日", null=True, blank=True)  # None: until performance
    # Dishonest listing: the ground (jiefen.law.enforcement.LISTING_GROUNDS) and its deletion.
    ground = models.CharField("纳入依据", max_length=32, blank=True)
    lifted_on = models.DateField("解除/删除日期", null=True, blank=True)
    lift_due = models.DateField("应删除期限", null=True, blank=True)
    registry_reference = models.CharField("协助执行编号", max_length=64, blank=True)
    document = models.ForeignKey(
        "documents.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="裁定书/通知书",
    )
    lift_document = models.ForeignKey(
        "documents.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="解除/删除决定",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "执行措施"
        verbose_name_plural = "执行措施"
        indexes = [models.Index(fields=["kind", "lifted_on"])]


class ReceiptSource(models.TextChoices):
    DEDUCTION = "deduction", "扣划"
    VOLUNTARY = "voluntary", "被执行人主动履行"
    SETTLEMENT = "settlement", "执行和解款"


class Receipt(models.Model):
    """Money received on the court's enforcement account for one enforcement case (执行款)."""

    enforcement = models.ForeignKey(Enforcement, on_delete=models.PROTECT, related_name="receipts")
    source = models.CharField("来源", max_length=12, choices=ReceiptSource.choices)
    reference = models.CharField("流水号", max_length=64)
    received_on = models.DateField("到账日期")
    amount = money_field("金额")
    # How the receipt was distributed (jiefen.law.distribution.Allocation, amounts as strings).
    to_execution_fee = money_field("执行费")
    to_costs = money_field("实现债权的费用")
    to_interest = money_field("一般债务利息")
    to_principal = money_field("本金")
    to_other = money_field("其他金钱债务")
    to_delay_interest = money_field("迟延履行利息")
    surplus = money_field("退还被执行人")
    document = models.ForeignKey(
        "documents.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="收款收据",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "执行款"
        verbose_name_plural = "执行款"
        ordering = ["received_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enforcement", "reference"], name="receipt_once_per_reference"
            )
        ]


class Disbursement(models.Model):
    """Money paid out of the enforcement account to the creditor (发还执行款)."""

    enforcement = models.ForeignKey(
        Enforcement, on_delete=models.PROTECT, related_name="disbursements"
    )
    paid_on = models.DateField("发还日期")
    amount = money_field("金额")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "执行款发还"
        verbose_name_plural = "执行款发还"


class SettlementState(models.TextChoices):
    ACTIVE = "active", "履行中"
    PERFORMED = "performed", "已履行完毕"
    BROKEN = "broken", "未履行（恢复执行）"


class Settlement(models.Model):
    """An execution settlement (执行和解, SPC provisions 2018): instalments agreed by both sides."""

    enforcement = models.OneToOneField(
        Enforcement, on_delete=models.PROTECT, related_name="settlement"
    )
    agreed_on = models.DateField("达成日期")
    total = money_field("和解金额")
    # [{"number": 1, "due": "2026-01-31", "amount": "1000.00"}, …]
    instalments = models.JSONField("分期", default=list)
    grace_days = models.PositiveSmallIntegerField("宽限天数", default=0)
    state = models.CharField(
        "状态", max_length=12, choices=SettlementState.choices, default=SettlementState.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "执行和解"
        verbose_name_plural = "执行和解"
