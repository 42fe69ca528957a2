"""Reads of the mediation network: a village's grids with their posts, a committee with its members, and
the overview of grids, grid workers, committees and mediators by village (a fixed number of queries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from accounts.models import User
from core.formats import Rate
from core.personal_data import mask_contact_phone
from mediation.models import FINAL_STATES, Committee, CommitteeMember, CommitteePosition, Gender
from mediation.services.network import NO_COMMITTEE, committee_warnings, grid_households_warning
from regions.models import GRID_HOUSEHOLDS_USUAL, Grid, Post, Region
from regions.roles import GRID_ROLES, Level, Role

# 一格四员 ([003]): the four posts every grid should have; 党员网格长 is optional.
FOUR_POSTS = (Role.GRID_WORKER, Role.GRID_ASSISTANT, Role.GRID_POLICE, Role.GRID_SUPERVISOR)
OVERVIEW_SUMS = ("villages", "grids", "unusual_grids", "grid_workers", "committees", "warnings", "mediators")


# -- grids -------------------------------------------------------------------------------------------


@dataclass
class GridRow:
    grid: Grid
    slots: list[tuple[str, list[Post]]]  # (role label, active posts): the four posts, and others held
    missing: list[str]  # labels of the four posts nobody holds
    warning: str
    open_disputes: int


def grids_of_village(*, village: Region) -> list[GridRow]:
    """The village's grids (active first, then by name), each with its active posts by role, which of the
    four posts are missing, the households warning and its open disputes. Two queries."""
    grids = (
        Grid.objects.filter(village=village)
        .annotate(open_disputes=Count("disputes", filter=~Q(disputes__state__in=FINAL_STATES)))
        .prefetch_related(
            Prefetch(
                "posts",
                queryset=Post.objects.filter(ended_on__isnull=True)
                .select_related("user")
                .order_by("started_on"),
                to_attr="active_posts",
            )
        )
        .order_by("-is_active", "name")
    )
    rows = []
    for grid in grids:
        by_role: dict[str, list[Post]] = {role: [] for role in GRID_ROLES}
        for post in grid.active_posts:
            by_role.setdefault(post.role, []).append(post)
        missing = [Role(role).label for role in FOUR_POSTS if not by_role[role]] if grid.is_active else []
        slots = [(Role(role).label, posts) for role, posts in by_role.items() if posts or role in FOUR_POSTS]
        rows.append(
            GridRow(
                grid=grid,
                slots=slots,
                missing=missing,
                warning=grid_households_warning(grid),
                open_disputes=grid.open_disputes,
            )
        )
    return rows


# -- committees --------------------------------------------------------------------------------------


@dataclass
class CommitteePage:
    committee: Committee | None
    members: list[CommitteeMember] = field(default_factory=list)  # in office
    former: list[CommitteeMember] = field(default_factory=list)  # left during this term
    warnings: list[str] = field(default_factory=list)
    previous: list[Committee] = field(default_factory=list)  # earlier terms, newest first


def committee_page(*, region: Region, today: dt.date) -> CommitteePage:
    """The region's committee in office with its members and warnings, and its earlier terms. Two queries
    (three with members)."""
    committees = list(
        Committee.objects.filter(region=region).order_by("-is_active", "-term_starts_on", "-pk")[:20]
    )
    current = committees[0] if committees and committees[0].is_active else None
    previous = [c for c in committees if c is not current]
    if current is None:
        return CommitteePage(committee=None, warnings=[NO_COMMITTEE], previous=previous)
    members = list(
        current.members.select_related("user").order_by("ended_on", "position", "started_on", "pk")
    )
    for member in members:
        member.phone_masked = mask_contact_phone(member.phone) if member.phone else ""
    active = [m for m in members if m.ended_on is None]
    order = {value: i for i, (value, _) in enumerate(CommitteePosition.choices)}
    active.sort(key=lambda m: (order.get(m.position, 9), m.started_on, m.pk))
    return CommitteePage(
        committee=current,
        members=active,
        former=[m for m in members if m.ended_on is not None],
        warnings=committee_warnings(
            members=len(active),
            chairs=sum(m.position == CommitteePosition.CHAIR for m in active),
            women=sum(m.gender == Gender.FEMALE for m in active),
            term_ends_on=current.term_ends_on,
            today=today,
        ),
        previous=previous,
    )


def committee_users(*, region: Region):
    """People holding an active post at the region: who a member's system account may be. One query."""
    return (
        User.objects.filter(posts__region=region, posts__ended_on__isnull=True, is_active=True)
        .distinct()
        .order_by("real_name", "pk")
    )


# -- the overview ------------------------------------------------------------------------------------


