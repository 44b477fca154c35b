"""Service (送达) data: what is served on whom, each try on each channel, receipts and events.

- `Service`: one signed document of one case served on one party (被告 / 保证人): the filing
  packet first, then any later document (`purpose`: a re-issued summons, the judgment, a 调解书,
  a 裁定书; `actions.serve_documents`). Only the filing packet's service starts the answer and
  evidence periods and moves the case to 已送达. Its `stage` says
  how far escalation went (electronic → post → public notice); `served_on` is set only from an
  attempt whose legal effect `jiefen.law.service` confirms — nothing is ever marked served
  otherwise.
- `ServiceAttempt` (送达记录): one try on one channel to one address, with where the address came
  from, the consent it relies on, the message sent and the times the channel reported. Its
  `next_attempt_at` is the escalation schedule as domain data: the periodic sweep acts on it.
- `ServiceReceipt`: a receipt of a gateway, the post office or a clerk's scanned 回执, kept as
  received with its SHA-256; the unique key makes every receipt count exactly once.
- `ServiceEvent`: every step of the service of a case, append-only (the case's service timeline).
- `ServiceJob`: one click of 批量送达 for a series, with the progress the page polls.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from jiefen.privacy import EncryptedTextField


class AppendOnlyError(Exception):
    """Service evidence (receipts, events) was about to be changed or deleted."""


class Channel(models.TextChoices):
    SMS = "sms", "短信"
    EMAIL = "email", "电子邮件"
    PORTAL = "portal", "诉讼服务平台"
    POST = "post", "邮寄（EMS）"
    PUBLIC_NOTICE = "public_notice", "公告"


ELECTRONIC_CHANNELS = (Channel.SMS, Channel.EMAIL, Channel.PORTAL)


class Stage(models.TextChoices):
    ELECTRONIC = "electronic", "电子送达"
    POST = "post", "邮寄送达"
    PUBLIC_NOTICE = "public_notice", "公告送达"


class Purpose(models.TextChoices):
    """What a service delivers: the filing packet, or a later document of the case."""

    FILING = "filing", "起诉材料（应诉通知书、传票等）"
    SUMMONS = "summons", "传票（改期开庭）"
    JUDGMENT = "judgment", "民事判决书"
    MEDIATION = "mediation", "民事调解书"
    RULING = "ruling", "民事裁定书"


class Service(models.Model):
    """One signed document packet of one case served on one party (the filing packet first)."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "送达中"
        SERVED = "served", "已送达"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="services")
    party = models.ForeignKey("cases.Party", on_delete=models.PROTECT, related_name="services")
    packet = models.ForeignKey(
        "documents.StoredDocument",
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name="送达文书（签章文书包）",
    )
    purpose = models.CharField(
        "送达内容", max_length=12, choices=Purpose.choices, default=Purpose.FILING
    )
    state = models.CharField(
        "送达状态", max_length=12, choices=State.choices, default=State.IN_PROGRESS
    )
    stage = models.CharField(
        "送达方式", max_length=16, choices=Stage.choices, default=Stage.ELECTRONIC
    )
    served_on = models.DateField("送达日期", null=True, blank=True)
    served_by = models.ForeignKey(
        "ServiceAttempt",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="生效的送达记录",
    )
    reason = models.TextField("送达效力说明", blank=True)
    answer_ends = models.DateField("答辩期届满日", null=True, blank=True)
    evidence_ends = models.DateField("举证期限届满日", null=True, blank=True)
    reschedule_hearing = models.BooleanField("开庭日期须改期", default=False)
    job = models.ForeignKey(
        "ServiceJob", null=True, blank=True, on_delete=models.PROTECT, related_name="services"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "送达"
        verbose_name_plural = "送达"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "party", "packet"], name="one_service_per_party_and_packet"
            )
        ]
        indexes = [models.Index(fields=["state", "stage"])]


class AttemptState(models.TextChoices):
    QUEUED = "queued", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    DELIVERED = "delivered", "已送达对方系统"
    READ = "read", "已读"
    FAILED = "failed", "发送失败"
    SIGNED = "signed", "已签收"
    RETURNED = "returned", "已退回"
    PUBLISHED = "published", "已公告"
    CANCELLED = "cancelled", "已撤回（已另行送达）"


