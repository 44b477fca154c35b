"""Admin pages where a court administrator enters later law parameters (each edit audited)."""

from django.contrib import admin

from jiefen.audit.adminlog import AuditedAdmin
from jiefen.lawdata.models import (
    CourtLawPolicy,
    HolidayDay,
    HolidayYear,
    LprFixing,
    ProvincialWage,
)


@admin.register(LprFixing)
class LprFixingAdmin(AuditedAdmin[LprFixing]):
    list_display = ("effective_from", "lpr_1y", "lpr_5y", "reviewed", "note")
    date_hierarchy = "effective_from"


class HolidayDayInline(admin.TabularInline[HolidayDay, HolidayYear]):
    model = HolidayDay
    extra = 5


@admin.register(HolidayYear)
class HolidayYearAdmin(AuditedAdmin[HolidayYear]):
    list_display = ("year", "complete", "source", "reviewed")
    inlines = [HolidayDayInline]


@admin.register(ProvincialWage)
class ProvincialWageAdmin(AuditedAdmin[ProvincialWage]):
    list_display = ("province", "year", "amount", "threshold", "applies_from", "reviewed")
    list_filter = ("province",)


@admin.register(CourtLawPolicy)
class CourtLawPolicyAdmin(AuditedAdmin[CourtLawPolicy]):
    list_display = (
        "court",
        "fee_half_rounding",
        "hearing_lead_days",
        "instalment_grace_days",
        "session_cases",
        "minutes_per_case",
    )
