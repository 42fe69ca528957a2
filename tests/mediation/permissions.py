"""The permission matrix's entries of mediation: the dispute list, registration, the case page, the
audited reveal of the parties' personal data and each action on the case.

A side gets a dispute of its village registered (待受理) by the side's person (a 村两委成员). In the
matrix's world only the village's own people hold the mediation permissions: the clerk (村党组织书记)
and the "readonly" user, who is a 网格员 and so reports and mediates in his grid's village; the
township's and the county's organization officers hold none (cases are seen by the 司法所, the township
leader and the 政法委, which the matrix's world has not), so they get 404 as for a missing case.
"""

from __future__ import annotations

from mediation import services as ms
from mediation.models import DisputeType, MediationRules, Source
from mediation.views.disputes import ACTIONS
from regions.services import county_settings_save

# The other parts of mediation keep their entries beside their own tests; they are gathered here.
from tests.mediation.permissions_agreements import AGREEMENT_ENTRIES, build_side_agreements  # noqa: E402
from tests.mediation.permissions_figures import FIGURES_ENTRIES  # noqa: E402
from tests.mediation.permissions_network import NETWORK_ENTRIES, build_network_side  # noqa: E402
from tests.mediation.permissions_ops import OPS_ENTRIES  # noqa: E402
from tests.permissions.engine import BOTH, SCOPE, Ctx, Entry, Side, logged_in, pk_of, row, to_object

# The county's rules are kept in the admin (add allowed; never deleted).
ADMIN_NO_DELETE = {"mediation.mediationrules"}


def build_side(ctx: Ctx, side: Side) -> None:
    dispute = ms.dispute_register(
        actor=side.person,
        village=side.region,
        data=ms.DisputeInput(
            source=Source.VISIT,
            dispute_type=DisputeType.NEIGHBOURS,
            summary=f"{side.region.name}两户因排水沟发生争执",
            parties=[
                ms.PartyInput(name="沈大", side="applicant", phone="13812345678"),
                ms.PartyInput(name="沈二", side="respondent"),
            ],
        ),
    )
    side.add(dispute=dispute)
    build_network_side(ctx, side)
    build_side_agreements(ctx, side)


def build_world(ctx: Ctx) -> None:
    # a county's rules, for the admin's object pages
    county_settings_save(actor=None, county=ctx.world.county, model=MediationRules, values={"warn_days": 5})


# Those who see the side's case: the village's own people (and the superuser); everyone else: 404.
SEES = row(302, SCOPE, SCOPE, (404, 404), (404, 404), (404, 404), BOTH)
# Those who act on it: the same people (the 网格员 mediates too); an empty form is refused with a message
# on the case's page.
ACTS = row(302, (302, 404), (302, 404), (404, 404), (404, 404), (404, 404), (302, 302))
to_dispute = to_object("dispute")

ENTRIES: dict[str, Entry] = {
    "mediation:dispute-list": Entry("login", get=logged_in(200)),
    # registering needs report_disputes on a village: the village's people and the superuser
    "mediation:dispute-create": Entry("login", get=row(302, 200, 200, 403, 403, 403, 200)),
    "mediation:dispute-detail": Entry("scoped", kwargs=pk_of("dispute"), get=SEES),
    # the parties' full ID numbers and phones, once, recorded (reveal_dispute_parties)
    "mediation:dispute-reveal": Entry("scoped", kwargs=pk_of("dispute"), get=logged_in(405), post=SEES),
    **{
        f"mediation:dispute-{action}": Entry(
            "scoped", kwargs=pk_of("dispute"), get=logged_in(405), post=ACTS, location=to_dispute
        )
        for action in ACTIONS
    },
}
ENTRIES.update(NETWORK_ENTRIES)
ENTRIES.update(FIGURES_ENTRIES)
ENTRIES.update(AGREEMENT_ENTRIES)
ENTRIES.update(OPS_ENTRIES)
