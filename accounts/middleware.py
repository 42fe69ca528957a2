from __future__ import annotations

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
