"""Hearing (庭审) data: courtrooms, sessions, each case's hearing, answers, findings, transcripts.

- `Courtroom`: a court's courtroom, kept by the court administrator in the admin site.
- `HearingSession`: one half-day sitting of one judge in one courtroom for cases of one series.
  Two partial unique constraints make double-booking impossible whoever books: a judge sits in
  at most one live session per half-day, a courtroom holds at most one.
- `Hearing`: one case's place in a session (its time). A case has at most one live hearing; a
  changed date marks the old one `rescheduled` and books a new one (a new summons).
- `Agent`: a lawyer who acts for a party (委托诉讼代理人) and may answer for them.
- `Answer` / `AnswerItem`: the element-style answer (要素式答辩状), one item per element:
  无异议 / 有异议 with the reason and evidence files.
- `Finding`: the judge's finding (认定) on one element of one case, beside the plaintiff's claim
  and the defendant's answer; the found amounts feed the judgment computation.
- `Statement`: what was said at the hearing, in order (attendance, elements, questions, answers);
  the transcript is generated from these and the record.
- `Transcript` / `TranscriptSignature`: the 笔录 as generated and as edited by the clerk, signed
  by each participant with a one-time code.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Courtroom(models.Model):
    court = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="courtrooms",
        limit_choices_to={"kind": "court"},
        verbose_name="法院",
    )
    name = models.CharField("法庭名称", max_length=50)
    online = models.BooleanField("互联网法庭（在线庭审）", default=False)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "法庭"
        verbose_name_plural = "法庭"
        ordering = ["court", "name"]
        constraints = [
            models.UniqueConstraint(fields=["court", "name"], name="courtroom_name_once_per_court")
        ]

    def __str__(self) -> str:
        return self.name


class Period(models.TextChoices):
    MORNING = "am", "上午"
    AFTERNOON = "pm", "下午"


class SessionState(models.TextChoices):
    PLANNED = "planned", "已排期"
    HELD = "held", "已开庭"
    CANCELLED = "cancelled", "已取消"


LIVE_SESSION = ~Q(state=SessionState.CANCELLED)


class HearingSession(models.Model):
    """A half-day sitting: one judge, one courtroom, up to `capacity` cases of one series."""

    court = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    courtroom = models.ForeignKey(
        Courtroom, on_delete=models.PROTECT, related_name="sessions", verbose_name="法庭"
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="审判员"
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="书记员",
    )
    series = models.ForeignKey(
        "cases.Series", null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    day = models.DateField("开庭日期")
    period = models.CharField("时段", max_length=2, choices=Period.choices)
    starts_at = models.DateTimeField("开始时间")
    minutes_per_case = models.PositiveSmallIntegerField("每案分钟数")
    capacity = models.PositiveSmallIntegerField("本场案件数上限")
    online = models.BooleanField("在线庭审", default=False)
    join_url = models.URLField("在线庭审链接", max_length=300, blank=True)
    state = models.CharField(
        "状态", max_length=12, choices=SessionState.choices, default=SessionState.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "庭审场次"
        verbose_name_plural = "庭审场次"
        ordering = ["day", "period", "courtroom"]
        constraints = [
            models.UniqueConstraint(
                fields=["judge", "day", "period"],
                condition=LIVE_SESSION,
                name="judge_one_session_per_half_day",
            ),
            models.UniqueConstraint(
                fields=["courtroom", "day", "period"],
                condition=LIVE_SESSION,
                name="courtroom_one_session_per_half_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {Period(self.period).label} {self.courtroom}"


class HearingState(models.TextChoices):
    SCHEDULED = "scheduled", "已排期"
    HELD = "held", "已开庭"
    RESCHEDULED = "rescheduled", "已改期"
    CANCELLED = "cancelled", "已撤销"


LIVE_HEARING = Q(state__in=[HearingState.SCHEDULED, HearingState.HELD])


class Hearing(models.Model):
    """One case's hearing: its session, its time in it, and, once held, who attended."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="hearings")
    session = models.ForeignKey(HearingSession, on_delete=models.PROTECT, related_name="hearings")
    position = models.PositiveSmallIntegerField("场内顺序")
    starts_at = models.DateTimeField("开庭时间")
    state = models.CharField(
        "状态", max_length=12, choices=HearingState.choices, default=HearingState.SCHEDULED
    )
    reason = models.CharField("排期说明", max_length=300, blank=True)
    # The occasion of its summons (`issue_document(issued_for=...)`), e.g. "hearing:<id>".
    summons_for = models.CharField("传票签发事由", max_length=60, blank=True)
    claimant_present = models.BooleanField("原告到庭", null=True, blank=True)
    absent_party_ids = models.JSONField("未到庭当事人", default=list)
    default = models.BooleanField("缺席审理", default=False)
    held_at = models.DateTimeField("开庭时间（实际）", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "庭审"
        verbose_name_plural = "庭审"
        ordering = ["starts_at", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=LIVE_HEARING, name="one_live_hearing_per_case"
            ),
            models.UniqueConstraint(
                fields=["session", "position"],
                condition=LIVE_HEARING,
                name="one_case_per_session_position",
            ),
        ]


class AgentAuthority(models.TextChoices):
    GENERAL = "general", "一般授权"
    SPECIAL = "special", "特别授权"


