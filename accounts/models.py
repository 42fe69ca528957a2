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
