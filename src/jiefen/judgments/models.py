"""Decision (裁判文书) data: the judgment, mediation document or withdrawal ruling of a case.

- `Judgment`: what ends a first-instance case — a 民事判决书 computed from the findings, a
  民事调解书 from in-court mediation, or a 民事裁定书 allowing withdrawal. `computation` is the
  result of `jiefen.law.judgment` as the JSON object `jiefen judgment_show` prints; `text` holds
  the sections the judge edited (they replace the generated wording). It is a draft until the
  judge signs; signing seals the PDF and stores the DOCX copy; pronouncement (宣判) sends it to
  the parties through the service stage; it takes effect when every party's appeal period has
  passed without appeal (or, for a mediation document, when every party signed for it).
- `Appeal`: an appeal (上诉) filed by a party within its own appeal period.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jiefen.cases.models import money_field


class DecisionKind(models.TextChoices):
    JUDGMENT = "judgment", "民事判决书"
    MEDIATION = "mediation", "民事调解书"
    WITHDRAWAL = "withdrawal", "民事裁定书（准予撤诉）"


class DecisionState(models.TextChoices):
    DRAFT = "draft", "待审核签发"
    SIGNED = "signed", "已签发"
    PRONOUNCED = "pronounced", "已宣判（送达中）"
    EFFECTIVE = "effective", "已生效"
    APPEALED = "appealed", "已上诉"


class Judgment(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="judgment")
    kind = models.CharField("文书类型", max_length=12, choices=DecisionKind.choices)
    state = models.CharField(
        "状态", max_length=12, choices=DecisionState.choices, default=DecisionState.DRAFT
    )
    default = models.BooleanField("缺席判决", default=False)
    computation = models.JSONField("计算结果", default=dict)
    text = models.JSONField("法官修改的文书内容", default=dict)
    awarded_total = money_field("判决支持金额合计", null=True, blank=True)
    reduced_for_cap = models.BooleanField("因利率上限调减", default=False)
    draft_document = models.ForeignKey(
        "documents.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="文书草稿（未签章）",
    )
    document = models.ForeignKey(
        "documents.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="签章文书",
    )
    docx = models.ForeignKey(
        "documents.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Word 副本",
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField("签发时间", null=True, blank=True)
    pronounced_on = models.DateField("宣判日期", null=True, blank=True)
    # The claimant is served on the platform (its filing address) when the decision is pronounced.
    claimant_served_on = models.DateField("原告送达日期", null=True, blank=True)
    appeal_ends = models.DateField("上诉期届满日（各方最晚）", null=True, blank=True)
    effective_on = models.DateField("生效日期", null=True, blank=True)
    performance_ends = models.DateField("履行期限届满日", null=True, blank=True)
    enforceable = models.BooleanField("可申请强制执行", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "裁判文书"
        verbose_name_plural = "裁判文书"
        indexes = [models.Index(fields=["state"])]


class Appeal(models.Model):
    judgment = models.ForeignKey(Judgment, on_delete=models.PROTECT, related_name="appeals")
    # The appellant: a defendant or guarantor (`party`), or the claimant (`party` empty).
    party = models.ForeignKey(
        "cases.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appellant = models.CharField("上诉人", max_length=200)
    filed_on = models.DateField("上诉日期")
    deadline = models.DateField("该当事人上诉期届满日")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "上诉"
        verbose_name_plural = "上诉"
