"""Webhook subscriptions of the banks' systems, the deliveries made to them and their log.

A `Subscription` is a bank system's URL with the secret its deliveries are signed with; a
`Delivery` is one event for one subscription (unique per source row, so an event is never
delivered twice to one subscription); a `DeliveryAttempt` is one HTTP POST of it (the delivery
log). `OutboxCursor` remembers how far the sweep has read each append-only table the events come
from (case events, mediation payments, enforcement receipts and measures).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jiefen.privacy import EncryptedTextField


class Subscription(models.Model):
    institution = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="webhook_subscriptions",
        verbose_name="金融机构",
    )
    url = models.URLField("推送地址", max_length=500)
    # The signing key: shown once when the subscription is made, stored encrypted (it must be
    # read again to sign every delivery, so it cannot be a one-way hash like a password).
    secret = EncryptedTextField("签名密钥")
    # Event names (jiefen.webhooks.events.EVENTS); empty means every event.
    events = models.JSONField("订阅事件", default=list, blank=True)
    active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    # Deleted through the API: kept (with its delivery log) but never sent to again.
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True)

    class Meta:
        verbose_name = "推送地址"
        verbose_name_plural = "推送地址"
        indexes = [models.Index(fields=["institution", "active"])]

    def __str__(self) -> str:
        return self.url

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events


class DeliveryState(models.TextChoices):
    PENDING = "pending", "待推送"
    DELIVERED = "delivered", "已送达"
    FAILED = "failed", "推送失败"
    CANCELLED = "cancelled", "已取消"


class Delivery(models.Model):
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries", verbose_name="推送地址"
    )
    event = models.CharField("事件", max_length=32)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="案件",
    )
    # The row the event comes from ("case_event:17", "receipt:4", "ping:3"): with the
    # subscription it is unique, so sweeping the same rows again creates nothing twice.
    source = models.CharField("事件来源", max_length=64)
    # The body without its `delivery` id (added when sent): frozen when the event is collected.
    payload = models.JSONField("内容")
    state = models.CharField(
        "状态", max_length=12, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField("本轮已推送次数", default=0)
    next_attempt_at = models.DateTimeField("下次推送时间", null=True, blank=True)
    last_status = models.PositiveSmallIntegerField("最近一次 HTTP 状态码", null=True, blank=True)
    last_error = models.CharField("最近一次错误", max_length=500, blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "推送记录"
        verbose_name_plural = "推送记录"
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "source"], name="webhook_delivery_once_per_source"
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk}"


class DeliveryAttempt(models.Model):
    """One POST of a delivery: what the receiver answered, or why it could not be reached."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="log", verbose_name="推送记录"
    )
    at = models.DateTimeField("推送时间")
    status_code = models.PositiveSmallIntegerField("HTTP 状态码", null=True, blank=True)
    error = models.CharField("错误", max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField("耗时（毫秒）", default=0)

    class Meta:
        verbose_name = "推送日志"
        verbose_name_plural = "推送日志"
        ordering = ["at", "pk"]


class OutboxCursor(models.Model):
    """How far the sweep has read one append-only source table (by id)."""

    source = models.CharField("来源表", max_length=32, unique=True)
    last_id = models.BigIntegerField("已读至编号", default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "事件读取进度"
        verbose_name_plural = "事件读取进度"

    def __str__(self) -> str:
        return f"{self.source}: {self.last_id}"
