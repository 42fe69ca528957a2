"""The permission matrix's entries of accounts: signing in and out, changing one's password."""

from __future__ import annotations

from tests.permissions.engine import Entry, everyone, logged_in, row, to

ENTRIES: dict[str, Entry] = {
    # a signed-in user is sent on from the login page
    "accounts:login": Entry("public", get=row(200, 302, 302, 302, 302, 302, 302), location=to("/")),
    "accounts:logout": Entry(
        "public", get=everyone(405), post=everyone(302), location=to("/accounts/login/")
    ),
    "accounts:password-change": Entry("login", get=logged_in(200)),
}
