from __future__ import annotations

import time

from django.conf import settings
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
