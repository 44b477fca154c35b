"""Publication of judgments on the internet (裁判文书公开, 法释〔2016〕19号).

One `Publication` per effective 民事判决书 (`judgments.Judgment` of kind JUDGMENT). Never one for
a mediation document, a ruling confirming a mediation agreement or a withdrawal ruling (Art. 4:
not published). The sweep prepares it: `original_text` is the judgment's own wording (built
from the data its PDF is rendered from), `anonymised_text` what the anonymiser made of it
(`jiefen.law.anonymisation`), `replacements` where it removed what. A clerk reviews the two
side by side, may correct the anonymised text, and releases it (公开) or withholds it (不予公开,
with the reason, Art. 4-5). The original is kept encrypted: it holds personal data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jiefen.privacy import EncryptedTextField


class PublicationState(models.TextChoices):
    PENDING_REVIEW = "pending_review", "待审核"
    RELEASED = "released", "已公开"
    WITHHELD = "withheld", "不予公开"


class Publication(models.Model):
    judgment = models.OneToOneField(
        "judgments.Judgment", on_delete=models.PROTECT, related_name="publication"
    )
    state = models.CharField(
        "状态",
        max_length=16,
        choices=PublicationState.choices,
        default=PublicationState.PENDING_REVIEW,
    )
    # Title as published: "原告X与被告张某信用卡纠纷一审民事判决书" (names already anonymised).
    title = models.CharField("标题", max_length=300)
    original_text = EncryptedTextField("文书原文")
    anonymised_text = models.TextField("公开文本（已隐名处理）")
    # [{"kind", "start", "end", "replacement", "at"}]: spans of the original, no values.
    replacements = models.JSONField("替换记录", default=list)
    prepared_on = models.DateField("生成日期")
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="修改人",
    )
    edited_at = models.DateTimeField("修改时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="审核人",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    withhold_reason = models.TextField("不予公开理由", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "裁判文书公开"
        verbose_name_plural = "裁判文书公开"
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return self.title
