"""Reads of the dispute pages: the scoped case list with its filters and flags, one case with everything
its page shows, and the choices its forms offer. Each page costs a fixed number of queries.

Who sees a case (DOMAIN_RULES B.1, 隐私): the handling region's subtree and the levels above it
(``Dispute.objects.for_user(user, VIEW_DISPUTES)``: the case's scope field is its handling region), plus
the case's own active mediators at the level that handles it now. A case escalated from the village to
the township leaves the village's sight: its handling region is the township.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from mediation.models import (
    MEDIATION_CLOCK_STATES,
    CaseMediator,
    Dispute,
    DisputeTimelineEvent,
    Escalation,
    MediationRules,
    Party,
    State,
)
from mediation.permissions import MEDIATE_DISPUTES, REPORT_DISPUTES, VIEW_DISPUTES
from mediation.rules import IN_TIME, Flag, due_flag
from regions.models import Grid, Post, Region
from regions.roles import GRID_ROLES, Level, roles_granting
from regions.scoping import ALL_REGIONS, prefix_q, regions_for_user, scope_prefixes
from regions.selectors import pinyin, post_holders

# The states whose clock is the acceptance limit (待受理, 已上报待受理).
ACCEPT_CLOCK_STATES = (State.REGISTERED, State.ESCALATED)
LIST_RELATED = ("village__parent", "grid", "handling_region")


def _active_mediator(user) -> Exists:
    """The user mediates the case at the level handling it now (not a mediator left at a lower level)."""
    return Exists(
        CaseMediator.objects.filter(
            dispute=OuterRef("pk"), user=user, withdrawn_on__isnull=True, level=OuterRef("level")
        )
    )


def disputes_visible(*, user) -> QuerySet[Dispute]:
    """Every case ``user`` may see: the handling region in their view scope, or an active mediator of it."""
    if user is None or not user.is_authenticated:
        return Dispute.objects.none()
    if ALL_REGIONS[0] in scope_prefixes(user, VIEW_DISPUTES):
        return Dispute.objects.all()  # (an empty Q() would drop out of the OR below)
    scope = prefix_q(user, VIEW_DISPUTES, field="handling_region__prefix")
    # A mediator still in office where the dispute arose (an ended post, a 罢免, ends the sight of it too).
    mediates = Q(_active_mediator(user)) & prefix_q(user, VIEW_DISPUTES, field="village__prefix")
    return Dispute.objects.filter(scope | mediates)


def overdue_q(today: dt.date) -> Q:
    """Open cases past their clock: not accepted in time, or mediation past its due date."""
    return Q(state__in=ACCEPT_CLOCK_STATES, accept_due_on__lt=today) | Q(
        state__in=MEDIATION_CLOCK_STATES, due_on__lt=today
    )


def disputes_for_user(
    *,
    user,
    today: dt.date,
    state: str = "",
    level: str = "",
    dispute_type: str = "",
    source: str = "",
    overdue: bool = False,
    village: Region | None = None,
    query: str = "",
) -> QuerySet[Dispute]:
    """The case list: the user's cases, filtered, newest first."""
    disputes = disputes_visible(user=user)
    if state:
        disputes = disputes.filter(state=state)
    if level:
        disputes = disputes.filter(level=level)
    if dispute_type:
        disputes = disputes.filter(dispute_type=dispute_type)
    if source:
        disputes = disputes.filter(source=source)
    if overdue:
        disputes = disputes.filter(overdue_q(today))
    if village is not None:
        disputes = disputes.filter(village=village)
    if query:
        disputes = disputes.filter(number__icontains=query)
    return disputes.select_related(*LIST_RELATED).order_by("-registered_at", "-id")


def warn_days_by_county(prefixes: set[str]) -> dict[str, int]:
    """Each county's warning days (MediationRules.warn_days) by county prefix, in one query; counties
    without rules take the default."""
    default = MediationRules().warn_days
    found = dict(
        MediationRules.objects.filter(county__prefix__in=prefixes).values_list("county__prefix", "warn_days")
    )
    return {prefix: found.get(prefix, default) for prefix in prefixes}


def clock_of(dispute: Dispute) -> tuple[str, dt.date | None]:
    """The clock a case runs on now: ("受理期限", date) before acceptance, ("调解期限", date) in
    mediation, none after."""
    if dispute.state in ACCEPT_CLOCK_STATES:
        return "受理期限", dispute.accept_due_on
    if dispute.state in MEDIATION_CLOCK_STATES:
        return "调解期限", dispute.due_on
    return "", None


def flag_of(dispute: Dispute, today: dt.date, warn_days: int) -> Flag:
    label, due_on = clock_of(dispute)
    return due_flag(due_on, today, warn_days) if label else IN_TIME


def with_flags(disputes, today: dt.date) -> list[tuple[Dispute, Flag]]:
    """The page's rows with their yellow/red flags (one query for the counties' warning days)."""
    rows = list(disputes)
    warn = warn_days_by_county({d.village.county_prefix for d in rows})
    return [(d, flag_of(d, today, warn[d.village.county_prefix])) for d in rows]


def dispute_get_for_user(*, user, pk: int) -> Dispute:
    """One case the user may see, else 404 (the same answer as a missing one)."""
    return get_object_or_404(disputes_visible(user=user).select_related(*LIST_RELATED), pk=pk)


@dataclass
class DisputePage:
    parties: list[Party]
    mediators: list[CaseMediator]
    sessions: list
    escalations: list[Escalation]
    police_reports: list
    events: list[DisputeTimelineEvent]


def dispute_page(*, dispute: Dispute) -> DisputePage:
    """Everything on the case's page besides the agreement part: six queries."""
    return DisputePage(
        parties=list(dispute.parties.order_by("id")),
        mediators=list(dispute.mediators.order_by("withdrawn_on", "-is_lead", "id")),
        sessions=list(dispute.sessions.select_related("recorded_by").order_by("held_on", "id")),
        escalations=list(
            dispute.escalations.select_related("from_region", "to_region", "escalated_by").order_by(
                "escalated_on", "id"
            )
        ),
        police_reports=list(dispute.police_reports.order_by("reported_on", "id")),
        events=list(dispute.timeline.select_related("actor").order_by("at", "id")),
    )


def mediator_candidates(*, region: Region) -> list:
    """Who may mediate a case handled at ``region``: the holders of posts there whose role grants
    MEDIATE_DISPUTES (one query)."""
    return post_holders([region], roles_granting(MEDIATE_DISPUTES)).get(region.pk, [])


def reporting_villages(*, user) -> QuerySet[Region]:
    """The villages where ``user`` may register a dispute."""
    return regions_for_user(user, REPORT_DISPUTES).filter(level=Level.VILLAGE).order_by(pinyin("name"))


def grids_of(villages) -> QuerySet[Grid]:
    """The active grids of ``villages`` (a queryset, used as a subquery)."""
    return Grid.objects.filter(village__in=villages, is_active=True).select_related("village")


def grid_post_of(*, user) -> Post | None:
    """The user's active grid post (a grid worker's quick report starts from its grid), if any."""
    return (
        Post.objects.filter(user=user, role__in=GRID_ROLES, ended_on__isnull=True, grid__is_active=True)
        .select_related("grid", "region")
        .order_by("started_on", "id")
        .first()
    )
