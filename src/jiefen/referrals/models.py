"""Suspected-crime referral (涉嫌犯罪移送) and fraud intervention (反诈预警) data.

- `Referral`: one referral of a case or a whole series to a partner agency (公安机关 or 人民检察院)
  with its grounds; the judge's decision on the civil cases (`Outcome`), the court-sealed 移送函
  and the agency's answer (立案 / 不立案). `ReferralCase` is one case of it, with what became of it.
- `IdentityReport`: a borrower says a loan was taken in their name (冒名贷款), on the mediation
  portal or in their answer.
- `ReportedContact`: a mobile number or address that the police reported as used for fraud (the
  anti-fraud centre's notices), kept as the blind index of the contact and its masked form.
- `Intervention`: a task, from a fraud warning about one borrower, for the institution or the
  police liaison: the facts, a call script and the outcome (劝阻成功 / 未联系上 / 已报案).

Rules, outcomes and the law behind them: docs/referrals.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Ground(models.TextChoices):
    """Why a matter is referred; the first six are the signals of docs/risk.md."""

    WITHHELD_INTEREST = "withheld_interest", "预扣利息（砍头息）"
    EFFECTIVE_RATE = "effective_rate", "实际利率畸高"
    SERIAL_LOANS = "serial_loans", "转单平账"
    PROFESSIONAL_LENDER = "professional_lender", "职业放贷"
    IDENTITY_MISUSE = "identity_misuse", "冒名贷款"
    FRAUD_CONTACT = "fraud_contact", "涉诈关联联系方式"
    ILLEGAL_FUNDRAISING = "illegal_fundraising", "涉嫌非法集资"
    OTHER = "other", "其他涉嫌犯罪情形"


class Source(models.TextChoices):
    JUDGE = "judge", "承办法官"
    MEDIATOR = "mediator", "调解员"
    WARNING = "warning", "风险预警"


class Outcome(models.TextChoices):
    """The judge's decision on the civil cases of a referral (docs/referrals.md)."""

    # 民间借贷规定 Art. 5; 法释〔1998〕7号 Art. 11: the claim itself rests on the suspected crime.
    DISMISS = "dismiss", "裁定驳回起诉并移送"
    # 法释〔1998〕7号 Art. 10; 民间借贷规定 Art. 6: a related lead, not the same legal relation.
    REFER_LEAD = "refer_lead", "移送线索、继续审理"
    # 民诉法 Art. 153(1)(五); 民间借贷规定 Art. 7: the civil case must wait for the criminal one.
    SUSPEND = "suspend", "中止诉讼并移送"
    # No suspicion after review: nothing is sent, the cases go on.
    NO_REFERRAL = "no_referral", "不予移送"


class ReferralState(models.TextChoices):
    OPEN = "open", "待法官审查"
    SENT = "sent", "已移送"
    NOT_REFERRED = "not_referred", "不予移送"
    ACCEPTED = "accepted", "公安机关已立案"
    DECLINED = "declined", "不予立案"


class Answer(models.TextChoices):
    ACCEPTED = "accepted", "立案"
    DECLINED = "declined", "不立案"


