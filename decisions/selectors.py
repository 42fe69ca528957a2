"""Reads of the decisions app: scoped querysets and the aggregates of the oversight pages and the bulletin.

Every page costs a fixed number of queries whatever the number of matters (pinned in tests).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.formats import Rate
from decisions.models import (
    STEP_ORDER,
    Amendment,
    BoardPhoto,
    Disclosure,
    DisclosureReview,
    Matter,
    MatterCategory,
    Meeting,
    Objection,
    Step,
    SupervisionOpinion,
    VillageRoster,
)
from decisions.permissions import MANAGE_DECISION_CATEGORIES
from regions.models import Region
from regions.roles import Level
from regions.selectors import by_child, pinyin

BULLETIN_LEVELS = (Level.VILLAGE, Level.TOWNSHIP)


def categories_for_village(village: Region) -> QuerySet[MatterCategory]:
    """Active categories that apply in a village: the statutory ones, its county's and its township's."""
    return MatterCategory.objects.applying_at(village).order_by("region__prefix", "sort_order", "id")


def categories_managed(*, user) -> QuerySet[MatterCategory]:
    """The statutory list plus the categories of the counties and townships the user may maintain."""
    return MatterCategory.objects.for_maintenance(user, MANAGE_DECISION_CATEGORIES).order_by(
        "region__prefix", "sort_order", "id"
    )


def category_get_for_user(*, user, pk: int) -> MatterCategory:
    return get_object_or_404(
        MatterCategory.objects.maintained_by(user, MANAGE_DECISION_CATEGORIES).select_related("region"), pk=pk
    )


def rosters_of(*, village: Region) -> QuerySet[VillageRoster]:
    return VillageRoster.objects.filter(village=village).select_related("recorded_by").order_by("-valid_from")


def roster_on(*, village: Region, day: datetime.date) -> VillageRoster | None:
    """The roster valid on ``day``: the latest one starting on or before it."""
    return VillageRoster.objects.filter(village=village, valid_from__lte=day).order_by("-valid_from").first()


def matters_for_user(
    *,
    user,
    region: Region | None = None,
    status: str = "",
    step: str = "",
    category=None,
    year: int | None = None,
    query: str = "",
    open_objection: bool = False,
) -> QuerySet[Matter]:
    matters = Matter.objects.for_user(user)
    if region is not None:
        matters = matters.within(region)
    if status:
        matters = matters.filter(status=status)
    if step:
        matters = matters.filter(step=step, status=Matter.Status.OPEN)
    if category is not None:
        matters = matters.filter(category=category)
    if year:
        matters = matters.filter(
            Q(proposed_on__year=year) | Q(proposed_on__isnull=True, created_at__year=year)
        )
    if query:
        matters = matters.filter(title__contains=query)
    # The partial index decisions_opinion_open answers this per row.
    matters = matters.annotate(open_objections=Exists(_open_objections().filter(matter=OuterRef("pk"))))
    if open_objection:
        matters = matters.filter(open_objections=True)
    return matters.select_related("village__parent", "category").order_by("-created_at", "-id")


def _disclosures_shown(disclosures, amendments_of, today: datetime.date) -> list[Disclosure]:
    """Each disclosure with whether its period runs today, its corrections in force by field, and the
    corrections of substance still waiting for (or refused by) the committee (no query)."""
    for disclosure in disclosures:
        amendments = list(amendments_of(disclosure))
        for amendment in amendments:
            amendment.running = amendment.is_running(today)
        disclosure.running = disclosure.is_running(today)
        disclosure.corrections = corrections_by_field(amendments)
        disclosure.not_in_force = [a for a in amendments if not a.in_force]
        disclosure.period_ends_on = posting_ends_on(disclosure, amendments)
        disclosure.amended_running = any(a.running for a in amendments if a.in_force)
    return disclosures


def matter_record(*, matter: Matter, today: datetime.date) -> dict:
    """Everything on a matter's page and in its record book: meetings with papers, disclosures with their
    amendments, photos and objections, the supervision committee's opinions and the timeline."""
    disclosures = list(
        matter.disclosures.select_related("posted_by")
        .prefetch_related(
            Prefetch("amendments", queryset=Amendment.objects.select_related("created_by", "signed_by")),
            "board_photos",
            "objections",
        )
        .order_by("posted_on", "id")
    )
    meetings = list(
        matter.meetings.select_related("recorded_by")
        .prefetch_related("attachments")
        .order_by("held_on", "id")
    )
    # An upheld objection sent the matter back to 决议: what an earlier round voted and posted stays, marked.
    for row in (*disclosures, *meetings):
        row.superseded = is_superseded(row, matter)
    return {
        "reviews": reviews_of(matter=matter),
        "meetings": meetings,
        "disclosures": _disclosures_shown(disclosures, lambda d: d.amendments.all(), today),
        "opinions": list(
            matter.opinions.select_related("recorded_by", "answered_by", "closed_by").order_by("at", "id")
        ),
        "events": list(matter.timeline.select_related("actor").order_by("at", "id")),
        "reproposals": list(matter.reproposals.order_by("id")),
    }


