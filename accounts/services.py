"""Writes on accounts: creating users with a one-time initial password, changing passwords."""

from __future__ import annotations

import secrets
import string

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from accounts.models import User
from accounts.signals import password_changed, password_reset

INITIAL_PASSWORD_ALPHABET = string.ascii_letters + string.digits


def initial_password_generate() -> str:
    """A random password that satisfies the password rules (upper, lower, digit and a symbol)."""
    core = "".join(secrets.choice(INITIAL_PASSWORD_ALPHABET) for _ in range(9))
    return f"{secrets.choice(string.ascii_uppercase)}{secrets.choice(string.ascii_lowercase)}{core}{secrets.randbelow(10)}#"


@transaction.atomic
def user_create(
    *,
    username: str,
    real_name: str,
    mobile: str = "",
    password: str | None = None,
    must_change_password: bool = True,
) -> tuple[User, str]:
    """Creates a user with an initial password (generated when not given). Returns (user, password)."""
    password = password or initial_password_generate()
    user = User(
        username=username, real_name=real_name, mobile=mobile, must_change_password=must_change_password
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user, password


@transaction.atomic
def user_password_reset(*, user: User, actor=None, request=None) -> str:
    """An administrator resets a password: a new one-time password the user must change at login."""
    password = initial_password_generate()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    password_reset.send(sender=User, user=user, actor=actor, request=request)
    return password


def user_password_changed(*, user: User, request=None) -> User:
    """The user chose their own password: the first-login requirement is lifted, and it is logged."""
    password_changed.send(sender=User, user=user, actor=user, request=request)
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    return user
