"""The daily reminders of the mediation system (DOMAIN_RULES B.1.4): the acceptance clock (a registered
case, or an escalated one waiting for the receiving level), the mediation month and the first follow-up
visit. Yellow from the county's warning days before the due date through the due day, red from the day
after; each reminder once per (case, kind, due date, recipient) (notifications.services.remind).

Who is told: the case's active mediators with an account at the level handling it now, the village
secretary (for a grid or village case: the village handles it), and the township's 司法所 when the clock
is red, or always for a township case (the 司法所 handles it); a county case tells the county's 政法委.

Queries: the counties and the rules once, then per county four (the cases with a clock in or past its
window, their mediators, the post holders, the reminders already sent), whatever the number of cases;
only a reminder that is sent now costs its own writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from core.formats import zh_date
from mediation.kinds import MediationReminder
from mediation.models import CaseMediator, Dispute, FollowUp, Level, MediationRules, State
from notifications.models import Reminder
from notifications.services import remind
from regions.models import Post, Region
from regions.roles import Level as RegionLevel
from regions.roles import Role

ACCEPT_STATES = (State.REGISTERED, State.ESCALATED)
MEDIATION_STATES = (State.ACCEPTED, State.MEDIATING)


@dataclass(frozen=True)
class Clock:
    """One running clock of a case: which kinds it sends, and its due date on the case."""

    soon: str
    overdue: str
    what: str


ACCEPT = Clock(MediationReminder.ACCEPT_DUE_SOON, MediationReminder.ACCEPT_OVERDUE, "受理")
MEDIATION = Clock(MediationReminder.MEDIATION_DUE_SOON, MediationReminder.MEDIATION_OVERDUE, "调解")
FOLLOW_UP = Clock(MediationReminder.FOLLOW_UP_DUE_SOON, MediationReminder.FOLLOW_UP_OVERDUE, "回访")


def clock_of(dispute: Dispute) -> tuple[Clock, dt.date | None]:
    """The clock running on the case and its due date (None: no clock runs)."""
    if dispute.state in ACCEPT_STATES:
        return ACCEPT, dispute.accept_due_on
    if dispute.state in MEDIATION_STATES:
        return MEDIATION, dispute.due_on
    if dispute.state == State.AGREED:
        agreement = getattr(dispute, "agreement", None)
        if agreement is not None and agreement.effective_on is not None:
            return FOLLOW_UP, agreement.follow_up_due_on
    return FOLLOW_UP, None


def _candidates(county: Region, horizon: dt.date):
    """The county's cases whose clock is due by ``horizon`` (yellow window or past), with what the
    reminders need: the village and township, the agreement, the mediators with accounts (prefetched)."""
    no_follow_up = ~Exists(FollowUp.objects.filter(dispute=OuterRef("pk")))
    return (
        Dispute.objects.filter(village__prefix__startswith=county.prefix)
        .filter(
            Q(state__in=ACCEPT_STATES, accept_due_on__lte=horizon)
            | Q(state__in=MEDIATION_STATES, due_on__lte=horizon)
            | Q(
                no_follow_up,
                state=State.AGREED,
                agreement__effective_on__isnull=False,
                agreement__follow_up_due_on__lte=horizon,
            )
        )
        .select_related("village", "agreement")
        .prefetch_related(
            Prefetch(
                "mediators",
                queryset=CaseMediator.objects.filter(withdrawn_on__isnull=True, user__isnull=False)
                .select_related("user")
                .order_by("-is_lead", "id"),
                to_attr="active_mediators",
            )
        )
        .order_by("id")
    )


def _recipients(dispute: Dispute, red: bool, holders: dict[tuple[int, str], list], county: Region) -> list:
    users = [m.user for m in dispute.active_mediators if m.level == dispute.level]
    if dispute.level in (Level.GRID, Level.VILLAGE):
        users += holders.get((dispute.village_id, Role.VILLAGE_SECRETARY), [])
    if red or dispute.level == Level.TOWNSHIP:
        users += holders.get((dispute.village.parent_id, Role.TOWNSHIP_JUSTICE), [])
    if dispute.level == Level.COUNTY:
        users += holders.get((county.pk, Role.COUNTY_POLITICS_LAW), [])
    return list(dict.fromkeys(users))


def _holders(regions: set[int]) -> dict[tuple[int, str], list]:
    """The secretaries of the villages, the 司法所 of the townships and the 政法委 of the county, in one
    query: {(region id, role): [users]}."""
    roles = (Role.VILLAGE_SECRETARY, Role.TOWNSHIP_JUSTICE, Role.COUNTY_POLITICS_LAW)
    holders: dict[tuple[int, str], list] = {}
    posts = (
        Post.objects.filter(region_id__in=regions, role__in=roles, ended_on__isnull=True)
        .select_related("user")
        .order_by("region_id", "started_on", "id")
    )
    for post in posts:
        bucket = holders.setdefault((post.region_id, post.role), [])
        if post.user not in bucket:
            bucket.append(post.user)
    return holders


def _title(dispute: Dispute, clock: Clock, due: dt.date, red: bool) -> str:
    where = f"{dispute.village.name}纠纷（{dispute.number}）"
    if red:
        return f"红牌督办：{where}已超过{clock.what}期限{zh_date(due)}"
    return f"黄牌提醒：{where}{clock.what}期限为{zh_date(due)}"


def _county_send(county: Region, county_rules: MediationRules, today: dt.date) -> int:
    horizon = today + dt.timedelta(days=county_rules.warn_days)
    cases = []
    for dispute in _candidates(county, horizon):
        clock, due = clock_of(dispute)
        if due is not None and due <= horizon:
            cases.append((dispute, clock, due, today > due))
    if not cases:
        return 0
    regions: set[int] = {county.pk}
    for dispute, *_ in cases:
        regions |= {dispute.village_id, dispute.village.parent_id}
    holders = _holders(regions)
    content_type = ContentType.objects.get_for_model(Dispute)
    sent_before = set(
        Reminder.objects.filter(
            content_type=content_type,
            object_id__in=[d.pk for d, *_ in cases],
            kind__in=MediationReminder.values,
        ).values_list("object_id", "kind", "due_date", "recipient_id")
    )
    sent = 0
    for dispute, clock, due, red in cases:
        kind = clock.overdue if red else clock.soon
        fresh = [
            user
            for user in _recipients(dispute, red, holders, county)
            if (dispute.pk, kind, due, user.pk) not in sent_before
        ]
        if fresh:
            sent += remind(
                dispute,
                kind=kind,
                due_date=due,
                recipients=fresh,
                url=dispute.get_absolute_url(),
                title=_title(dispute, clock, due, red),
            )
    return sent


def _counties() -> Iterable[tuple[Region, MediationRules]]:
    rules = {r.county_id: r for r in MediationRules.objects.all()}
    for county in Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"):
        yield county, rules.get(county.pk) or MediationRules()


def mediation_reminders_send(*, today: dt.date | None = None) -> int:
    """Sends the day's yellow and red reminders of every county's open cases (each once); returns how
    many were sent now. Safe to run twice: what was sent is skipped, and the unique constraint of
    notifications.Reminder decides between two runs at once."""
    today = today or timezone.localdate()
    return sum(_county_send(county, rules, today) for county, rules in _counties())
