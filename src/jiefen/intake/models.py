"""Batches: one upload from an institution, whose rows become cases."""

from django.db import models


class Batch(models.Model):
    institution = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="batches_uploaded",
        verbose_name="金融机构",
    )
    court = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="batches_received",
        verbose_name="法院",
    )
    case_type = models.CharField("案由", max_length=20)
    file_name = models.CharField("文件名", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "批次"
        verbose_name_plural = "批次"

    def __str__(self) -> str:
        return f"批次 {self.pk}"