def reviews_of(*, matter: Matter) -> list[DisclosureReview]:
    """The committee's reviews of the matter's postings, oldest first, with who sent, reviewed, answered."""
    return list(
        matter.reviews.select_related("submitted_by", "reviewed_by", "answered_by").order_by(
            "submitted_at", "id"
        )
    )


def latest_review(reviews, kind: str, round: int) -> DisclosureReview | None:
    """The last submission of one posting in the matter's round (from a list, no query): the one a posting
    must match. A new round (an upheld objection) is reviewed afresh."""
    return next((r for r in reversed(reviews) if r.kind == kind and r.round == round), None)


def posting_ends_on(disclosure: Disclosure, amendments=None) -> datetime.date:
    """When a posting's period really ends: its own end, or the end of the new period of a correction the
    committee confirmed, whichever is later."""
    amendments = disclosure.amendments.all() if amendments is None else amendments
    ends = [a.ends_on for a in amendments if a.in_force and a.ends_on is not None]
    return max([disclosure.ends_on, *ends])


def disclosed_amount(disclosure: Disclosure, amendments=None) -> tuple[Decimal | None, str]:
    """The spent amount in force as an amount, and, when the last correction is an old one whose text
    could not be read as an amount (migration 0005), that text (the amount is then None)."""
    amendments = disclosure.amendments.all() if amendments is None else amendments
    last = [a for a in amendments if a.field == Amendment.Field.SPENT_AMOUNT and a.in_force]
    if last:
        return (None, last[-1].corrected) if last[-1].amount_unreadable else (last[-1].amount, "")
    return disclosure.spent_amount, ""


def disclosed_value(disclosure: Disclosure, field: str, amendments=None) -> str:
    """The value in force: the last amendment's in force, else the original."""
    amendments = disclosure.amendments.all() if amendments is None else amendments
    last = [a for a in amendments if a.field == field and a.in_force]
    if last:
        return last[-1].corrected
    value = getattr(disclosure, field)
    return "" if value is None else str(value)


def corrections_by_field(amendments) -> dict[str, list]:
    """Amendments in force grouped by the field they correct, oldest first (from prefetched rows)."""
    grouped: dict[str, list] = {}
    in_force = [a for a in amendments if a.in_force]
    for amendment in sorted(in_force, key=lambda a: (a.created_at, a.id)):
        grouped.setdefault(amendment.field, []).append(amendment)
    return grouped


# -- the public bulletin ----------------------------------------------------------------------------


def bulletin_entries(matters, today: datetime.date):
    """What one bulletin entry shows, per matter, from the prefetched rows (no further queries): the two
    postings, the resolution's vote, and each posting's period and corrections."""
    for matter in matters:
        # The current round's (an upheld objection sends a matter back to 决议; earlier rounds are marked).
        current = [d for d in matter.disclosure_list if d.round == matter.round]
        matter.resolution = next((d for d in current if d.kind == Disclosure.Kind.RESOLUTION), None)
        matter.result = next((d for d in current if d.kind == Disclosure.Kind.RESULT), None)
        matter.vote = next(
            (m for m in matter.held_meetings if m.step == Step.RESOLUTION and m.round == matter.round), None
        )
        _disclosures_shown(matter.disclosure_list, lambda d: d.amendment_list, today)
        for d in matter.disclosure_list:
            d.superseded = is_superseded(d, matter)
            # Villagers may file online on the posting whose period runs (objection_file_public checks again).
            d.accepts_objections = _accepts_objections(d, matter, today)
        for m in matter.held_meetings:
            m.superseded = is_superseded(m, matter)
    return matters


