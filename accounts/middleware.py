from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

ALLOWED_WHILE_CHANGING = ("accounts:password-change", "accounts:logout")


class PasswordChangeRequiredMiddleware:
    """Sends a user whose password was set by an administrator to the change page first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse(name) for name in ALLOWED_WHILE_CHANGING}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("accounts:password-change")
        return self.get_response(request)


SESSION_REFRESHED = "_refreshed"


class SlidingSessionMiddleware:
    """Idle sessions end after SESSION_COOKIE_AGE; activity slides the expiry, at most once a minute.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) would write to the database on every
    page view; refreshing once per SESSION_REFRESH_SECONDS keeps the idle timeout (within that margin)
    at a fraction of the writes. Must come after the session and authentication middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            now = int(time.time())
            if now - session.get(SESSION_REFRESHED, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[SESSION_REFRESHED] = now  # marks the session modified: saved with a new expiry
        return self.get_response(request)


SESSION_LOGIN_AT = "_login_at"
SESSION_TOO_OLD = "登录已满12小时，为保护信息安全，请重新登录。"


def session_login_time_record(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: the session remembers when its user signed in (every login path: the login
    page, the admin's, a test client's force_login)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LOGIN_AT] = int(time.time())


class AbsoluteSessionLifetimeMiddleware:
    """A session ends SESSION_ABSOLUTE_AGE seconds after sign-in, however active (等保 2.0 level 3), besides
    the idle timeout: a session left open on a service center's shared PC does not last for days.

    The user is signed out and the request goes on as anonymous, so a signed-in page redirects to the login
    page, which shows why. A session from before this rule (no sign-in time) is counted from its next
    request. Must come after the session, authentication and message middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            login_at = request.session.get(SESSION_LOGIN_AT)
            if login_at is None:
                request.session[SESSION_LOGIN_AT] = now
            elif now - login_at >= settings.SESSION_ABSOLUTE_AGE:
                logout(request)
                messages.warning(request, SESSION_TOO_OLD)
        return self.get_response(request)