class Referral(models.Model):
    # The court's letter number, e.g. 渝0105法移〔2026〕3号 (given when the letter is sealed).
    number = models.CharField("移送函文号", max_length=40, blank=True)
    court = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_made",
        verbose_name="移送法院",
    )
    agency = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name="接收机关",
    )
    # The judge who decides on the civil cases (the judge of its filed cases).
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals_to_decide",
        verbose_name="承办法官",
    )
    series = models.ForeignKey(
        "cases.Series",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name="系列案",
    )
    warning = models.ForeignKey(
        "risk.Warning",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name="来源预警",
    )
    source = models.CharField("提起方", max_length=12, choices=Source.choices)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_opened",
        verbose_name="提起人",
    )
    grounds = models.JSONField("移送理由", default=list)  # [Ground value, …]
    statement = models.TextField("涉嫌犯罪的事实")
    state = models.CharField(
        "状态", max_length=16, choices=ReferralState.choices, default=ReferralState.OPEN
    )
    outcome = models.CharField("民事案件处理", max_length=16, choices=Outcome.choices, blank=True)
    decision_reason = models.TextField("审查意见", blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    letter = models.ForeignKey(
        "documents.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="移送函",
    )
    sent_on = models.DateField("移送日期", null=True, blank=True)
    answer = models.CharField("公安机关答复", max_length=12, choices=Answer.choices, blank=True)
    answer_number = models.CharField("答复文书文号", max_length=60, blank=True)
    answer_note = models.TextField("答复说明", blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_answered",
        verbose_name="答复人",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "涉嫌犯罪移送"
        verbose_name_plural = "涉嫌犯罪移送"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state"]), models.Index(fields=["agency", "state"])]

    def __str__(self) -> str:
        return self.number or f"移送#{self.pk}"


class CaseOutcome(models.TextChoices):
    PENDING = "pending", "待决定"
    DISMISSED = "dismissed", "已驳回起诉"
    SUSPENDED = "suspended", "已中止"
    CONTINUED = "continued", "继续审理/执行"
    RESUMED = "resumed", "已恢复"


class ReferralCase(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="referral_cases")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referral_links")
    # The case's state when it was referred (which stage's consequence applies).
    state_at_referral = models.CharField("移送时状态", max_length=32)
    outcome = models.CharField(
        "处理结果", max_length=12, choices=CaseOutcome.choices, default=CaseOutcome.PENDING
    )

    class Meta:
        verbose_name = "移送案件"
        verbose_name_plural = "移送案件"
        constraints = [
            models.UniqueConstraint(fields=["referral", "case"], name="one_link_per_referral_case")
        ]


class ReportSource(models.TextChoices):
    PORTAL = "portal", "调解平台"
    ANSWER = "answer", "答辩状"


class IdentityReport(models.Model):
    """A borrower's statement that the loan was taken in their name (冒名贷款)."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="identity_reports"
    )
    party = models.ForeignKey(
        "cases.Party", on_delete=models.PROTECT, related_name="identity_reports"
    )
    source = models.CharField("来源", max_length=12, choices=ReportSource.choices)
    statement = models.TextField("情况说明")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="提交人",
    )
    reported_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "冒名贷款报告"
        verbose_name_plural = "冒名贷款报告"
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "party"], name="one_identity_report_per_party")
        ]


class ReportedContact(models.Model):
    """A contact the police reported as used for fraud; only its blind index and masked form."""

    kind = models.CharField("类型", max_length=8)  # "mobile" or "address" (ContactKind)
    value_index = models.CharField("盲索引", max_length=64, db_index=True)
    shown = models.CharField("脱敏显示", max_length=60)
    note = models.CharField("来源说明", max_length=200, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="登记人",
    )
    reported_on = models.DateField("通报日期")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "涉诈联系方式"
        verbose_name_plural = "涉诈联系方式"
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value_index"], name="one_reported_contact")
        ]


class InterventionOutcome(models.TextChoices):
    DISSUADED = "dissuaded", "劝阻成功"
    UNREACHABLE = "unreachable", "未联系上"
    REPORTED = "reported", "已报案"


class Intervention(models.Model):
    warning = models.ForeignKey(
        "risk.Warning",
        on_delete=models.PROTECT,
        related_name="interventions",
        verbose_name="预警",
    )
    party = models.ForeignKey(
        "cases.Party",
        on_delete=models.PROTECT,
        related_name="interventions",
        verbose_name="借款人",
    )
    # The institution whose borrower it is, or the police agency of the liaison.
    assignee_org = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="interventions",
        verbose_name="处置机构",
    )
    facts = models.TextField("预警事实")
    script = models.TextField("劝阻话术")
    outcome = models.CharField(
        "处置结果", max_length=12, choices=InterventionOutcome.choices, blank=True
    )
    outcome_note = models.TextField("处置情况", blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="处置人",
    )
    done_at = models.DateTimeField("处置时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "反诈干预任务"
        verbose_name_plural = "反诈干预任务"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["warning", "assignee_org"], name="one_intervention_per_warning_org"
            )
        ]
