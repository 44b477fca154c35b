"""Legal-service matching (法律服务对接): an institution's requests to the lawyer pool and the
replies in their thread.

A request goes to the pool lawyer on duty (律师库轮值) and is answered within the platform's
service standard (3 working days, a platform rule, not law). The rows of one institution make
its service file (一对一服务档案). Only `jiefen.legal_services.actions` writes these rows; replies
are append-only (the thread is the record of the advice given).
"""

from django.conf import settings
from django.db import models


class RequestKind(models.TextChoices):
    COMPLIANCE = "compliance", "合规咨询"
    LITIGATION = "litigation", "诉讼代理"
    RISK_REVIEW = "risk_review", "风险排查"
    CONTRACT_REVIEW = "contract_review", "合同审查"
    TRAINING = "training", "法治培训"
    OTHER = "other", "其他"


class RequestState(models.TextChoices):
    OPEN = "open", "待分派"
    ASSIGNED = "assigned", "已分派"
    ANSWERED = "answered", "已答复"
    CLOSED = "closed", "已办结"


class LegalRequest(models.Model):
    """One legal-service request of a financial institution to the lawyer pool."""

    institution = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="legal_requests",
        verbose_name="金融机构",
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="legal_requests_posted",
        verbose_name="发布人",
    )
    kind = models.CharField("需求类别", max_length=20, choices=RequestKind.choices)
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("需求内容")
    state = models.CharField(
        "状态", max_length=12, choices=RequestState.choices, default=RequestState.OPEN
    )
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legal_requests_assigned",
        verbose_name="承办律师",
    )
    posted_on = models.DateField("发布日期")
    assigned_on = models.DateField("分派日期", null=True, blank=True)
    answer_due = models.DateField("答复期限", null=True, blank=True)
    # The first answer: the response time the service file reports (later answers do not move it).
    answered_at = models.DateTimeField("首次答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    rating = models.PositiveSmallIntegerField("满意度评价", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "法律服务需求"
        verbose_name_plural = "法律服务需求"
        ordering = ["-posted_on", "-pk"]
        indexes = [
            models.Index(fields=["institution", "state"]),
            models.Index(fields=["lawyer", "state"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="legal_request_rating_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.subject}"

    @property
    def number(self) -> str:
        """The reference the pages show (法服-2026-0012)."""
        return f"法服-{self.posted_on.year}-{self.pk:04d}"


class ReplySide(models.TextChoices):
    LAWYER = "lawyer", "律师答复"
    INSTITUTION = "institution", "机构追问"


class Reply(models.Model):
    """One message in a request's thread: the lawyer's answer or the institution's follow-up."""

    request = models.ForeignKey(
        LegalRequest, on_delete=models.PROTECT, related_name="replies", verbose_name="需求"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="作者"
    )
    side = models.CharField("类型", max_length=12, choices=ReplySide.choices)
    body = models.TextField("内容")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "答复与追问"
        verbose_name_plural = "答复与追问"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_side_display()} {self.created_at:%Y-%m-%d %H:%M}"
