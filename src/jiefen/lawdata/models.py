"""Rows a court administrator adds to the law parameters without a release.

The shipped YAML in ``jiefen/law/parameters/`` is the baseline; these tables hold what
came later: LPR fixings after the last shipped one, the holiday arrangement of a new
year (国务院办公厅关于部分节假日安排的通知), and the wage figure each high court
announces for the small-claims threshold. ``selectors.current_parameters()`` merges
them into the law ``Parameters``; every ``clean()`` runs the same strict checks, so
a row that contradicts the baseline is refused in the admin form.

``CourtLawPolicy`` holds a court's choices where the law leaves one (legal-rules.md
[practice]): whether its fees are whole yuan, how long after filing it sets hearings,
its default instalment grace period, and how its hearing sessions run (cases per half-day
session, minutes per case, morning and afternoon start). A court without a row uses the defaults of
``jiefen.law`` (docs/law.md).
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from jiefen.law import LawError
from jiefen.law.fees import HalfRounding
from jiefen.law.parameters import HolidayDay as LawHolidayDay
from jiefen.law.parameters import HolidayYear as LawHolidayYear
from jiefen.law.parameters import LprFixing as LawLprFixing
from jiefen.law.parameters import WageFigure as LawWageFigure
from jiefen.law.parameters import load_parameters
from jiefen.law.timelines import (
    DEFAULT_HEARING_LEAD_DAYS,
    DEFAULT_INSTALMENT_GRACE_DAYS,
    MAX_HEARING_LEAD_DAYS,
    minimum_hearing_lead_days,
)


def _province_choices() -> list[tuple[str, str]]:
    return [(p.name, f"{p.name}（{p.abbreviation}）") for p in load_parameters().provinces]


def _check(**extra: object) -> None:
    try:
        load_parameters().with_extra(source="this entry", **extra)  # type: ignore[arg-type]
    except LawError as exc:
        raise ValidationError(str(exc)) from exc


class LprFixing(models.Model):
    """A loan prime rate fixing published after the shipped table (中国人民银行授权全国银行间同业拆借中心公布)."""

    effective_from = models.DateField("生效日期 (publication date)", unique=True)
    lpr_1y = models.DecimalField(
        "1年期LPR (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    lpr_5y = models.DecimalField(
        "5年期以上LPR (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    reviewed = models.DateField("核对日期 (table complete through)")
    note = models.CharField("备注", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = "LPR报价"
        verbose_name_plural = "LPR报价"

    def __str__(self) -> str:
        return f"LPR {self.effective_from}: {self.lpr_1y}% / {self.lpr_5y}%"

    def to_law(self) -> LawLprFixing:
        return LawLprFixing(
            effective_from=self.effective_from,
            lpr_1y=self.lpr_1y,
            lpr_5y=self.lpr_5y,
            reviewed=self.reviewed,
            source="admin",
            note=self.note,
        )

    def clean(self) -> None:
        if self.effective_from and self.reviewed and self.lpr_1y and self.lpr_5y:
            _check(lpr=[self.to_law()])


class HolidayYear(models.Model):
    """The holiday arrangement of one year. Dates of an incomplete year raise an error."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    complete = models.BooleanField(
        "已完整录入",
        default=False,
        help_text="Tick only when every holiday and make-up working day is entered.",
    )
    source = models.CharField(
        "来源", max_length=200, blank=True, help_text="e.g. 国办发明电〔2026〕X号"
    )
    reviewed = models.DateField("核对日期", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = "节假日年度安排"
        verbose_name_plural = "节假日年度安排"

    def __str__(self) -> str:
        return f"{self.year}{'' if self.complete else '（未完成）'}"

    def clean(self) -> None:
        if self.complete and not self.source:
            raise ValidationError(
                {"source": "A complete year needs its source (the State Council notice)."}
            )

    def to_law(self, *, with_days: bool = True) -> LawHolidayYear:
        days = tuple(d.to_law() for d in self.days.all()) if with_days else ()
        return LawHolidayYear(
            year=self.year,
            complete=self.complete,
            source=self.source,
            reviewed=self.reviewed,
            days=days,
        )


class HolidayDay(models.Model):
    """One day differing from the Monday–Friday rule: a holiday or a make-up working day."""

    year = models.ForeignKey(
        HolidayYear, on_delete=models.CASCADE, related_name="days", verbose_name="年份"
    )
    day = models.DateField("日期", unique=True)
    is_holiday = models.BooleanField(
        "放假", help_text="Ticked: holiday. Unticked: make-up working day (调休上班)."
    )
    name = models.CharField("节日", max_length=50, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = "节假日/调休日"
        verbose_name_plural = "节假日/调休日"

    def __str__(self) -> str:
        return f"{self.day} {'休' if self.is_holiday else '班'} {self.name}"

    def to_law(self) -> LawHolidayDay:
        return LawHolidayDay(day=self.day, is_holiday=self.is_holiday, name=self.name)

    def clean(self) -> None:
        if self.day and self.year_id and self.day.year != self.year.year:
            raise ValidationError({"day": f"{self.day} is not in {self.year.year}."})
        if self.day is not None and self.is_holiday is not None:
            _check(holidays=[self.to_law()])


class ProvincialWage(models.Model):
    """Average annual wage of employed persons of a province (small-claims threshold)."""

    province = models.CharField("省份", max_length=20, choices=_province_choices)
    year = models.PositiveSmallIntegerField("工资年度")
    amount = models.DecimalField(
        "年平均工资 (元)",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1"))],
    )
    applies_from = models.DateField(
        "适用起始日", help_text="Date the province's courts start using the figure."
    )
    threshold = models.DecimalField(
        "公布的小额诉讼标的额 (元)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Only if the high court announced its own rounded figure.",
    )
    source = models.CharField("来源", max_length=300)
    reviewed = models.DateField("核对日期")
    note = models.CharField("备注", max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["province", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="lawdata_wage_province_year")
        ]
        verbose_name = "省份年平均工资"
        verbose_name_plural = "省份年平均工资"

    def __str__(self) -> str:
        return f"{self.province} {self.year}: {self.amount}"

    def to_law(self) -> LawWageFigure:
        return LawWageFigure(
            province=self.province,
            year=self.year,
            amount=self.amount,
            applies_from=self.applies_from,
            source=self.source,
            reviewed=self.reviewed,
            threshold=self.threshold,
            note=self.note,
        )

    def clean(self) -> None:
        if self.province and self.year and self.amount and self.applies_from and self.reviewed:
            _check(wages=[self.to_law()])


class CourtLawPolicy(models.Model):
    """A court's choices where the law leaves one; defaults as in docs/law.md."""

    HALF_ROUNDING_CHOICES = [
        (HalfRounding.KEEP_HALF_YUAN.value, "保留角分（减半后可为×.50元，申请费计至分）"),
        (HalfRounding.WHOLE_YUAN.value, "一律取整到元（减半后再取整，申请费取整到元）"),
    ]

    court = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="law_policy",
        limit_choices_to={"kind": "court"},
        verbose_name="法院",
    )
    fee_half_rounding = models.CharField(
        "应交诉讼费是否取整到元",
        max_length=16,
        choices=HALF_ROUNDING_CHOICES,
        default=HalfRounding.KEEP_HALF_YUAN.value,
        help_text=(
            "《诉讼费用交纳办法》未规定取整。先取整后减半时（如2769元减半），"
            "有的法院减半后再取整到元（1385元），有的保留五角（1384.50元）。"
            "选择“一律取整到元”后，受理费、支付令申请费、保全费、执行费均不出现角、分；"
            "此时“诉讼费取整规则”不能为“保留到分”。默认：保留角分。"
        ),
    )
    hearing_lead_days = models.PositiveSmallIntegerField(
        "立案后排期开庭天数",
        default=DEFAULT_HEARING_LEAD_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HEARING_LEAD_DAYS)],
        help_text=(
            f"立案之日起第几日起安排开庭（默认{DEFAULT_HEARING_LEAD_DAYS}日：送达5日、"
            "答辩期15日、举证期15日）。不得短于法定最短期间：立案后5日内送达起诉状副本、"
            "答辩期15日（民诉法第一百二十八条）及举证期限；期间届满日遇节假日顺延，"
            "开庭日总在其后的工作日。"
        ),
    )
    instalment_grace_days = models.PositiveSmallIntegerField(
        "分期履行逾期宽限天数（默认）",
        default=DEFAULT_INSTALMENT_GRACE_DAYS,
        validators=[MaxValueValidator(90)],
        help_text=(
            "调解协议中“任何一期逾期超过N日的，剩余款项视为到期”的N。"
            "申请人的预设和解规则另有约定的，按其约定。"
            f"默认{DEFAULT_INSTALMENT_GRACE_DAYS}日。"
        ),
    )
    session_cases = models.PositiveSmallIntegerField(
        "每场庭审案件数",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(300)],
        help_text="要素式庭审一个半天场次最多审理的同一系列案件数。默认30件。",
    )
    minutes_per_case = models.PositiveSmallIntegerField(
        "每案庭审分钟数",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text="场内每案排定的时长，决定各案开庭时间。默认6分钟。",
    )
    morning_start = models.TimeField(
        "上午开庭时间", default=time(9, 0), help_text="上午场次的开始时间。默认9:00。"
    )
    afternoon_start = models.TimeField(
        "下午开庭时间", default=time(14, 30), help_text="下午场次的开始时间。默认14:30。"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "法院规则政策"
        verbose_name_plural = "法院规则政策"

    def __str__(self) -> str:
        return f"{self.court}的规则政策"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        court = self.court if self.court_id else None
        if court is not None and court.kind != "court":
            errors["court"] = "只能为法院设置规则政策。"
        if (
            court is not None
            and self.fee_half_rounding == HalfRounding.WHOLE_YUAN.value
            and court.fee_rounding == "fen"
        ):
            errors["fee_half_rounding"] = (
                "本院“诉讼费取整规则”为“保留到分”，与“一律取整到元”矛盾："
                "请先在机构设置中改为“四舍五入到元”或“舍去角分”。"
            )
        if self.hearing_lead_days:
            minimum = max(
                minimum_hearing_lead_days(p, as_of=timezone.localdate())
                for p in ("ordinary", "summary", "small_claims")
            )
            if self.hearing_lead_days < minimum:
                errors["hearing_lead_days"] = (
                    f"不得少于{minimum}日：起诉状副本在立案后5日内送达，"
                    "答辩期和举证期限自送达起算（民诉法第一百二十八条；民诉解释第九十九条）。"
                )
        if errors:
            raise ValidationError(errors)
