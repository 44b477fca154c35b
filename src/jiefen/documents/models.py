"""Stored documents: every generated file with its SHA-256, append-only (architecture rule 7).

A document is one file (a PDF rendered with typst, a DOCX copy, or a ZIP of a series). The
official PDFs are signed with the court's seal certificate (PAdES): either each document itself
(`issue_document`) or, in batch filing, once per recipient: the packet's cover notice
(受理案件通知书 / 应诉通知书) lists the SHA-256 of every other document served with it and is
the signed PDF. `packet` links such a document to the signed cover that covers its hash (the
cover itself has `packet` empty). `signed` means "carries or is covered by the court's seal".

`issued_for` names the occasion a document was issued for (batch filing: ``filing``; a summons:
``hearing:<date and time>``; a mediation title: what it records, e.g. ``confirmation:<id>``). The database holds at most one document per case, kind, recipient
and occasion, so a re-run batch chunk can never issue a second set, while a summons for a new
hearing date is a new occasion and is accepted. Documents without an occasion (Word copies,
single documents issued on request) are not constrained.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce


class DocumentFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word"
    ZIP = "zip", "ZIP"
    # Files parties upload as evidence (stored as received, never rendered).
    JPG = "jpg", "JPEG 图片"
    PNG = "png", "PNG 图片"


class RecipientRole(models.TextChoices):
    CLAIMANT = "claimant", "原告"
    DEFENDANT = "defendant", "被告"
    COURT = "court", "法院（附卷）"
    PARTIES = "parties", "各方当事人"


class AppendOnlyError(Exception):
    """A stored document was about to be changed or deleted; they are evidence."""


class StoredDocument(models.Model):
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name="案件",
    )
    kind = models.CharField("文书种类", max_length=40)
    title = models.CharField("标题", max_length=100)
    format = models.CharField("格式", max_length=8, choices=DocumentFormat.choices)
    recipient = models.CharField("受送达人", max_length=200, blank=True)
    recipient_role = models.CharField(
        "受送达人身份", max_length=16, choices=RecipientRole.choices, blank=True
    )
    party = models.ForeignKey(
        "cases.Party",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name="当事人",
    )
    path = models.CharField("文件路径", max_length=400, unique=True)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("大小（字节）")
    signed = models.BooleanField("已签章", default=False)
    issued_for = models.CharField("签发事由", max_length=80, blank=True, default="")
    packet = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name="签章文书包",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="生成人",
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        ordering = ["id"]
        indexes = [models.Index(fields=["case", "kind"])]
        constraints = [
            # One document per case, kind, recipient (the claimant has no party row: 0) and
            # occasion; NULL party would otherwise make every claimant document distinct.
            models.UniqueConstraint(
                F("case"),
                F("kind"),
                Coalesce(F("party"), Value(0)),
                F("issued_for"),
                condition=~Q(issued_for=""),
                name="document_once_per_occasion",
                violation_error_message="该文书已为同一事由签发给该受送达人，不重复签发",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.recipient}）" if self.recipient else self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("文书一经生成不得修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("文书一经生成不得删除")

    @property
    def absolute_path(self) -> Any:
        """The file on this machine (local storage backends only; code reads via `storage`)."""
        from jiefen.documents.storage import local_path

        return local_path(self.path)

    @property
    def filename(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def has_word_copy(self) -> bool:
        """Whether the kind has a docx template (only those get a 「Word」 link)."""
        from jiefen.documents.kinds import KINDS

        kind = KINDS.get(self.kind)
        return self.format == "pdf" and kind is not None and bool(kind.docx)

    @property
    def content_type(self) -> str:
        return {
            "pdf": "application/pdf",
            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "zip": "application/zip",
            "jpg": "image/jpeg",
            "png": "image/png",
        }[self.format]
