from __future__ import annotations


def canonical_username(request, credentials: dict) -> str | None:
    """Maps a login by phone number to the account's username, so both count as one lockout."""
    from accounts.models import User

    login = (credentials or {}).get("username") or ""
    # Same order as accounts.backends: a username first, then a mobile number.
    if (
        login.isascii()
        and login.isdigit()
        and len(login) == 11
        and not User.objects.filter(username=login).exists()
    ):
        username = User.objects.filter(mobile=login).values_list("username", flat=True).first()
        if username:
            return username
    return login
