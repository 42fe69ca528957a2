"""The permission matrix's entries of core (the shell): the health check."""

from __future__ import annotations

from tests.permissions.engine import Entry, everyone

ENTRIES: dict[str, Entry] = {
    "healthz": Entry("public", get=everyone(200)),
}