class Agent(models.Model):
    """A lawyer acting for a party in one case (委托诉讼代理人, 民诉法 Arts. 61-62)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="agents")
    party = models.ForeignKey("cases.Party", on_delete=models.PROTECT, related_name="agents")
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agencies"
    )
    law_firm = models.CharField("律师事务所", max_length=200)
    authority = models.CharField("代理权限", max_length=10, choices=AgentAuthority.choices)
    power_of_attorney = models.ForeignKey(
        "documents.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="授权委托书",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "委托诉讼代理人"
        verbose_name_plural = "委托诉讼代理人"
        constraints = [
            models.UniqueConstraint(fields=["case", "party", "lawyer"], name="agent_once_per_party")
        ]


class AnswerPosition(models.TextChoices):
    NO_OBJECTION = "no_objection", "无异议"
    OBJECTION = "objection", "有异议"


class Answer(models.Model):
    """A defendant's element-style answer (要素式答辩状); a draft until submitted."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="answers")
    party = models.ForeignKey("cases.Party", on_delete=models.PROTECT, related_name="answers")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    agent = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.PROTECT, related_name="answers"
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    document = models.ForeignKey(
        "documents.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="答辩状",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "答辩"
        verbose_name_plural = "答辩"
        constraints = [
            models.UniqueConstraint(fields=["case", "party"], name="one_answer_per_party")
        ]


class AnswerItem(models.Model):
    """One element of an answer: the element key of `jiefen.cases.elements`, 无异议 / 有异议."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="items")
    key = models.CharField("要素", max_length=40)
    position = models.CharField("意见", max_length=14, choices=AnswerPosition.choices)
    reason = models.TextField("事实和理由", blank=True)
    # Ids of the `StoredDocument`s (kind `answer_evidence`) the party attached to this element.
    evidence = models.JSONField("证据", default=list)

    class Meta:
        verbose_name = "答辩要素"
        verbose_name_plural = "答辩要素"
        constraints = [
            models.UniqueConstraint(fields=["answer", "key"], name="answer_item_once_per_key")
        ]


class Finding(models.Model):
    """The judge's finding (认定) on one element of one case.

    `amounts` holds the found figures of an amount element, by claim component (`principal`,
    `interest`, `penalty_interest`, `compound_interest`, `fees`, `liquidated_damages`,
    `lawyer_fees`: yuan as strings); a component left out is found as claimed.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="findings")
    key = models.CharField("要素", max_length=40)
    label = models.CharField("要素名称", max_length=100)
    section = models.CharField("部分", max_length=10)
    claim_text = models.TextField("原告主张")
    answer_text = models.TextField("被告答辩")
    disputed = models.BooleanField("有争议", default=False)
    text = models.TextField("本院认定", blank=True)
    reasoning = models.TextField("认定理由", blank=True)
    amounts = models.JSONField("认定金额", default=dict)
    evidence = models.JSONField("证据", default=list)  # [{"document": id, "title": str}]
    confirmed = models.BooleanField("已认定", default=False)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    found_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "要素认定"
        verbose_name_plural = "要素认定"
        ordering = ["case", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="finding_once_per_element")
        ]


class StatementKind(models.TextChoices):
    ATTENDANCE = "attendance", "到庭情况"
    ELEMENT = "element", "要素核对"
    STATEMENT = "statement", "陈述"
    QUESTION = "question", "提问"
    ANSWER = "answer", "回答"
    CLOSING = "closing", "最后陈述"


class Statement(models.Model):
    """What one speaker said at the hearing, in order; typed or transcribed from audio."""

    class Source(models.TextChoices):
        TYPED = "typed", "书记员记录"
        SPEECH = "speech", "语音转写"
        RECORD = "record", "庭审记录生成"

    hearing = models.ForeignKey(Hearing, on_delete=models.PROTECT, related_name="statements")
    at = models.DateTimeField("时间")
    speaker = models.CharField("发言人", max_length=60)
    speaker_role = models.CharField("诉讼地位", max_length=20)
    kind = models.CharField("类型", max_length=12, choices=StatementKind.choices)
    element_key = models.CharField("要素", max_length=40, blank=True)
    text = models.TextField("内容")
    source = models.CharField("来源", max_length=8, choices=Source.choices, default=Source.TYPED)

    class Meta:
        verbose_name = "庭审发言"
        verbose_name_plural = "庭审发言"
        ordering = ["hearing", "at", "pk"]


class TranscriptState(models.TextChoices):
    DRAFT = "draft", "待校对"
    SIGNING = "signing", "待签名"
    SIGNED = "signed", "已签名"


class Transcript(models.Model):
    """The hearing transcript (庭审笔录): generated from the record, edited by the clerk."""

    hearing = models.OneToOneField(Hearing, on_delete=models.PROTECT, related_name="transcript")
    generated = models.TextField("系统生成文本")
    text = models.TextField("笔录文本")
    state = models.CharField(
        "状态", max_length=8, choices=TranscriptState.choices, default=TranscriptState.DRAFT
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    document = models.ForeignKey(
        "documents.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="签名笔录",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "庭审笔录"
        verbose_name_plural = "庭审笔录"


class TranscriptSignature(models.Model):
    """One participant's signature of the transcript, given with a one-time code."""

    transcript = models.ForeignKey(Transcript, on_delete=models.PROTECT, related_name="signatures")
    name = models.CharField("签名人", max_length=60)
    role = models.CharField("身份", max_length=20)
    party = models.ForeignKey(
        "cases.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    code_sha256 = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    sent_to = models.CharField("验证码发送至（脱敏）", max_length=60, blank=True)
    text_sha256 = models.CharField("所签文本 SHA-256", max_length=64, blank=True)
    signed_at = models.DateTimeField("签名时间", null=True, blank=True)

    class Meta:
        verbose_name = "笔录签名"
        verbose_name_plural = "笔录签名"
        constraints = [
            models.UniqueConstraint(
                fields=["transcript", "name", "role"], name="transcript_signer_once"
            )
        ]