def is_superseded(row: Disclosure | Meeting, matter: Matter) -> bool:
    """A posting, or a resolution meeting, of a round before the matter's: an upheld objection sent it back
    to 决议. The meetings before the resolution stand (the new round starts at the resolution)."""
    if isinstance(row, Meeting) and row.step != Step.RESOLUTION:
        return False
    return row.round < matter.round


_DISCLOSURE_STEP = {
    Disclosure.Kind.RESOLUTION: Step.RESOLUTION_DISCLOSURE,
    Disclosure.Kind.RESULT: Step.RESULT_DISCLOSURE,
}


def bulletin_region(*, code: str) -> Region:
    """A village or township (the bulletin exists for both; other codes answer 404)."""
    return get_object_or_404(Region.objects.select_related("parent"), code=code, level__in=BULLETIN_LEVELS)


def bulletin_matters(*, region: Region) -> QuerySet[Matter]:
    """Disclosed matters under the region, latest posting first, with what the bulletin shows of each:
    the disclosures with their amendments and objection counts, and the meetings that were held.
    No personal data is selected for display (no proposer, chair, recorder or objector).

    A matter sent back to 决议 by an upheld objection (a later round, not posted again yet) stays on the
    bulletin with its superseded posting."""
    disclosures = (
        Disclosure.objects.annotate(
            objection_count=Count("objections"),
            answered_count=Count("objections", filter=Q(objections__answered_on__isnull=False)),
            # "已经村务监督委员会审核": postings made before reviews existed do not claim it.
            reviewed=Exists(
                DisclosureReview.objects.filter(
                    matter=OuterRef("matter"), kind=OuterRef("kind"), reviewed_at__isnull=False
                )
            ),
        )
        .prefetch_related(Prefetch("amendments", to_attr="amendment_list"))
        .order_by("posted_on", "id")
    )
    meetings = (
        Meeting.objects.filter(quorum_met=True)
        .only(
            "id",
            "matter_id",
            "round",
            "step",
            "body",
            "held_on",
            "entitled",
            "present",
            "households_total",
            "households_present",
            "votes_for",
            "votes_against",
            "votes_abstain",
            "passed",
            "majority",
            "notice_on",
            "notice_short",
        )
        .order_by("held_on", "id")
    )
    return (
        Matter.objects.within(region)
        .filter(Q(disclosed_on__isnull=False) | Q(round__gt=1))
        .select_related("village", "category")
        .only(
            "id",
            "title",
            "content",
            "estimated_amount",
            "status",
            "step",
            "round",
            "proposed_on",
            "resolved_on",
            "disclosed_on",
            "completed_on",
            "village__name",
            "village__code",
            "category__name",
        )
        .prefetch_related(
            Prefetch("disclosures", queryset=disclosures, to_attr="disclosure_list"),
            Prefetch("meetings", queryset=meetings, to_attr="held_meetings"),
        )
        # A matter being decided again has no posting date of its round: after the posted ones.
        .order_by(F("disclosed_on").desc(nulls_last=True), "-id")
    )


def bulletin_disclosure(*, code: str, pk: int) -> Disclosure:
    """A posting of the village ``code``'s bulletin; another village's posting (or none) answers 404."""
    return get_object_or_404(
        Disclosure.objects.select_related("matter__village__parent"), pk=pk, village__code=code
    )


def bulletin_objections(*, disclosure: Disclosure) -> list[Objection]:
    """The objections villagers filed online on the posting, as the public sees them (name and phone masked
    by the template). Those a cadre recorded are only counted on the bulletin: their text may name people."""
    return list(disclosure.objections.filter(source=Objection.Source.PUBLIC).order_by("received_on", "id"))


def disclosure_accepts_objections(*, disclosure: Disclosure, today: datetime.date) -> bool:
    """Whether villagers may file online now: the period runs and the posting is the open matter's current
    one (the service checks again, under the matter's lock)."""
    return _accepts_objections(disclosure, disclosure.matter, today)


def _accepts_objections(disclosure: Disclosure, matter: Matter, today: datetime.date) -> bool:
    amendments = getattr(disclosure, "amendment_list", None)
    return any(start <= today <= end for start, end in objection_periods(matter, disclosure, amendments))


