"""Stage data of pre-litigation mediation (诉前调解), one OneToOne row per case plus its offers,
plans, agreement, signatures and outcomes. The case's state lives on `cases.Case`; only
`jiefen.mediation.actions` writes these rows.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models

from jiefen.cases.models import money_field as money
from jiefen.mediation import plans
from jiefen.privacy import EncryptedTextField


class MediatorProfile(models.Model):
    """A mediator's availability, load limit and duty days (律师库轮值: lawyers sit in turns)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mediator_profile"
    )
    available = models.BooleanField("可接受指派", default=True)
    capacity = models.PositiveIntegerField("在办案件上限", default=400)
    # Weekdays on duty, Monday=0 … Sunday=6 as digits ("01234" = Monday to Friday).
    duty_weekdays = models.CharField("轮值日", max_length=7, default="01234")
    roster_position = models.PositiveIntegerField("轮值顺序", default=0)

    class Meta:
        verbose_name = "调解员设置"
        verbose_name_plural = "调解员设置"


class Conflict(models.Model):
    """A tie between a mediator and an institution: never assign that institution's cases."""

    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mediation_conflicts"
    )
    institution = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField("利害关系", max_length=200)

    class Meta:
        verbose_name = "回避关系"
        verbose_name_plural = "回避关系"
        constraints = [
            models.UniqueConstraint(fields=["mediator", "institution"], name="one_conflict_row")
        ]


def component_labels(keys: list[str]) -> list[str]:
    """Claim components kept as codes in JSON (waivable, disputed), as the pages name them."""
    return [plans.COMPONENTS.get(k, "其他项目") for k in keys]


class SettlementRule(models.Model):
    """An institution's standing settlement rule (预设和解规则) for a series or a batch."""

    institution = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    series = models.ForeignKey("cases.Series", null=True, blank=True, on_delete=models.CASCADE)
    batch = models.ForeignKey("intake.Batch", null=True, blank=True, on_delete=models.CASCADE)
    max_instalments = models.PositiveIntegerField("最多分期期数", default=24)
    min_first_payment_percent = models.DecimalField(
        "首付款最低比例（%）", max_digits=5, decimal_places=2, default=Decimal("10")
    )
    waivable = models.JSONField("可减免项目", default=list)
    max_first_due_days = models.PositiveIntegerField("首期还款最迟天数", default=30)
    grace_days = models.PositiveIntegerField("逾期宽限天数", default=10)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "预设和解规则"
        verbose_name_plural = "预设和解规则"

    @property
    def waivable_labels(self) -> list[str]:
        return component_labels(self.waivable)


class Response(models.TextChoices):
    NONE = "none", "未回复"
    ACCEPTED = "accepted", "接受"
    PLAN_PROPOSED = "plan_proposed", "提出分期方案"
    DISPUTED = "disputed", "对要素有异议"
    SESSION_REQUESTED = "session_requested", "申请视频调解"


class Outcome(models.TextChoices):
    PENDING = "pending", "调解中"
    AGREED = "agreed", "已达成协议"
    CONFIRMED = "confirmed", "司法确认"
    NOTARIZED = "notarized", "赋强公证"
    PAYMENT_ORDER = "payment_order", "支付令"
    TO_FILING = "to_filing", "转立案"


