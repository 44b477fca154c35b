from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from jiefen.accounts import tokens
from jiefen.accounts.forms import AdminLoginForm
from jiefen.accounts.models import ApiToken, Organisation, User
from jiefen.audit.adminlog import AuditedAdmin
from jiefen.cases import access

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


class ApiTokenAddForm(forms.ModelForm[ApiToken]):
    days = forms.IntegerField(
        label="有效期（天）", initial=365, min_value=1, max_value=tokens.MAX_DAYS
    )

    class Meta:
        model = ApiToken
        fields = ["institution", "name"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = access.token_institutions()  # type: ignore[attr-defined]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """签发令牌 in the add form (the raw token shown once, as a message), revoke as an action.

    Tokens are never edited or deleted here: issuing and revoking are actions with their own
    audit records (`jiefen.accounts.tokens`), and a token's row is evidence of who could act.
    """

    list_display = [
        "prefix",
        "institution",
        "name",
        "expires_at",
        "revoked_at",
        "last_used_at",
        "created_by",
    ]
    list_filter = ["institution", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "institution__code", "institution__name"]
    actions = ["revoke_tokens"]
    readonly_fields = [
        "institution",
        "name",
        "prefix",
        "account",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
        "revoked_by",
        "last_used_at",
    ]
    exclude = ["key_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return access.may_manage_api_tokens(request.user)

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return access.may_manage_api_tokens(request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def get_form(
        self, request: HttpRequest, obj: ApiToken | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
            kwargs["fields"] = ["institution", "name", "days"]
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            return [(None, {"fields": ["institution", "name", "days"]})]
        return super().get_fieldsets(request, obj)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            return
        data = form.cleaned_data
        try:
            token, raw = tokens.issue(
                data["institution"], data["name"], by=_user(request), days=data["days"]
            )
        except tokens.TokenRefused as exc:
            raise PermissionDenied(str(exc)) from None
        # The admin carries on with `obj` (its history entry, the redirect): make it the token.
        for field in ApiToken._meta.concrete_fields:
            setattr(obj, field.attname, getattr(token, field.attname))
        obj._state.adding = False
        messages.warning(
            request,
            f"已签发令牌「{token.name}」。令牌只显示这一次，请立即复制并交给{token.institution.name}"
            f"的系统管理员（平台只保存其摘要）：{raw}",
        )

    @admin.action(description="吊销所选令牌", permissions=["revoke"])
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        done = []
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                tokens.revoke(token, by=_user(request))
            except tokens.TokenRefused as exc:
                messages.error(request, str(exc))
            else:
                done.append(token.prefix)
        if done:
            messages.success(request, f"已吊销 {len(done)} 个令牌：{'、'.join(done)}")
        else:
            messages.info(request, "所选令牌均已吊销，未作改动")


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None
