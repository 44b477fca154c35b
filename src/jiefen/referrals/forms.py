"""Forms of the referral and intervention desks: open a referral, the judge's decision, the
agency's answer, the dismissal after the police filed, a reported fraud contact and an
intervention's outcome.

Only the shape of the input is checked here (a chosen value, a non-blank text, a known agency);
whether the step is allowed (role, scope, state, the case's stage) is the action's decision, whose
Chinese refusal the page shows beside the form.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from jiefen.accounts.models import Organisation, OrganisationKind, Role, User
from jiefen.cases.models import ContactKind
from jiefen.referrals.models import Answer, Ground, InterventionOutcome, Outcome
from jiefen.risk.models import WarningKind

# A warning of these kinds pre-ticks the ground of the same name (docs/risk.md, docs/referrals.md).
WARNING_GROUNDS: dict[str, str] = {
    WarningKind.WITHHELD_INTEREST: Ground.WITHHELD_INTEREST,
    WarningKind.EFFECTIVE_RATE: Ground.EFFECTIVE_RATE,
    WarningKind.SERIAL_LOANS: Ground.SERIAL_LOANS,
    WarningKind.PROFESSIONAL_LENDER: Ground.PROFESSIONAL_LENDER,
    WarningKind.IDENTITY_MISUSE: Ground.IDENTITY_MISUSE,
    WarningKind.FRAUD_CONTACT: Ground.FRAUD_CONTACT,
}

# Contacts the anti-fraud notices name: numbers and addresses (the contact graph's kinds).
REPORTED_KINDS = [
    (ContactKind.MOBILE.value, ContactKind.MOBILE.label),
    (ContactKind.ADDRESS.value, ContactKind.ADDRESS.label),
]


def agencies() -> QuerySet[Organisation]:
    """The partner agencies a matter may be sent to: 公安机关 and 人民检察院."""
    return Organisation.objects.filter(
        kind__in=[OrganisationKind.POLICE, OrganisationKind.PROCURATORATE]
    ).order_by("kind", "name")


class _AgencyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name}（{obj.get_kind_display()}）"


class _JudgeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class _CourtChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class OpenForm(forms.Form):
    """A referral's grounds and facts, where it goes, and who decides it (when no filed case of
    it has a judge yet: pre-filing cases of a mediator or a warning)."""

    court = _CourtChoice(
        queryset=Organisation.objects.none(),
        label="移送法院",
        required=False,
        empty_label="请选择",
        error_messages={"invalid_choice": "所选法院不在本预警的相关案件范围内"},
    )
    grounds = forms.MultipleChoiceField(
        label="移送理由",
        choices=Ground.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "请至少选择一项移送理由",
            "invalid_choice": "移送理由「%(value)s」不存在",
        },
    )
    statement = forms.CharField(
        label="涉嫌犯罪的事实",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "请填写涉嫌犯罪的事实（依据的数据、涉及的案件）",
            "max_length": "事实说明过长（上限 %(limit_value)d 字）",
        },
    )
    agency = _AgencyChoice(
        queryset=Organisation.objects.none(),
        label="接收机关",
        empty_label="请选择",
        error_messages={
            "required": "请选择接收移送的公安机关或人民检察院",
            "invalid_choice": "所选接收机关不是公安机关或人民检察院",
        },
    )
    judge = _JudgeChoice(
        queryset=User.objects.none(),
        label="承办法官",
        required=False,
        empty_label="请选择",
        error_messages={"invalid_choice": "所选法官不是本院在职法官"},
    )

    def __init__(
        self,
        *args: Any,
        courts: QuerySet[Organisation],
        judged_courts: set[int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.courts = list(courts)
        self.judged_courts = judged_courts
        self.needs_court = len(self.courts) > 1
        # One court: it is the referral's; several (a warning): the user chooses (clean()).
        self.chosen_court: Organisation | None = (
            None if self.needs_court else next(iter(self.courts), None)
        )
        # The judge is asked for only where no case of the court has one yet.
        self.needs_judge = any(c.pk not in judged_courts for c in self.courts)
        self.fields["agency"].queryset = agencies()  # type: ignore[attr-defined]
        self.fields["court"].queryset = courts  # type: ignore[attr-defined]
        self.fields["judge"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            role=Role.JUDGE, organisation__in=[c.pk for c in self.courts], is_active=True
        ).order_by("full_name", "username")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.needs_court:
            if not data.get("court"):
                if "court" not in self.errors:
                    self.add_error("court", "相关案件分属多个法院，请选择向哪个法院的案件提起移送")
                return data
            self.chosen_court = data["court"]
        court = self.chosen_court
        judge = data.get("judge")
        if court is None:
            return data
        if judge is None and court.pk not in self.judged_courts and "judge" not in self.errors:
            self.add_error("judge", "所选案件尚无承办法官，请指定审查移送的法官")
        if judge is not None and judge.organisation_id != court.pk:
            self.add_error("judge", "所选法官不是该案件所在法院的法官")
        return data


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label="民事案件处理",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择对民事案件的处理", "invalid_choice": "处理方式不存在"},
    )
    reason = forms.CharField(
        label="审查意见",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "请填写审查意见（认定的事实与适用的规定）",
            "max_length": "审查意见过长（上限 %(limit_value)d 字）",
        },
    )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="答复结果",
        choices=Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择立案或不立案", "invalid_choice": "答复结果不存在"},
    )
    number = forms.CharField(
        label="文书文号",
        max_length=60,
        error_messages={
            "required": "请填写立案决定书或不予立案通知书的文号",
            "max_length": "文号过长（上限 %(limit_value)d 字）",
        },
    )
    note = forms.CharField(
        label="说明",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "说明过长（上限 %(limit_value)d 字）"},
    )


class DismissForm(forms.Form):
    reason = forms.CharField(
        label="裁定理由",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "裁定理由过长（上限 %(limit_value)d 字）"},
    )


class ContactForm(forms.Form):
    kind = forms.ChoiceField(
        label="类型",
        choices=REPORTED_KINDS,
        error_messages={"required": "请选择类型", "invalid_choice": "类型只能是手机或地址"},
    )
    value = forms.CharField(
        label="号码或地址",
        max_length=200,
        error_messages={
            "required": "请填写涉诈手机号码或地址",
            "max_length": "内容过长（上限 %(limit_value)d 字）",
        },
    )
    note = forms.CharField(
        label="来源说明",
        max_length=200,
        required=False,
        error_messages={"max_length": "来源说明过长（上限 %(limit_value)d 字）"},
    )
    on = forms.DateField(
        label="通报日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写通报日期", "invalid": "通报日期格式不正确"},
    )

    def clean_on(self) -> date:
        on: date = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError("通报日期不能晚于今天")
        return on


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="处置结果",
        choices=InterventionOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择处置结果", "invalid_choice": "处置结果不存在"},
    )
    note = forms.CharField(
        label="情况说明",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "请填写情况说明（联系时间、方式、借款人的答复）",
            "max_length": "情况说明过长（上限 %(limit_value)d 字）",
        },
    )
