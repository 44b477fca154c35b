"""Admin pages of the docket: where a court administrator sets the fee-collection account."""

from django.contrib import admin

from jiefen.audit.adminlog import AuditedAdmin
from jiefen.docket.models import FeeAccount


@admin.register(FeeAccount)
class FeeAccountAdmin(AuditedAdmin[FeeAccount]):
    list_display = ("court", "payee", "bank", "account", "updated_at")
    search_fields = ("court__name", "payee", "bank")