@dataclass
class Overview:
    region: Region
    rows: list[dict]  # per village, ordered by code (a township's villages together)
    townships: list[dict]  # per township: its committee and its 司法所 staff
    county_staff: int  # 政法委 posts in the region's subtree at county level


def _committee_counts(region: Region) -> dict[int, dict]:
    """Active committees under ``region`` by region id, with their active members' counts and user ids.
    Two queries."""
    committees = {
        c["pk"]: {**c, "members": 0, "chairs": 0, "women": 0, "users": set()}
        for c in Committee.objects.within(region)
        .filter(is_active=True)
        .values("pk", "region_id", "term_ends_on")
    }
    members = CommitteeMember.objects.filter(
        committee__is_active=True,
        committee__region__prefix__startswith=region.prefix,
        ended_on__isnull=True,
    ).values_list("committee_id", "user_id", "gender", "position")
    for committee_id, user_id, gender, position in members:
        c = committees.get(committee_id)
        if c is None:
            continue
        c["members"] += 1
        c["chairs"] += position == CommitteePosition.CHAIR
        c["women"] += gender == Gender.FEMALE
        # Members without an account count once each; with one, once with their mediator post.
        c["users"].add(user_id if user_id is not None else ("member", c["members"]))
    return {c["region_id"]: c for c in committees.values()}


def network_overview(*, region: Region, today: dt.date) -> Overview:
    """Per village under ``region``: grids (and those outside 50-100 households), grid workers (people
    holding a grid post), whether a committee is in office and its warnings, mediators (村调解员 posts and
    committee members, each person once); per township its committee and 司法所 staff. Six queries
    whatever the number of villages."""
    villages = list(
        Region.objects.filter(prefix__startswith=region.prefix, level=Level.VILLAGE)
        .values("pk", "code", "name", "parent__name")
        .order_by("code")
    )
    townships = list(
        Region.objects.filter(prefix__startswith=region.prefix, level=Level.TOWNSHIP)
        .values("pk", "code", "name")
        .order_by("code")
    )
    low, high = GRID_HOUSEHOLDS_USUAL
    grids = {
        row["village_id"]: row
        for row in Grid.objects.within(region)
        .filter(is_active=True)
        .order_by()
        .values("village_id")
        .annotate(n=Count("pk"), unusual=Count("pk", filter=Q(households__lt=low) | Q(households__gt=high)))
    }
    roles = (*GRID_ROLES, Role.VILLAGE_MEDIATOR, Role.TOWNSHIP_JUSTICE, Role.COUNTY_POLITICS_LAW)
    people: dict[tuple[int, str], set[int]] = {}
    for region_id, role, user_id in (
        Post.objects.filter(region__prefix__startswith=region.prefix, ended_on__isnull=True, role__in=roles)
        .values_list("region_id", "role", "user_id")
        .distinct()
    ):
        kind = "grid" if role in GRID_ROLES else role
        people.setdefault((region_id, kind), set()).add(user_id)
    committees = _committee_counts(region)

    def committee_figures(region_id: int) -> tuple[dict | None, list[str]]:
        c = committees.get(region_id)
        if c is None:
            return None, [NO_COMMITTEE]
        return c, committee_warnings(
            members=c["members"],
            chairs=c["chairs"],
            women=c["women"],
            term_ends_on=c["term_ends_on"],
            today=today,
        )

    rows = []
    for v in villages:
        c, warnings = committee_figures(v["pk"])
        mediators = people.get((v["pk"], Role.VILLAGE_MEDIATOR), set()) | (c["users"] if c else set())
        grid = grids.get(v["pk"], {})
        rows.append(
            {
                "township": v["parent__name"],
                "code": v["code"],
                "name": v["name"],
                "villages": 1,
                "grids": grid.get("n", 0),
                "unusual_grids": grid.get("unusual", 0),
                "grid_workers": len(people.get((v["pk"], "grid"), ())),
                "committee": c is not None,
                "committees": int(c is not None),
                "committee_members": c["members"] if c else 0,
                "warning_list": warnings,
                "warnings": len(warnings),
                "mediators": len(mediators),
                "coverage": Rate(int(c is not None), 1),
            }
        )
    township_rows = []
    for t in townships:
        c, warnings = committee_figures(t["pk"])
        township_rows.append(
            {
                "code": t["code"],
                "name": t["name"],
                "committee": c is not None,
                "committee_members": c["members"] if c else 0,
                # A township committee is optional (人民调解法 第34条): only an existing one is checked.
                "warning_list": warnings if c else [],
                "justice": len(people.get((t["pk"], Role.TOWNSHIP_JUSTICE), ())),
            }
        )
    county_staff = sum(len(users) for (_, kind), users in people.items() if kind == Role.COUNTY_POLITICS_LAW)
    return Overview(region=region, rows=rows, townships=township_rows, county_staff=county_staff)
