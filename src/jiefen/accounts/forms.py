"""Login forms that say when an account is locked instead of "wrong password"."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from jiefen.accounts.backends import locked_message


class _LockoutMessage:
    def get_invalid_login_error(self) -> forms.ValidationError:
        message = locked_message(getattr(self, "request", None))
        if message:
            return forms.ValidationError(message, code="locked")
        return super().get_invalid_login_error()  # type: ignore[misc]


class StaffLoginForm(_LockoutMessage, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "用户名或密码不正确，请重新输入。",
    }


class AdminLoginForm(_LockoutMessage, AdminAuthenticationForm):
    pass
