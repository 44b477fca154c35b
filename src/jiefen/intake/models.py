"""Batches: one upload from an institution, whose rows become cases.

A batch is created once per file (SHA-256) and once per idempotency key of an institution;
both are unique at the database level, so a repeated or concurrent upload finds the first
batch instead of making a second one. Progress is kept in the batch row itself: `rows_done`
is the cursor of committed chunks, written in the same transaction as the chunk's cases, so a
worker killed at any moment leaves a batch that resumes exactly where the database says.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from jiefen.cases.models import CaseType


class BatchStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "导入中"
    DONE = "done", "已完成"
    REJECTED = "rejected", "整批退回"
    FAILED = "failed", "文件无法读取"


class Policy(models.TextChoices):
    """What a row that fails validation does to the others (the bank chooses per batch)."""

    REJECT_FAILED_ROWS = "reject_failed_rows", "仅退回有错误的行"
    REJECT_ALL = "reject_all", "有任一错误即整批退回"


class Batch(models.Model):
    institution = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="batches_uploaded",
        verbose_name="金融机构",
    )
    court = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="batches_received",
        verbose_name="法院",
    )
    case_type = models.CharField("案由", max_length=20)
    file_name = models.CharField("文件名", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="上传人",
    )
    status = models.CharField(
        "状态", max_length=12, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    policy = models.CharField(
        "错误处理方式", max_length=20, choices=Policy.choices, default=Policy.REJECT_FAILED_ROWS
    )
    file_sha256 = models.CharField("文件SHA-256", max_length=64, default="")
    file_size = models.PositiveBigIntegerField("文件大小（字节）", default=0)
    stored_path = models.CharField("存储路径", max_length=500, blank=True)
    # NULL means "no key"; the key is unique per institution when given.
    idempotency_key = models.CharField("幂等键", max_length=128, null=True, blank=True)  # noqa: DJ001

    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    accepted = models.PositiveIntegerField("已受理", default=0)
    rejected = models.PositiveIntegerField("已退回", default=0)
    duplicates = models.PositiveIntegerField("重复", default=0)
    flagged = models.PositiveIntegerField("有筛查提示", default=0)
    series_count = models.PositiveIntegerField("系列案数", default=0)
    message = models.TextField("说明", blank=True)
    # Why a screening flag could not be decided for this batch (e.g. no wage figure yet).
    screening_notes = models.JSONField("筛查说明", default=dict, blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近进展", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "批次"
        verbose_name_plural = "批次"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "file_sha256"], name="batch_file_once_per_institution"
            ),
            models.UniqueConstraint(
                fields=["institution", "idempotency_key"],
                name="batch_key_once_per_institution",
                condition=Q(idempotency_key__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"批次 {self.pk}"

    @property
    def percent(self) -> int:
        if self.status in (BatchStatus.DONE, BatchStatus.REJECTED):
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)

    @property
    def case_type_label(self) -> str:
        """案由 as users read it; an XLSX's is known once the worker has read the file."""
        return dict(CaseType.choices).get(self.case_type, "待识别（文件读取后确定）")

    @property
    def finished(self) -> bool:
        return self.status in (BatchStatus.DONE, BatchStatus.REJECTED, BatchStatus.FAILED)


class ErrorKind(models.TextChoices):
    INVALID = "invalid", "校验不通过"
    DUPLICATE = "duplicate", "重复案件"
    FILE = "file", "文件问题"


class BatchError(models.Model):
    """One reason a row was not accepted: row number as the bank sees it, column, reason."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="errors")
    row = models.PositiveIntegerField("行号")
    column = models.CharField("列", max_length=64, blank=True)
    reason = models.CharField("原因", max_length=300)
    value = models.CharField("原值", max_length=200, blank=True)
    kind = models.CharField(
        "类别", max_length=12, choices=ErrorKind.choices, default=ErrorKind.INVALID
    )

    class Meta:
        verbose_name = "批次错误"
        verbose_name_plural = "批次错误"
        ordering = ["row", "id"]
        indexes = [models.Index(fields=["batch", "row"])]
