from __future__ import annotations

import copy

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.validators import MaxLengthValidator

# Longer than any password a person types; hashing a megabyte-long "password" costs the server dearly.
PASSWORD_MAX = 128
PASSWORD_TOO_LONG = f"密码不能超过{PASSWORD_MAX}个字符。"


def limit_passwords(form_class: type[forms.BaseForm], *names: str) -> None:
    """Gives the password fields Django's forms declare without a limit one (and says so past it)."""
    for name in names:
        # A copy: the field objects are shared with Django's own form classes.
        field = form_class.base_fields[name] = copy.deepcopy(form_class.base_fields[name])
        field.max_length = PASSWORD_MAX
        field.validators.append(MaxLengthValidator(PASSWORD_MAX, PASSWORD_TOO_LONG))
        field.widget.attrs["maxlength"] = str(PASSWORD_MAX)


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="用户名或手机号",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label="密码",
        strip=False,
        max_length=PASSWORD_MAX,
        error_messages={"max_length": PASSWORD_TOO_LONG},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": "用户名或密码不正确。连续输错5次，账号将被锁定30分钟。",
        "inactive": "该账号已停用。",
    }


class ChinesePasswordChangeForm(PasswordChangeForm):
    error_messages = {
        "password_incorrect": "原密码不正确，请重新输入。",
        "password_mismatch": "两次输入的新密码不一致。",
        "password_unchanged": "新密码不能与原密码相同。",
    }

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("new_password1")
        if new and new == cleaned.get("old_password"):
            self.add_error(
                "new_password1",
                forms.ValidationError(self.error_messages["password_unchanged"], code="password_unchanged"),
            )
        return cleaned


limit_passwords(ChinesePasswordChangeForm, "old_password", "new_password1", "new_password2")


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login with the portal's username limit: Django's form sets ``max_length`` after the field
    is built, which adds no validator, so a 100,000-character name reached the lockout log (255 characters)."""

    username = LoginForm.base_fields["username"]


limit_passwords(AdminLoginForm, "password")