class MediationCase(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="mediation")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="调解组织"
    )
    # The code a borrower types on the portal with the last 6 characters of the ID number.
    portal_code = models.CharField("案件查询码", max_length=12, unique=True)
    opened_on = models.DateField("调解开始日")
    deadline = models.DateField("调解期限")
    response = models.CharField(max_length=20, choices=Response.choices, default=Response.NONE)
    responded_at = models.DateTimeField(null=True, blank=True)
    disputed_elements = models.JSONField("有异议的要素", default=list)
    dispute_reason = models.TextField("异议理由", blank=True)
    session_request = models.CharField("调解会议申请", max_length=200, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    agreed_on = models.DateField("达成协议日", null=True, blank=True)
    closed_on = models.DateField("调解结束日", null=True, blank=True)
    failure_reason = models.CharField("调解不成原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "诉前调解案件"
        verbose_name_plural = "诉前调解案件"
        indexes = [models.Index(fields=["outcome"]), models.Index(fields=["response"])]

    @property
    def disputed_element_labels(self) -> list[str]:
        return component_labels(self.disputed_elements)


class BulkOffer(models.Model):
    """One offer sent to many borrowers of a series at once; the page shows who answered."""

    series = models.ForeignKey("cases.Series", on_delete=models.CASCADE, related_name="+")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    instalments = models.PositiveIntegerField("分期期数")
    first_payment_percent = models.DecimalField(max_digits=5, decimal_places=2)
    waived = models.JSONField("减免项目", default=list)
    message = models.TextField(blank=True)
    count = models.PositiveIntegerField(default=0)


class OfferFrom(models.TextChoices):
    MEDIATOR = "mediator", "调解员"
    BORROWER = "borrower", "借款人"
    INSTITUTION = "institution", "金融机构"


class OfferStatus(models.TextChoices):
    OPEN = "open", "待答复"
    ACCEPTED = "accepted", "已接受"
    REJECTED = "rejected", "已拒绝"
    COUNTERED = "countered", "已还价"
    SUPERSEDED = "superseded", "已失效"


class Offer(models.Model):
    """Terms put to the other side: a mediator's offer, a borrower's plan, a bank's counter-offer."""

    mediation = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="offers")
    bulk = models.ForeignKey(
        BulkOffer, null=True, blank=True, on_delete=models.SET_NULL, related_name="offers"
    )
    made_by = models.CharField(max_length=12, choices=OfferFrom.choices)
    total = money("还款总额")
    waived_amount = money("减免金额")
    waived = models.JSONField("减免项目", default=list)
    instalments = models.PositiveIntegerField("分期期数", default=1)
    first_payment = money("首付款")
    first_due = models.DateField("首期还款日")
    schedule = models.CharField(max_length=8, default="equal")
    custom_amounts = models.JSONField(default=list)
    status = models.CharField(max_length=12, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    decided_by_rule = models.BooleanField("按预设规则自动接受", default=False)
    outside_reasons = models.JSONField("超出规则的原因", default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "made_by"])]


class PlanStatus(models.TextChoices):
    ACTIVE = "active", "履行中"
    COMPLETED = "completed", "已履行完毕"
    MISSED = "missed", "逾期未履行"


class InstalmentPlan(models.Model):
    mediation = models.OneToOneField(MediationCase, on_delete=models.CASCADE, related_name="plan")
    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="+")
    total = money("还款总额")
    paid = money("已还金额")
    grace_days = models.PositiveIntegerField("宽限天数", default=10)
    status = models.CharField(max_length=12, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    missed_on = models.DateField(null=True, blank=True)

    @property
    def balance(self) -> Decimal:
        return self.total - self.paid


class Instalment(models.Model):
    plan = models.ForeignKey(InstalmentPlan, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveIntegerField()
    due_date = models.DateField()
    amount = money("应还金额")
    paid = money("已还金额")
    paid_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_instalment_number")
        ]
        indexes = [models.Index(fields=["due_date"])]


class Payment(models.Model):
    """A payment reported by the institution (API or CSV); `reference` makes re-uploads idempotent."""

    plan = models.ForeignKey(InstalmentPlan, on_delete=models.PROTECT, related_name="payments")
    institution = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField("流水号", max_length=64)
    amount = money("金额")
    paid_on = models.DateField("还款日")
    source = models.CharField(max_length=8, default="api")
    unallocated = money("未分配金额")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "reference"], name="payment_reference_once"
            )
        ]


