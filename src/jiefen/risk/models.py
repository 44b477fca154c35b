"""Risk early warning (风险预警) data: external feeds and the warnings the daily sweep raises.

- `FeedRecord`: one record of an external feed about a firm (行政处罚 penalty, 投诉 complaint,
  工商登记 registration), keyed by source and the feed's own id so re-importing changes nothing.
- `FeedImport`: one import of a feed file or API payload: who, when, how many rows were accepted,
  the errors of the refused rows (第N行「字段」：原因).
- `Warning`: one warning of a kind about one subject (an institution, a lender, a ring of
  borrowers, a firm); its fingerprint (kind + subject key) is unique so the daily sweep updates
  the warning instead of raising it twice. Each warning explains itself: signals (what was
  measured against which threshold), a one-sentence summary and the cases behind it.

The rules and thresholds are in `jiefen.risk.rules` and docs/risk.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FeedSource(models.TextChoices):
    PENALTY = "penalty", "行政处罚"
    COMPLAINT = "complaint", "投诉"
    REGISTRATION = "registration", "工商登记"


class FeedImport(models.Model):
    source_name = models.CharField("文件/来源", max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="导入人",
    )
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    rows = models.PositiveIntegerField("行数", default=0)
    accepted = models.PositiveIntegerField("新增", default=0)
    unchanged = models.PositiveIntegerField("已存在", default=0)
    # [{"row": 3, "field": "uscc", "message": "第3行「统一社会信用代码」：…"}, …]
    errors = models.JSONField("错误", default=list)

    class Meta:
        verbose_name = "外部数据导入"
        verbose_name_plural = "外部数据导入"
        ordering = ["-imported_at", "-id"]


class FeedRecord(models.Model):
    source = models.CharField("来源", max_length=16, choices=FeedSource.choices)
    external_id = models.CharField("来源编号", max_length=64)
    firm_name = models.CharField("企业名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True, db_index=True)
    division_code = models.CharField("行政区划代码", max_length=6, blank=True)
    occurred_on = models.DateField("发生日期")
    detail = models.TextField("内容", blank=True)
    amount = models.DecimalField("金额", max_digits=18, decimal_places=2, null=True, blank=True)
    business_scope = models.TextField("经营范围", blank=True)
    registered_capital = models.DecimalField(
        "注册资本（万元）", max_digits=18, decimal_places=2, null=True, blank=True
    )
    feed_import = models.ForeignKey(
        FeedImport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="records",
        verbose_name="导入批次",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "外部数据"
        verbose_name_plural = "外部数据"
        ordering = ["-occurred_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="one_feed_record_per_id")
        ]
        indexes = [
            models.Index(fields=["source", "occurred_on"]),
            models.Index(fields=["division_code"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.firm_name} {self.occurred_on}"


class WarningKind(models.TextChoices):
    CAP_EXCEEDANCE = "cap_exceedance", "超限主张利息"
    SURGE = "surge", "诉讼激增"
    PROFESSIONAL_LENDER = "professional_lender", "职业放贷人"
    CONTACT_CLUSTER = "contact_cluster", "关联借款人团伙"
    QUASI_FINANCIAL = "quasi_financial", "类金融企业"
    # Signals of suspected crime in the platform's own loans (jiefen.risk.crime; docs/risk.md).
    WITHHELD_INTEREST = "withheld_interest", "预扣利息（砍头息）"
    EFFECTIVE_RATE = "effective_rate", "实际利率畸高"
    SERIAL_LOANS = "serial_loans", "转单平账"
    # Fraud early warning about a borrower (jiefen.risk.fraud): they become intervention tasks.
    IDENTITY_MISUSE = "identity_misuse", "冒名贷款"
    FRAUD_CONTACT = "fraud_contact", "涉诈关联联系方式"


class WarningState(models.TextChoices):
    OPEN = "open", "待处置"
    ASSIGNED = "assigned", "已分派"
    HANDLED = "handled", "已处置"
    CLOSED = "closed", "已关闭"


class Warning(models.Model):
    kind = models.CharField("类型", max_length=24, choices=WarningKind.choices)
    # kind + ":" + subject_key: the daily sweep finds the warning again by it.
    fingerprint = models.CharField("指纹", max_length=200, unique=True)
    subject_key = models.CharField("对象标识", max_length=160)
    subject_name = models.CharField("对象", max_length=200)
    institution = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risk_warnings",
        verbose_name="涉及机构",
    )
    # The district of the subject (quasi-financial firms); "" when the warning has none.
    division_code = models.CharField("行政区划代码", max_length=6, blank=True)
    score = models.DecimalField("风险分", max_digits=12, decimal_places=2)
    # [{"signal": "share_over_cap", "label": "超限案件占比", "value": 0.35, "threshold": 0.3}, …]
    signals = models.JSONField("预警信号", default=list)
    summary = models.TextField("预警理由")
    state = models.CharField(
        "状态", max_length=12, choices=WarningState.choices, default=WarningState.OPEN
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risk_warnings",
        verbose_name="处置人",
    )
    handling_note = models.TextField("处置情况", blank=True)
    # The score the warning had when it was closed: the sweep reopens it only above this.
    closed_score = models.DecimalField(
        "关闭时风险分", max_digits=12, decimal_places=2, null=True, blank=True
    )
    opened_on = models.DateField("预警日期")
    updated_on = models.DateField("更新日期")
    closed_on = models.DateField("关闭日期", null=True, blank=True)
    cases = models.ManyToManyField(
        "cases.Case", blank=True, related_name="risk_warnings", verbose_name="相关案件"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "风险预警"
        verbose_name_plural = "风险预警"
        ordering = ["-score", "-opened_on", "id"]
        indexes = [
            models.Index(fields=["kind", "state"]),
            models.Index(fields=["opened_on"]),
            models.Index(fields=["division_code"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.subject_name}"
