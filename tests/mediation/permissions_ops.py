"""Permission-matrix entries of the mediation system's operations part (the 积案 list), merged into
tests/mediation/permissions.py's ENTRIES as ``ENTRIES.update(OPS_ENTRIES)``.

The list needs VIEW_DISPUTES somewhere (403 otherwise) and shows only what the user may see: the
village's secretary and grid worker see their village's, the superuser everything; the township and
county organisation officers hold no mediation permission.
"""

from __future__ import annotations

from tests.permissions.engine import Entry, row

OPS_ENTRIES = {
    # anonymous, village_a1_readonly, village_a1_clerk, township_a_officer, township_b_officer,
    # county_admin, sysadmin
    "mediation:backlog": Entry("login", row(302, 200, 200, 403, 403, 403, 200)),
}
