"""Back-office settings of mediation: mediators' availability and duty roster, conflicts.

Cases, offers, agreements and signatures are evidence written by actions, so they are not
editable here. Every edit here is audited (jiefen.audit.adminlog).
"""

from django.contrib import admin

from jiefen.audit.adminlog import AuditedAdmin
from jiefen.mediation.models import Conflict, MediatorProfile, SettlementRule


@admin.register(MediatorProfile)
class MediatorProfileAdmin(AuditedAdmin[MediatorProfile]):
    list_display = ["user", "available", "capacity", "duty_weekdays", "roster_position"]
    list_editable = ["available", "capacity", "duty_weekdays", "roster_position"]
    list_filter = ["available"]


@admin.register(Conflict)
class ConflictAdmin(AuditedAdmin[Conflict]):
    list_display = ["mediator", "institution", "reason"]
    list_filter = ["institution"]


@admin.register(SettlementRule)
class SettlementRuleAdmin(AuditedAdmin[SettlementRule]):
    list_display = ["id", "institution", "series"]

    def has_change_permission(self, request, obj=None):
        return False
