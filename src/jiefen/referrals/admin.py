"""Admin pages of the referrals stage: read-only, since only the actions write its rows."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jiefen.referrals.models import (
    IdentityReport,
    Intervention,
    Referral,
    ReferralCase,
    ReportedContact,
)


class _ReadOnly(admin.ModelAdmin[Any]):
    """Referrals, reports and interventions are evidence of what the court and its partners
    did (each step audited): staff act through the referral and intervention desks."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _ReferralCaseInline(admin.TabularInline[ReferralCase, Referral]):
    model = ReferralCase
    fields = ("case", "state_at_referral", "outcome")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Referral)
class ReferralAdmin(_ReadOnly):
    list_display = ("__str__", "court", "agency", "judge", "source", "state", "outcome", "sent_on")
    list_filter = ("state", "outcome", "source")
    search_fields = ("number", "statement", "answer_number")
    inlines = [_ReferralCaseInline]


@admin.register(ReferralCase)
class ReferralCaseAdmin(_ReadOnly):
    list_display = ("referral", "case", "state_at_referral", "outcome")
    list_filter = ("outcome",)


@admin.register(IdentityReport)
class IdentityReportAdmin(_ReadOnly):
    list_display = ("case", "party", "source", "reported_by", "reported_at")
    list_filter = ("source",)


@admin.register(ReportedContact)
class ReportedContactAdmin(_ReadOnly):
    # The blind index stays out of the page: only the masked form is shown.
    list_display = ("kind", "shown", "note", "reported_on", "reported_by")
    list_filter = ("kind",)
    exclude = ("value_index",)


@admin.register(Intervention)
class InterventionAdmin(_ReadOnly):
    list_display = ("warning", "party", "assignee_org", "outcome", "done_by", "done_at")
    list_filter = ("outcome",)
