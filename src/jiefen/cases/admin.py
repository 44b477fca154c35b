from django.contrib import admin

from jiefen.audit.adminlog import AuditedAdmin
from jiefen.cases.models import Case, CaseEvent, Party, Series


@admin.register(Case)
class CaseAdmin(AuditedAdmin[Case]):
    """Read-mostly: case state changes go through actions, not the admin form."""

    list_display = [
        "id",
        "case_number",
        "mediation_number",
        "contract_number",
        "case_type",
        "state",
        "institution",
        "claim_total",
    ]
    list_filter = ["state", "case_type", "institution", "court"]
    search_fields = ["case_number", "mediation_number", "contract_number"]
    readonly_fields = [f.name for f in Case._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Series)
class SeriesAdmin(AuditedAdmin[Series]):
    list_display = ["id", "institution", "court", "case_type", "product"]


@admin.register(Party)
class PartyAdmin(AuditedAdmin[Party]):
    list_display = ["id", "name", "kind", "masked_id_number"]
    search_fields = ["name"]
    exclude = ["id_number"]


@admin.register(CaseEvent)
class CaseEventAdmin(AuditedAdmin[CaseEvent]):
    list_display = ["case", "transition", "from_state", "to_state", "actor", "at"]
