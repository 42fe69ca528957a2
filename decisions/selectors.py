"""Reads of the decisions app: scoped querysets and the aggregates of the oversight pages and the bulletin.

Every page costs a fixed number of queries whatever the number of matters (pinned in tests).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.formats import Rate
from decisions.models import (
    STEP_ORDER,
    Amendment,
    BoardPhoto,
    Disclosure,
    Matter,
    MatterCategory,
    Meeting,
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
    """Each disclosure with whether its period runs today and its corrections by field (no query)."""
    for disclosure in disclosures:
        disclosure.running = disclosure.is_running(today)
        disclosure.corrections = corrections_by_field(amendments_of(disclosure))
    return disclosures


def matter_record(*, matter: Matter, today: datetime.date) -> dict:
    """Everything on a matter's page and in its record book: meetings with papers, disclosures with their
    amendments, photos and objections, the supervision committee's opinions and the timeline."""
    disclosures = list(
        matter.disclosures.select_related("posted_by")
        .prefetch_related("amendments", "board_photos", "objections")
        .order_by("posted_on")
    )
    return {
        "meetings": list(
            matter.meetings.select_related("recorded_by")
            .prefetch_related("attachments")
            .order_by("held_on", "id")
        ),
        "disclosures": _disclosures_shown(disclosures, lambda d: d.amendments.all(), today),
        "opinions": list(
            matter.opinions.select_related("recorded_by", "answered_by", "closed_by").order_by("at", "id")
        ),
        "events": list(matter.timeline.select_related("actor").order_by("at", "id")),
        "reproposals": list(matter.reproposals.order_by("id")),
    }


def disclosed_amount(disclosure: Disclosure, amendments=None) -> tuple[Decimal | None, str]:
    """The spent amount in force as an amount, and, when the last correction is an old one whose text
    could not be read as an amount (migration 0005), that text (the amount is then None)."""
    amendments = disclosure.amendments.all() if amendments is None else amendments
    last = [a for a in amendments if a.field == Amendment.Field.SPENT_AMOUNT]
    if last:
        return (None, last[-1].corrected) if last[-1].amount_unreadable else (last[-1].amount, "")
    return disclosure.spent_amount, ""


def disclosed_value(disclosure: Disclosure, field: str, amendments=None) -> str:
    """The value in force: the last amendment's, else the original."""
    amendments = disclosure.amendments.all() if amendments is None else amendments
    last = [a for a in amendments if a.field == field]
    if last:
        return last[-1].corrected
    value = getattr(disclosure, field)
    return "" if value is None else str(value)


def corrections_by_field(amendments) -> dict[str, list]:
    """Amendments grouped by the field they correct, oldest first (from prefetched rows)."""
    grouped: dict[str, list] = {}
    for amendment in sorted(amendments, key=lambda a: (a.created_at, a.id)):
        grouped.setdefault(amendment.field, []).append(amendment)
    return grouped


# -- the public bulletin ----------------------------------------------------------------------------


def bulletin_entries(matters, today: datetime.date):
    """What one bulletin entry shows, per matter, from the prefetched rows (no further queries): the two
    postings, the resolution's vote, and each posting's period and corrections."""
    for matter in matters:
        matter.resolution = next(
            (d for d in matter.disclosure_list if d.kind == Disclosure.Kind.RESOLUTION), None
        )
        matter.result = next((d for d in matter.disclosure_list if d.kind == Disclosure.Kind.RESULT), None)
        matter.vote = next((m for m in matter.held_meetings if m.step == Step.RESOLUTION), None)
        _disclosures_shown(matter.disclosure_list, lambda d: d.amendment_list, today)
    return matters


def bulletin_region(*, code: str) -> Region:
    """A village or township (the bulletin exists for both; other codes answer 404)."""
    return get_object_or_404(Region.objects.select_related("parent"), code=code, level__in=BULLETIN_LEVELS)


def bulletin_matters(*, region: Region) -> QuerySet[Matter]:
    """Disclosed matters under the region, latest posting first, with what the bulletin shows of each:
    the disclosures with their amendments and objection counts, and the meetings that were held.
    No personal data is selected for display (no proposer, chair, recorder or objector)."""
    disclosures = (
        Disclosure.objects.annotate(
            objection_count=Count("objections"),
            answered_count=Count("objections", filter=Q(objections__answered_on__isnull=False)),
        )
        .prefetch_related(Prefetch("amendments", to_attr="amendment_list"))
        .order_by("posted_on", "id")
    )
    meetings = (
        Meeting.objects.filter(quorum_met=True)
        .only(
            "id",
            "matter_id",
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
        )
        .order_by("held_on", "id")
    )
    return (
        Matter.objects.within(region)
        .filter(disclosed_on__isnull=False)
        .select_related("village", "category")
        .only(
            "id",
            "title",
            "content",
            "estimated_amount",
            "status",
            "step",
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
        .order_by("-disclosed_on", "-id")
    )


# -- oversight --------------------------------------------------------------------------------------

OVERSIGHT_LIST = 50


def matters_by_child(*, region: Region) -> list[dict]:
    """Per child region (villages of a township, townships of a county ...): open matters by step, rejected
    and completed. Two queries."""
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
        late=Count("pk", filter=Q(resolved_late=True) | Q(recorded_late=True)),
        **counts,
    )
    empty = {"total": 0, "rejected": 0, "completed": 0, "late": 0, **{k: 0 for k in counts}}
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
