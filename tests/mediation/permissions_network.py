"""The permission matrix's entries of the mediation network (grids, committees, the overview), for
tests/mediation/permissions.py to merge: ``NETWORK_ENTRIES`` into its ENTRIES, and ``build_network_side``
called from its ``build_side``.

A side gets a grid (its village's only grid: the whole village, so that later grid posts of other builders
still find their default grid) and a committee in office with a chair. The network is kept by the village's
cadres (the clerk, for A1), the township's 司法所 and the county's 政法委 (none in the matrix's roles) and
the system administrator; everyone else who sees the village may read its pages (403 on writes).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from mediation.models import CommitteePosition, Gender
from mediation.services.network import committee_member_add, committee_term_start, grid_create
from regions.models import Grid
from regions.services.posts import WHOLE_VILLAGE_GRID
from tests.permissions.engine import BOTH, SCOPE, Ctx, Entry, Side, code_of, logged_in, pk_of, row, to_url


def build_network_side(ctx: Ctx, side: Side) -> None:
    village = side.region
    grids = list(Grid.objects.filter(village=village, is_active=True)[:2])
    grid = grids[0] if len(grids) == 1 else grid_create(actor=None, village=village, name=WHOLE_VILLAGE_GRID)
    committee = committee_term_start(
        actor=None, region=village, name="", term_starts_on=timezone.localdate() - dt.timedelta(days=30)
    )
    member = committee_member_add(
        actor=None,
        committee=committee,
        name="矩阵主任",
        gender=Gender.FEMALE,
        position=CommitteePosition.CHAIR,
        started_on=committee.term_starts_on,
    )
    side.add(net_grid=grid, net_committee=committee, net_member=member)


VIEWS = row(302, SCOPE, SCOPE, SCOPE, SCOPE, SCOPE, BOTH)
# MANAGE_MEDIATION_NETWORK: of the matrix's roles only the clerk (村党组织书记) and the superuser hold it.
MANAGES = row(302, (403, 404), SCOPE, (403, 404), (403, 404), (403, 404), BOTH)
MANAGES_REDIRECT = row(302, (403, 404), (302, 404), (403, 404), (403, 404), (403, 404), (302, 302))
to_grids = to_url("mediation:grid-list", code="region.code")
to_committee = to_url("mediation:committee", code="region.code")

NETWORK_ENTRIES: dict[str, Entry] = {
    # the overview of the user's own region (every signed-in user has one) or one in view scope
    "mediation:network-overview": Entry("login", get=logged_in(200)),
    # -- view scope reads a village's grids and its committee --------------------------------------
    "mediation:grid-list": Entry("scoped", kwargs=code_of("region"), get=VIEWS),
    "mediation:committee": Entry("scoped", kwargs=code_of("region"), get=VIEWS),
    # -- the network's keepers write; an empty form comes back with its errors ---------------------
    "mediation:grid-create": Entry("scoped", kwargs=code_of("region"), get=MANAGES, post=MANAGES),
    "mediation:grid-edit": Entry("scoped", kwargs=pk_of("net_grid"), get=MANAGES, post=MANAGES),
    "mediation:committee-term": Entry("scoped", kwargs=code_of("region"), get=MANAGES, post=MANAGES),
    # switching the grid off (refused with a message while posts are on it) sends back to the grids
    "mediation:grid-toggle": Entry(
        "scoped", kwargs=pk_of("net_grid"), get=logged_in(405), post=MANAGES_REDIRECT, location=to_grids
    ),
    # an empty member form is refused with a message on the committee's page
    "mediation:committee-member-add": Entry(
        "scoped",
        kwargs=pk_of("net_committee"),
        get=logged_in(405),
        post=MANAGES_REDIRECT,
        location=to_committee,
    ),
    "mediation:committee-member-end": Entry(
        "scoped",
        kwargs=pk_of("net_member"),
        get=logged_in(405),
        post=MANAGES_REDIRECT,
        location=to_committee,
    ),
}
