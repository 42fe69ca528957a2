from __future__ import annotations

import string

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

CLASSES = (
    ("大写字母", set(string.ascii_uppercase)),
    ("小写字母", set(string.ascii_lowercase)),
    ("数字", set(string.digits)),
    ("符号", set(string.punctuation + " ")),
)


class CharacterClassValidator:
    """Requires characters from at least ``min_classes`` of: upper, lower, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        present = sum(1 for _, chars in CLASSES if any(c in chars for c in password))
        if present < self.min_classes:
            raise ValidationError(
                "密码须包含大写字母、小写字母、数字、符号中的至少%(n)d类。",
                code="password_too_simple",
                params={"n": self.min_classes},
            )

    def get_help_text(self) -> str:
        return f"至少8位，并包含大写字母、小写字母、数字、符号中的至少{self.min_classes}类。"


PASSWORD_REUSED = "新密码不能与最近使用过的%(n)d个密码相同，请换一个。"


class PasswordHistoryValidator:
    """Refuses the current password and the ``remember`` passwords before it (等保 2.0 level 3).

    Django calls ``password_changed`` after every save of a new password, on every path (the change page,
    the admin, a reset, a new account), so the history is recorded in one place: the hash of each password
    set, the newest ``remember + 1`` kept (the current one and the ``remember`` before it). Each check is a
    full hash, so a change costs at most ``remember + 1`` hashings.
    """

    def __init__(self, remember: int = 5) -> None:
        self.remember = remember

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return  # a new account has no history
        from accounts.models import PasswordHistory

        recent = list(
            PasswordHistory.objects.filter(user_id=user.pk)
            .order_by("-pk")  # insertion order: a clock set back cannot reorder the history
            .values_list("password", flat=True)[: self.remember + 1]
        )
        # The current password, also when it predates the history (set before this rule).
        hashes = dict.fromkeys([user.password, *recent])
        if any(encoded and check_password(password, encoded) for encoded in hashes):
            raise ValidationError(PASSWORD_REUSED, code="password_reused", params={"n": self.remember})

    def password_changed(self, password: str, user=None) -> None:
        if user is None or user.pk is None or not user.password:
            return
        from accounts.models import PasswordHistory

        history = PasswordHistory.objects.filter(user_id=user.pk).order_by("-pk")
        latest = history.first()
        if latest is not None and check_password(password, latest.password):
            # The same password saved again without the rules (seed_demo re-run): one entry, not a second place.
            latest.password = user.password
            latest.save(update_fields=["password"])
            return
        PasswordHistory.objects.create(user_id=user.pk, password=user.password)
        stale = history[self.remember + 1 :]
        PasswordHistory.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()

    def get_help_text(self) -> str:
        return f"不能与最近使用过的{self.remember}个密码相同。"
