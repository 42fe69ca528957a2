from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.signals import password_changed, password_reset
from audit.services import auth_event_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    auth_event_record(kind="login", request=request, user=user, username=user.get_username())


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        auth_event_record(kind="logout", request=request, user=user, username=user.get_username())


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    auth_event_record(kind="login_failed", request=request, username=(credentials or {}).get("username", ""))


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    auth_event_record(kind="locked_out", request=request, username=username or "")


@receiver(password_changed)
def _password_changed(sender, user, actor, request=None, **kwargs) -> None:
    auth_event_record(
        kind="password_changed", request=request, user=user, username=user.get_username(), actor=actor
    )


@receiver(password_reset)
def _password_reset(sender, user, actor, request=None, **kwargs) -> None:
    auth_event_record(
        kind="password_reset", request=request, user=user, username=user.get_username(), actor=actor
    )
