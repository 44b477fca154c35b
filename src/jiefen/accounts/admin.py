from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from jiefen.accounts.forms import AdminLoginForm
from jiefen.accounts.models import Organisation, User
from jiefen.audit.adminlog import AuditedAdmin

# The admin login goes through the same lockout and says so when it refuses.
admin.site.login_form = AdminLoginForm


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin[Organisation]):
    list_display = ["code", "name", "kind", "court_code", "institution_kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(User)
class JiefenUserAdmin(AuditedAdmin[User], UserAdmin):
    list_display = ["username", "full_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("角色", {"fields": ("role", "full_name", "organisation", "law_firm", "party")}),
    )
