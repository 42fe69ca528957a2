"""The permission matrix's entries of the mediation figures page (merged into tests/mediation/permissions.py
ENTRIES as ``**FIGURES_ENTRIES``).

The figures name nobody: every signed-in user with a region sees its figures (VIEW on the region, through
regions.reports.report_scope, which answers 404 for a region out of scope: tests/mediation/
test_figures_page.py checks that, and the spreadsheet's ``?format=xlsx`` on the same URL)."""

from __future__ import annotations

from tests.permissions.engine import Entry, logged_in

FIGURES_ENTRIES = {
    "mediation:figures": Entry("login", get=logged_in(200)),
}
