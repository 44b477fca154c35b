"""Filing (立案) data: the filing facts of each case and filing jobs.

Case numbers come from `jiefen.cases.numbering` (one locked counter per court, year and type).

A filing job is split into chunks (`FilingChunk`); each chunk files its cases in its own
transaction and then stores their documents, so a crash loses at most the open chunk and a
resume re-runs the unfinished chunks. The counts on the job and on its chunks are derived from
the data (filings and stored documents), never added up, so running a chunk twice changes
nothing.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from jiefen.cases.models import Procedure


class FilingJob(models.Model):
    """One click of 批量立案: the cases to file and the progress the page polls.

    `total` is the number of cases the job files (asked for, less those `skipped` because
    another job filed them or they left the filable states); `filed`, `documented` and
    `documents` are the sums of its chunks' counts, refreshed after every chunk.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        FILING = "filing", "正在立案"
        RENDERING = "rendering", "正在生成文书"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    court = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    series = models.ForeignKey(
        "cases.Series", null=True, blank=True, on_delete=models.PROTECT, related_name="filing_jobs"
    )
    case_ids = models.JSONField("案件", default=list)
    preservation = models.BooleanField("同时申请财产保全", default=False)
    # The day the clerk filed the job: every chunk files on it, also when resumed later.
    filed_on = models.DateField("立案日期", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField("案件数", default=0)
    filed = models.PositiveIntegerField("已立案", default=0)
    documented = models.PositiveIntegerField("已生成文书的案件", default=0)
    documents = models.PositiveIntegerField("文书数", default=0)
    skipped = models.PositiveIntegerField("未立案（已由其他任务立案或状态已变）", default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField("最近进展", null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "批量立案任务"
        verbose_name_plural = "批量立案任务"
        ordering = ["-id"]

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.DONE else 0
        # Filing is the first tenth of the work, documents the rest.
        filed = self.filed / self.total
        documented = self.documented / self.total
        return min(100, int(10 * filed + 90 * documented))


class FilingChunk(models.Model):
    """A slice of a filing job: filed in one transaction, then documented; idempotent.

    `assignment` is the judge and clerk planned for each case when the job was split (a series
    stays with its judges however it is chunked). The counts are set from the data each time
    the chunk runs: cases of the chunk this job filed, cases with their full document set, the
    documents stored for them, cases skipped.
    """

    job = models.ForeignKey(FilingJob, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField("序号")
    case_ids = models.JSONField("案件", default=list)
    assignment = models.JSONField("分案", default=dict)  # {"case id": [judge id, clerk id]}
    filed = models.PositiveIntegerField("已立案", default=0)
    documented = models.PositiveIntegerField("已生成文书的案件", default=0)
    documents = models.PositiveIntegerField("文书数", default=0)
    skipped = models.PositiveIntegerField("未立案", default=0)
    done = models.BooleanField("已完成", default=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "批量立案分块"
        verbose_name_plural = "批量立案分块"
        ordering = ["job", "index"]
        constraints = [
            models.UniqueConstraint(fields=["job", "index"], name="filing_chunk_once_per_index")
        ]


class Filing(models.Model):
    """What the court decided when filing one case, beyond the columns on `Case`."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="filing")
    job = models.ForeignKey(
        FilingJob, null=True, blank=True, on_delete=models.PROTECT, related_name="filings"
    )
    filed_on = models.DateField("立案日期")
    sequence = models.PositiveIntegerField("案号序号")
    procedure_reason = models.CharField("程序选择理由", max_length=200)
    fee_full = models.DecimalField("案件受理费（全额）", max_digits=18, decimal_places=2)
    fee_halved = models.BooleanField("减半收取", default=False)
    # An objected payment order turned into this case: its fee is credited (民诉解释 Art. 195).
    fee_credited = models.DecimalField(
        "已交支付令申请费抵扣", max_digits=18, decimal_places=2, default=Decimal("0.00")
    )
    preservation_number = models.CharField(
        "财保案号", max_length=40, null=True, blank=True, unique=True
    )
    preservation_fee = models.DecimalField(
        "申请保全费", max_digits=18, decimal_places=2, null=True, blank=True
    )
    hearing_at = models.DateTimeField("开庭时间")
    hearing_place = models.CharField("开庭地点", max_length=100)
    evidence_days = models.PositiveSmallIntegerField("举证期限（日）")

    class Meta:
        verbose_name = "立案信息"
        verbose_name_plural = "立案信息"


class FeeAccount(models.Model):
    """The account into which a court collects litigation fees (诉讼费用交纳办法 Art. 20–22).

    Printed on every 交纳诉讼费用通知书. Set by the court administrator in the admin site
    (/admin/ → 诉讼费收款账户); without one the notice directs the party to the court's online
    payment platform only and prints no account.
    """

    court = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="fee_account",
        limit_choices_to={"kind": "court"},
        verbose_name="法院",
    )
    payee = models.CharField("收款单位", max_length=200)
    bank = models.CharField("开户银行", max_length=200)
    account = models.CharField("账号", max_length=60)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "诉讼费收款账户"
        verbose_name_plural = "诉讼费收款账户"

    def __str__(self) -> str:
        return f"{self.payee}（{self.bank}）"

    def as_data(self) -> dict[str, str]:
        return {"payee": self.payee, "bank": self.bank, "account": self.account}


class ProcedureConversion(models.Model):
    """A filed case moved from summary procedure or small claims to ordinary procedure.

    The ordinary procedure's fee is the full fee: the claimant pays the difference to what it
    paid (诉讼费用交纳办法 Art. 16 halves the fee of summary procedure; on conversion the plaintiff
    pays the other half within 7 days, 民诉解释 Art. 199), asked for by a fee notice.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="conversions")
    from_procedure = models.CharField("原程序", max_length=16, choices=Procedure.choices)
    to_procedure = models.CharField("转换后程序", max_length=16, choices=Procedure.choices)
    reason = models.CharField("转换理由", max_length=300)
    converted_on = models.DateField("转换日期")
    fee_before = models.DecimalField("原应交受理费", max_digits=18, decimal_places=2)
    fee_after = models.DecimalField("转换后应交受理费", max_digits=18, decimal_places=2)
    fee_difference = models.DecimalField("应补交受理费", max_digits=18, decimal_places=2)
    fee_notice = models.ForeignKey(
        "documents.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="补交诉讼费用通知书",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "程序转换"
        verbose_name_plural = "程序转换"
        ordering = ["id"]