class ServiceAttempt(models.Model):
    """One try on one channel to one address (送达记录)."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="attempts")
    channel = models.CharField("送达渠道", max_length=16, choices=Channel.choices)
    try_number = models.PositiveSmallIntegerField("第几次", default=1)
    state = models.CharField(
        "状态", max_length=12, choices=AttemptState.choices, default=AttemptState.QUEUED
    )
    contact = models.ForeignKey(
        "cases.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = EncryptedTextField("送达地址")
    address_masked = models.CharField("送达地址（脱敏）", max_length=200)
    address_source = models.CharField("地址来源", max_length=100)
    address_confirmed = models.BooleanField("地址经当事人确认", default=False)
    consent_basis = models.CharField("电子送达同意依据", max_length=100, blank=True)
    message = EncryptedTextField("送达信息内容", blank=True)
    message_sha256 = models.CharField("送达信息 SHA-256", max_length=64, blank=True)
    link_token_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    provider_id = models.CharField("网关/邮件编号", max_length=120, blank=True, db_index=True)
    next_attempt_at = models.DateTimeField("下次处理时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    delivered_at = models.DateTimeField("到达时间", null=True, blank=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    read_how = models.CharField("阅读方式", max_length=40, blank=True)
    signed_on = models.DateField("签收日期", null=True, blank=True)
    signer = models.CharField("签收人", max_length=50, blank=True)
    returned_on = models.DateField("退回日期", null=True, blank=True)
    published_on = models.DateField("公告日期", null=True, blank=True)
    failure = models.CharField("失败原因", max_length=300, blank=True)
    effective = models.BooleanField("已生效", default=False)
    served_on = models.DateField("送达日期", null=True, blank=True)
    reason = models.TextField("效力说明", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "送达记录"
        verbose_name_plural = "送达记录"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["channel", "provider_id"]),
        ]


class ServiceReceipt(models.Model):
    """A receipt as received (gateway, post office or a clerk's scan); counted exactly once."""

    class Source(models.TextChoices):
        SMS_GATEWAY = "sms_gateway", "短信网关回执"
        POSTAL = "postal", "邮政妥投回执"
        SCAN = "scan", "送达回证扫描件"

    attempt = models.ForeignKey(ServiceAttempt, on_delete=models.PROTECT, related_name="receipts")
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    receipt_id = models.CharField("回执编号", max_length=120)
    status = models.CharField("回执状态", max_length=20)
    reported_at = models.DateTimeField("回执时间")
    payload = models.JSONField("回执原文", default=dict)
    sha256 = models.CharField("回执 SHA-256", max_length=64)
    document = models.ForeignKey(
        "documents.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="扫描件",
    )
    received_at = models.DateTimeField("接收时间", auto_now_add=True)

    class Meta:
        verbose_name = "送达回执"
        verbose_name_plural = "送达回执"
        constraints = [
            models.UniqueConstraint(fields=["source", "receipt_id"], name="receipt_counted_once")
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("送达回执不得修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("送达回执不得删除")


class EventKind(models.TextChoices):
    QUEUED = "queued", "安排送达"
    SENT = "sent", "已发送"
    DELIVERED = "delivered", "已到达受送达人系统"
    FAILED = "failed", "发送失败"
    RETRY = "retry", "重新发送"
    READ = "read", "受送达人已阅读"
    SIGNED = "signed", "邮件已签收"
    RETURNED = "returned", "邮件被退回"
    ESCALATED = "escalated", "转换送达方式"
    PUBLISHED = "published", "发布公告"
    PROCEDURE_CONVERTED = "procedure_converted", "转为普通程序"
    SERVED = "served", "送达生效"
    RESCHEDULE = "reschedule", "开庭日期须改期"
    RECEIPT_UPLOADED = "receipt_uploaded", "上传送达回证"
    PROOF_ISSUED = "proof_issued", "出具送达凭证"
    ADDRESS_CONFIRMED = "address_confirmed", "当事人确认送达地址"


class ServiceEvent(models.Model):
    """One step of the service of a case (append-only)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="service_events")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="events")
    attempt = models.ForeignKey(
        ServiceAttempt, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("事件", max_length=24, choices=EventKind.choices)
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "送达事件"
        verbose_name_plural = "送达事件"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("送达事件不得修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("送达事件不得删除")


class ServiceJob(models.Model):
    """One click of 批量送达: the cases to serve and the progress the page polls.

    The counts are derived from the data (`actions.jobs.refresh_job`): cases whose every party
    has a service with a dispatched attempt, and cases served.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        SENDING = "sending", "正在送达"
        DONE = "done", "已发出"
        FAILED = "failed", "失败"

    court = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    series = models.ForeignKey(
        "cases.Series", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case_ids = models.JSONField("案件", default=list)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField("案件数", default=0)
    dispatched = models.PositiveIntegerField("已发出", default=0)
    served = models.PositiveIntegerField("已送达", default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField("最近进展", null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "批量送达任务"
        verbose_name_plural = "批量送达任务"
        ordering = ["-id"]

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, int(100 * self.dispatched / self.total))
