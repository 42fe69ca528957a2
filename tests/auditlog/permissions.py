"""The permission matrix's entries of auditlog: the audit log and the sign-in log need VIEW_AUDIT (the county
organization department and the system administrator hold it)."""

from __future__ import annotations

from tests.permissions.engine import Entry, row

VIEW_AUDIT = row(302, 403, 403, 403, 403, 200, 200)

ENTRIES: dict[str, Entry] = {
    "auditlog:event-list": Entry("login", get=VIEW_AUDIT),
    "auditlog:auth-event-list": Entry("login", get=VIEW_AUDIT),
}
