"""Admin pages of the enforcement stage: read-only, since only the actions write its rows
(identifiers and ID numbers stay encrypted and are not searchable here)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jiefen.enforcement.models import (
    Application,
    Asset,
    Disbursement,
    Enforcement,
    Inquiry,
    Measure,
    Receipt,
    Settlement,
)


class _ReadOnly(admin.ModelAdmin[Any]):
    """Enforcement records are evidence: staff read them here and act through the pages."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(_ReadOnly):
    list_display = ("case", "title_kind", "amount", "state", "prepared_on", "submitted_on")
    list_filter = ("state", "title_kind")
    search_fields = ("case__case_number", "title_reference")


@admin.register(Enforcement)
class EnforcementAdmin(_ReadOnly):
    list_display = (
        "number",
        "case",
        "officer",
        "state",
        "filed_on",
        "applied_total",
        "received",
        "debt_outstanding",
        "closed_on",
        "next_inquiry_on",
    )
    list_filter = ("state", "title_kind")
    search_fields = ("number", "case__case_number")


@admin.register(Inquiry)
class InquiryAdmin(_ReadOnly):
    list_display = (
        "enforcement",
        "party",
        "requested_on",
        "reinquiry",
        "state",
        "request_reference",
    )
    list_filter = ("state", "reinquiry")
    search_fields = ("enforcement__number", "request_reference")


@admin.register(Asset)
class AssetAdmin(_ReadOnly):
    list_display = ("enforcement", "kind", "registry", "value", "matched", "frozen", "deducted")
    list_filter = ("kind", "matched")
    search_fields = ("enforcement__number",)


@admin.register(Measure)
class MeasureAdmin(_ReadOnly):
    list_display = ("enforcement", "kind", "party", "amount", "starts_on", "ends_on", "lifted_on")
    list_filter = ("kind",)
    search_fields = ("enforcement__number",)


@admin.register(Receipt)
class ReceiptAdmin(_ReadOnly):
    list_display = ("enforcement", "reference", "source", "received_on", "amount")
    list_filter = ("source",)
    search_fields = ("enforcement__number", "reference")


@admin.register(Disbursement)
class DisbursementAdmin(_ReadOnly):
    list_display = ("enforcement", "paid_on", "amount")
    search_fields = ("enforcement__number",)


@admin.register(Settlement)
class SettlementAdmin(_ReadOnly):
    list_display = ("enforcement", "agreed_on", "total", "state")
    list_filter = ("state",)
    search_fields = ("enforcement__number",)