def objection_periods(
    matter: Matter, disclosure: Disclosure, amendments=None
) -> list[tuple[datetime.date, datetime.date]]:
    """The periods in which objections to the posting are received (by cadres and villagers alike):

    - its own while the open matter is at its step, in its round;
    - the new period of each correction the committee confirmed, while the matter has not moved past
      what the posting holds (a resolution holds implementation too; not once the result is posted);
    - a terminated matter's "未实施" notice, for its period, although the matter is closed.

    None for an earlier round's posting. No query when ``amendments`` are given (or prefetched)."""
    if disclosure.round != matter.round:
        return []
    own = [(disclosure.posted_on, disclosure.ends_on)]
    if disclosure.not_implemented:
        return own if matter.status == Matter.Status.TERMINATED else []
    if matter.status != Matter.Status.OPEN:
        return []
    step = _DISCLOSURE_STEP[disclosure.kind]
    periods = own if matter.step == step else []
    holds = (step, Step.IMPLEMENTATION) if disclosure.kind == Disclosure.Kind.RESOLUTION else (step,)
    if matter.step in holds:
        amendments = disclosure.amendments.all() if amendments is None else amendments
        periods += [(a.posted_on, a.ends_on) for a in amendments if a.in_force and a.posted_on is not None]
    return periods


# -- oversight --------------------------------------------------------------------------------------

OVERSIGHT_LIST = 50


def matters_by_child(*, region: Region) -> list[dict]:
    """Per child region (villages of a township, townships of a county ...): open matters by step, and the
    closed ones: completed, rejected, withdrawn and terminated. Two queries."""
    children = list(Region.objects.filter(parent=region).order_by(pinyin("name"), "code")) or [region]
    counts = {
        f"step_{step.value}": Count("pk", filter=Q(status=Matter.Status.OPEN, step=step)) for step in Step
    }
    by_prefix = by_child(
        Matter.objects.all(),
        "village__prefix",
        region,
        total=Count("pk"),
        rejected=Count("pk", filter=Q(status=Matter.Status.REJECTED)),
        completed=Count("pk", filter=Q(status=Matter.Status.COMPLETED)),
        withdrawn=Count("pk", filter=Q(status=Matter.Status.WITHDRAWN)),
        terminated=Count("pk", filter=Q(status=Matter.Status.TERMINATED)),
        late=Count("pk", filter=Q(resolved_late=True) | Q(recorded_late=True)),
        **counts,
    )
    empty = {
        "total": 0,
        "rejected": 0,
        "completed": 0,
        "withdrawn": 0,
        "terminated": 0,
        "late": 0,
        **{k: 0 for k in counts},
    }
    result = []
    for child in children:
        row = by_prefix.get(child.prefix, empty)
        result.append({"region": child, **row, "steps": [row[f"step_{s.value}"] for s in STEP_ORDER]})
    return result


def stuck_q(stuck_before: datetime.date) -> Q:
    """Open matters that entered their step before ``stuck_before`` (today less the county's stuck_days),
    implementation aside (it may rightly take long): the oversight page's, the daily reminder's and 督办's
    rule (decisions.services.urging.matter_is_stuck is its test on one matter)."""
    return Q(status=Matter.Status.OPEN, step_since__lt=stuck_before) & ~Q(step=Step.IMPLEMENTATION)


def stuck_matters(*, region: Region, today: datetime.date, stuck_days: int) -> QuerySet[Matter]:
    """Open matters on the same step for more than ``stuck_days``."""
    return (
        Matter.objects.within(region)
        .filter(stuck_q(today - datetime.timedelta(days=stuck_days)))
        .select_related("village__parent", "category")
        .order_by("step_since", "id")
    )


def late_matters(*, region: Region) -> QuerySet[Matter]:
    return (
        Matter.objects.within(region)
        .filter(Q(resolved_late=True) | Q(recorded_late=True))
        .select_related("village__parent", "category")
        .order_by("-created_at", "-id")
    )


def short_notice_meetings(*, region: Region) -> QuerySet[Meeting]:
    """村民会议 recorded with less than ten days' notice where the county lets them be recorded, flagged."""
    return (
        Meeting.objects.within(region)
        .filter(notice_short=True)
        .select_related("matter", "village__parent")
        .order_by("-held_on", "-id")
    )


