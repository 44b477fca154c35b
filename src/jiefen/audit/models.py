"""The audit log: append-only, hash-chained (rule 7 of the architecture).

Each record holds the hash of the previous one; `jiefen audit_verify` recomputes the chain.
"""

from django.conf import settings
from django.db import models


class AuditRecord(models.Model):
    seq = models.PositiveBigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="操作人",
    )
    action = models.CharField("操作", max_length=60)
    object_type = models.CharField("对象类型", max_length=40)
    object_id = models.CharField("对象", max_length=40)
    payload = models.JSONField("内容", default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"
