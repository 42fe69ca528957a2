from __future__ import annotations

import pghistory
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

mobile_validator = RegexValidator(r"^1[3-9][0-9]{9}$", "请输入11位手机号码。")


@pghistory.track(exclude=["password", "last_login"])
class User(AbstractUser):
    """A person who signs in: a cadre, official or administrator (用户).

    Logs in with a username or a mobile phone number. ``must_change_password`` is set
    whenever an administrator sets the password, so the first login forces a change.
    """

    first_name = None
    last_name = None
    real_name = models.CharField("姓名", max_length=50)
    mobile = models.CharField("手机号码", max_length=11, blank=True, validators=[mobile_validator])
    must_change_password = models.BooleanField("须修改密码", default=True)

    objects = UserManager()

    REQUIRED_FIELDS = ["real_name"]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.UniqueConstraint(
                fields=["mobile"],
                condition=~Q(mobile=""),
                name="accounts_user_unique_mobile",
                violation_error_message="该手机号码已被其他账号使用。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.real_name}（{self.username}）" if self.real_name else self.username

    def get_full_name(self) -> str:
        return self.real_name

    def get_short_name(self) -> str:
        return self.real_name

    @property
    def masked_mobile(self) -> str:
        return f"{self.mobile[:3]}****{self.mobile[-4:]}" if len(self.mobile) == 11 else self.mobile


class PasswordHistory(models.Model):
    """A password a user has had (历史密码), kept as its hash so that recent ones cannot be chosen again
    (等保 2.0 level 3). Written by accounts.validators.PasswordHistoryValidator whenever a password is saved,
    on every path (the change page, the admin, a reset, a new account); only the newest are kept.

    Not tracked by pghistory: the hashes stay out of the audit trail, as the user's password does.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="password_history", verbose_name="用户"
    )
    password = models.CharField("密码（哈希）", max_length=128)
    created_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_pwhistory_user_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