def disclosures_without_photo(*, region: Region) -> QuerySet[Disclosure]:
    # NOT EXISTS, not a LEFT JOIN ... IS NULL: the join would read every photo of the database first.
    return (
        Disclosure.objects.within(region)
        .filter(~Exists(BoardPhoto.objects.filter(disclosure=OuterRef("pk"))))
        .select_related("matter", "village__parent")
        .order_by("-posted_on", "-id")
    )


def _open_objections() -> QuerySet[SupervisionOpinion]:
    return SupervisionOpinion.objects.filter(
        verdict=SupervisionOpinion.Verdict.OBJECT, closed_at__isnull=True
    )


def supervision_objections(*, region: Region) -> QuerySet[SupervisionOpinion]:
    """The supervision committees' objections that are still open (answered or not), oldest first: the
    township follows them until the committee closes them."""
    return (
        _open_objections()
        .within(region)
        .select_related("matter", "village__parent", "answered_by")
        .order_by("at", "id")
    )


def open_supervision_objections(*, matter: Matter) -> list[SupervisionOpinion]:
    """The matter's open objections of the supervision committee (a warning on the next step's form)."""
    return list(_open_objections().filter(matter=matter).order_by("at", "id"))


def meeting_retry_initial(*, matter: Matter, step: str, body: str) -> dict:
    """A step whose meeting lacked a quorum is held again: its form starts from that attempt (place,
    chair, recorder, the entitled number and its reason); the attendance and votes are the new meeting's."""
    failed = (
        matter.meetings.filter(step=step, body=body, quorum_met=False)
        .order_by("-held_on", "-id")
        .values("place", "chair", "recorder", "entitled", "entitled_reason")
        .first()
    )
    return {k: v for k, v in (failed or {}).items() if v not in ("", None)}


def decision_figures(*, region: Region, year: int, stuck_before: datetime.date | None = None) -> dict:
    """Matters decided (resolution passed) in the year and the share that went through every step on time,
    and all late matters (resolved late or recorded late); with ``stuck_before``, also the open matters on
    one step since before it (implementation excepted). One query."""
    decided = Q(resolved_on__year=year)
    counts = {
        "decided": Count("pk", filter=decided),
        "on_time": Count("pk", filter=decided & Q(resolved_late=False, recorded_late=False)),
        "completed": Count("pk", filter=decided & Q(status=Matter.Status.COMPLETED)),
        # Decided, then abandoned with a result disclosure "未实施" (closed: never stuck, never late again).
        "terminated": Count("pk", filter=decided & Q(status=Matter.Status.TERMINATED)),
        "late": Count("pk", filter=Q(resolved_late=True) | Q(recorded_late=True)),
    }
    if stuck_before is not None:
        counts["stuck"] = Count("pk", filter=stuck_q(stuck_before))
    figures = Matter.objects.within(region).aggregate(**counts)
    figures["on_time_rate"] = Rate(figures["on_time"], figures["decided"])
    return figures


# -- the record book --------------------------------------------------------------------------------


def record_book_year(matter: Matter) -> int:
    """The year whose record book holds the matter (as record_book_matters counts it)."""
    return (matter.proposed_on or timezone.localtime(matter.created_at).date()).year


def record_book_matters(*, village: Region, year: int) -> QuerySet[Matter]:
    return (
        Matter.objects.filter(
            Q(proposed_on__year=year) | Q(proposed_on__isnull=True, created_at__year=year), village=village
        )
        .select_related("category", "previous")
        .prefetch_related("disclosures__amendments")
        .order_by("proposed_on", "id")
    )


def record_book_meetings(*, village: Region, year: int) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(
            Q(matter__proposed_on__year=year)
            | Q(matter__proposed_on__isnull=True, matter__created_at__year=year),
            matter__village=village,
        )
        .select_related("matter")
        .annotate(attachment_count=Count("attachments"))
        .order_by("held_on", "id")
    )


def record_book_reviews(*, village: Region, year: int) -> QuerySet[DisclosureReview]:
    """The committee's reviews of the year's matters (the record book's sheet of them)."""
    return (
        DisclosureReview.objects.filter(
            Q(matter__proposed_on__year=year)
            | Q(matter__proposed_on__isnull=True, matter__created_at__year=year),
            matter__village=village,
        )
        .select_related("matter", "submitted_by", "reviewed_by", "answered_by")
        .order_by("matter__proposed_on", "matter_id", "submitted_at", "id")
    )