class Agreement(models.Model):
    """The mediation agreement (调解协议); the PDF's SHA-256 is what every signature covers."""

    mediation = models.OneToOneField(
        MediationCase, on_delete=models.CASCADE, related_name="agreement"
    )
    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="+")
    document = models.OneToOneField(
        "documents.StoredDocument", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    effective_on = models.DateField("生效日", null=True, blank=True)

    @property
    def sha256(self) -> str:
        """The hash every signature covers: the stored document's."""
        return self.document.sha256


class SignerRole(models.TextChoices):
    CLAIMANT = "claimant", "申请人（金融机构）"
    BORROWER = "borrower", "被申请人（借款人）"
    MEDIATOR = "mediator", "调解员"


class Signature(models.Model):
    """Evidence of one signature: who, when, from which IP, over which document hash (append-only)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(max_length=12, choices=SignerRole.choices)
    signer_name = models.CharField(max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(max_length=16)  # "otp" (one-time code to the phone) or "login"
    signed_at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    document_sha256 = models.CharField(max_length=64)

    METHOD_LABELS = {"otp": "短信验证码签署", "login": "登录账号签署"}

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "role"], name="one_signature_per_role")
        ]

    @property
    def method_label(self) -> str:
        return self.METHOD_LABELS.get(self.method, "其他方式")


class OneTimeCode(models.Model):
    """A 6-digit code sent through the notification adapter; only its hash is stored."""

    mediation = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="codes")
    purpose = models.CharField(max_length=12)  # "login" | "sign"
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Notice(models.Model):
    """A notice sent to a borrower (SMS or e-mail) and what the channel said about it."""

    mediation = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="notices")
    channel = models.CharField(max_length=8)  # "sms" | "email"
    recipient = EncryptedTextField()
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    status = models.CharField(max_length=12, default="queued")  # queued | sent | failed
    provider_id = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status"])]


class Confirmation(models.Model):
    """Judicial confirmation (司法确认, 民特): fee-free, applied for within 30 days (民诉法 Art. 205)."""

    mediation = models.OneToOneField(
        MediationCase, on_delete=models.CASCADE, related_name="confirmation"
    )
    case_number = models.CharField("民特案号", max_length=40, unique=True)
    applied_on = models.DateField()
    window_ends = models.DateField("申请期限届满日")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ruling = models.CharField(max_length=12, blank=True)  # "" | confirmed | rejected
    ruling_on = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True)
    document = models.OneToOneField(
        "documents.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="民事裁定书",
    )


class Notarization(models.Model):
    """Notarized debt instrument with enforcement effect (赋强公证, 民诉法 Art. 249)."""

    mediation = models.OneToOneField(
        MediationCase, on_delete=models.CASCADE, related_name="notarization"
    )
    office = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    applied_on = models.DateField()
    certificate_number = models.CharField("公证书编号", max_length=60, blank=True)
    notarized_on = models.DateField(null=True, blank=True)
    notary = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    execution_certificate_number = models.CharField("执行证书编号", max_length=60, blank=True)
    document = models.OneToOneField(
        "documents.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="公证书",
    )
    execution_document = models.OneToOneField(
        "documents.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="执行证书",
    )


class PaymentOrder(models.Model):
    """Payment order (支付令, 民督): fee one third (办法 Art. 14), 15-day objection (民诉法 Art. 227)."""

    mediation = models.OneToOneField(
        MediationCase, on_delete=models.CASCADE, related_name="payment_order"
    )
    case_number = models.CharField("民督案号", max_length=40, unique=True)
    amount = money("请求金额")
    fee = money("申请费")
    applied_on = models.DateField()
    issued_on = models.DateField(null=True, blank=True)
    served_on = models.DateField(null=True, blank=True)
    objection_ends = models.DateField(null=True, blank=True)
    objected_on = models.DateField(null=True, blank=True)
    objection = models.TextField(blank=True)
    effective_on = models.DateField(null=True, blank=True)
    document = models.OneToOneField(
        "documents.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="支付令",
    )


class EnforcementDraft(models.Model):
    """A ready-to-submit enforcement application opened by a missed instalment (民诉法 Arts. 247, 249)."""

    mediation = models.OneToOneField(
        MediationCase, on_delete=models.CASCADE, related_name="enforcement_draft"
    )
    title = models.CharField("执行依据", max_length=200)
    unpaid = money("未履行金额")
    execution_fee = money("申请执行费（预计）")
    missed_instalment = models.PositiveIntegerField()
    due_date = models.DateField()
    created_on = models.DateField()
    submitted = models.BooleanField(default=False)
    document = models.OneToOneField(
        "documents.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="强制执行申请书",
    )
