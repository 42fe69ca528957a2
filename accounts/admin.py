from __future__ import annotations

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group

from accounts.forms import AdminLoginForm, limit_passwords
from accounts.models import User

# Hidden from the admin:
# - groups: a role is a post (职务) on a region, granted through regions.services; a group's permissions
#   would hold everywhere, outside the region scoping;
# - axes' access log and failure log: the portal's own 登录日志 (audit.AuthEvent) records every login,
#   failure and lockout, in Chinese and scoped to the viewer's county.
# What remains of axes is the failure count behind a lockout: deleting a row unlocks that login.
admin.site.unregister(Group)
admin.site.unregister(AccessLog)
admin.site.unregister(AccessFailureLog)
admin.site.unregister(AccessAttempt)
admin.site.login_form = AdminLoginForm


@admin.register(AccessAttempt)
class LoginLockoutAdmin(AccessAttemptAdmin):
    """axes' admin with Chinese column names (its computed columns take their titles from method names)."""

    @admin.display(description="状态")
    def status(self, obj: AccessAttempt) -> str:
        left = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        return f"再错{left}次锁定" if left > 0 else "已锁定"

    @admin.display(description="解锁时间")
    def expiration(self, obj: AccessAttempt):
        return super().expiration(obj)


class InitialPasswordChangeForm(AdminPasswordChangeForm):
    """A password set by an administrator is an initial one: the user must change it at next login."""

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit=commit)


limit_passwords(InitialPasswordChangeForm, "password1", "password2")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    change_password_form = InitialPasswordChangeForm
    list_display = ("username", "real_name", "mobile", "is_active", "is_staff")
    search_fields = ("username", "real_name", "mobile")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("real_name", "mobile", "email")}),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser", "must_change_password")}),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "real_name", "mobile", "password1", "password2")},
        ),
    )
