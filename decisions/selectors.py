"""Reads of the decisions app: scoped querysets and the aggregates of the oversight pages and the bulletin.

Every page costs a fixed number of queries whatever the number of matters (pinned in tests).
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404

from centers.models import Region
from centers.roles import MANAGE_DECISION_CATEGORIES, VIEW, Level
from centers.scoping import prefix_q
from centers.selectors import pinyin
from decisions.models import (
    STEP_ORDER,
    BoardPhoto,
    Disclosure,
    Matter,
    MatterCategory,
    Meeting,
    MeetingAttachment,
    Objection,
    Step,
    SupervisionOpinion,
    VillageRoster,
)

BULLETIN_LEVELS = (Level.VILLAGE, Level.TOWNSHIP)


def categories_for_village(village: Region) -> QuerySet[MatterCategory]:
    """Active categories that apply in a village: the statutory ones, its county's and its township's."""
    return MatterCategory.objects.filter(
        Q(region__isnull=True) | Q(region__prefix__in=village.ancestor_prefixes()), is_active=True,
    ).order_by("region__prefix", "sort_order", "id")


def categories_managed(*, user) -> QuerySet[MatterCategory]:
    """The statutory list plus the categories of the counties and townships the user may maintain."""
    return (MatterCategory.objects.filter(Q(region__isnull=True) |
                                          prefix_q(user, MANAGE_DECISION_CATEGORIES, field="region__prefix"))
            .select_related("region").order_by("region__prefix", "sort_order", "id"))


def category_get_for_user(*, user, pk: int) -> MatterCategory:
    return get_object_or_404(MatterCategory.objects.filter(prefix_q(user, MANAGE_DECISION_CATEGORIES,
                                                                    field="region__prefix"))
                             .select_related("region"), pk=pk)


def rosters_of(*, village: Region) -> QuerySet[VillageRoster]:
    return VillageRoster.objects.filter(village=village).select_related("recorded_by").order_by("-valid_from")


def matters_for_user(*, user, region: Region | None = None, status: str = "", step: str = "", category=None,
                     year: int | None = None, query: str = "") -> QuerySet[Matter]:
    matters = Matter.objects.filter(prefix_q(user, VIEW, field="village__prefix"))
    if region is not None:
        matters = matters.filter(village__prefix__startswith=region.prefix)
    if status:
        matters = matters.filter(status=status)
    if step:
        matters = matters.filter(step=step, status=Matter.Status.OPEN)
    if category is not None:
        matters = matters.filter(category=category)
    if year:
        matters = matters.filter(Q(proposed_on__year=year) | Q(proposed_on__isnull=True, created_at__year=year))
    if query:
        matters = matters.filter(title__contains=query)
    return matters.select_related("village__parent", "category").order_by("-created_at", "-id")


def matter_get_for_user(*, user, pk: int) -> Matter:
    return get_object_or_404(Matter.objects.filter(prefix_q(user, VIEW, field="village__prefix"))
                             .select_related("village__parent", "category", "created_by", "previous"), pk=pk)


def matter_record(*, matter: Matter) -> dict:
    """Everything on a matter's page and in its record book: meetings with papers, disclosures with their
    amendments, photos and objections, the supervision committee's opinions and the timeline."""
    return {
        "meetings": list(matter.meetings.select_related("recorded_by").prefetch_related("attachments")
                         .order_by("held_on", "id")),
        "disclosures": list(matter.disclosures.select_related("posted_by")
                            .prefetch_related("amendments", "board_photos", "objections").order_by("posted_on")),
        "opinions": list(matter.opinions.select_related("recorded_by").order_by("at", "id")),
        "transitions": list(matter.transitions.select_related("actor").order_by("at", "id")),
        "reproposals": list(matter.reproposals.order_by("id")),
    }


def _in_scope(queryset, user, field: str):
    return queryset.filter(prefix_q(user, VIEW, field=field))


def attachment_get_for_user(*, user, pk: int) -> MeetingAttachment:
    return get_object_or_404(_in_scope(MeetingAttachment.objects.select_related("meeting__matter"), user,
                                       "meeting__matter__village__prefix"), pk=pk)


def board_photo_get_for_user(*, user, pk: int) -> BoardPhoto:
    return get_object_or_404(_in_scope(BoardPhoto.objects.all(), user, "disclosure__matter__village__prefix"), pk=pk)


def meeting_get_for_user(*, user, pk: int) -> Meeting:
    return get_object_or_404(_in_scope(Meeting.objects.select_related("matter__village"), user,
                                       "matter__village__prefix"), pk=pk)


def disclosure_get_for_user(*, user, pk: int) -> Disclosure:
    return get_object_or_404(_in_scope(Disclosure.objects.select_related("matter__village"), user,
                                       "matter__village__prefix"), pk=pk)


def objection_get_for_user(*, user, pk: int) -> Objection:
    return get_object_or_404(_in_scope(Objection.objects.select_related("disclosure__matter__village"), user,
                                       "disclosure__matter__village__prefix"), pk=pk)


def corrections_by_field(amendments) -> dict[str, list]:
    """Amendments grouped by the field they correct, oldest first (from prefetched rows)."""
    grouped: dict[str, list] = {}
    for amendment in sorted(amendments, key=lambda a: (a.created_at, a.id)):
        grouped.setdefault(amendment.field, []).append(amendment)
    return grouped


# -- the public bulletin ----------------------------------------------------------------------------


def bulletin_region(*, code: str) -> Region:
    """A village or township (the bulletin exists for both; other codes answer 404)."""
    return get_object_or_404(Region.objects.select_related("parent"), code=code, level__in=BULLETIN_LEVELS)


def bulletin_matters(*, region: Region) -> QuerySet[Matter]:
    """Disclosed matters under the region, latest posting first, with what the bulletin shows of each:
    the disclosures with their amendments and objection counts, and the meetings that were held.
    No personal data is selected for display (no proposer, chair, recorder or objector)."""
    disclosures = (Disclosure.objects.annotate(objection_count=Count("objections"),
                                               answered_count=Count("objections",
                                                                    filter=Q(objections__answered_on__isnull=False)))
                   .prefetch_related(Prefetch("amendments", to_attr="amendment_list")).order_by("posted_on", "id"))
    meetings = Meeting.objects.filter(quorum_met=True).only(
        "id", "matter_id", "step", "body", "held_on", "entitled", "present", "households_total",
        "households_present", "votes_for", "votes_against", "votes_abstain", "passed").order_by("held_on", "id")
    return (Matter.objects.filter(village__prefix__startswith=region.prefix, disclosed_on__isnull=False)
            .select_related("village", "category")
            .only("id", "title", "content", "estimated_amount", "status", "step", "proposed_on", "resolved_on",
                  "disclosed_on", "completed_on", "village__name", "village__code", "category__name")
            .prefetch_related(Prefetch("disclosures", queryset=disclosures, to_attr="disclosure_list"),
                              Prefetch("meetings", queryset=meetings, to_attr="held_meetings"))
            .order_by("-disclosed_on", "-id"))


# -- oversight --------------------------------------------------------------------------------------

OVERSIGHT_LIST = 50


def _child_length(region: Region) -> int | None:
    return {Level.PROVINCE: 4, Level.CITY: 6, Level.COUNTY: 9, Level.TOWNSHIP: 12}.get(region.level)


def matters_by_child(*, region: Region) -> list[dict]:
    """Per child region (villages of a township, townships of a county ...): open matters by step, rejected
    and completed. Two queries."""
    n = _child_length(region)
    children = (list(Region.objects.filter(parent=region).order_by(pinyin("name"), "code")) if n
                else [region])
    n = n or len(region.prefix)
    counts = {f"step_{step.value}": Count("pk", filter=Q(status=Matter.Status.OPEN, step=step)) for step in Step}
    rows = (Matter.objects.filter(village__prefix__startswith=region.prefix)
            .annotate(child=Substr("village__prefix", 1, n)).order_by().values("child")
            .annotate(total=Count("pk"), rejected=Count("pk", filter=Q(status=Matter.Status.REJECTED)),
                      completed=Count("pk", filter=Q(status=Matter.Status.COMPLETED)),
                      late=Count("pk", filter=Q(resolved_late=True) | Q(recorded_late=True)), **counts))
    by_child = {row["child"]: row for row in rows}
    empty = {"total": 0, "rejected": 0, "completed": 0, "late": 0, **{k: 0 for k in counts}}
    result = []
    for child in children:
        row = by_child.get(child.prefix, empty)
        result.append({"region": child, **row, "steps": [row[f"step_{s.value}"] for s in STEP_ORDER]})
    return result


def stuck_matters(*, region: Region, today: datetime.date, stuck_days: int) -> QuerySet[Matter]:
    """Open matters on the same step for more than ``stuck_days`` (implementation may rightly take longer)."""
    return (Matter.objects.filter(village__prefix__startswith=region.prefix, status=Matter.Status.OPEN,
                                  step_since__lt=today - datetime.timedelta(days=stuck_days))
            .exclude(step=Step.IMPLEMENTATION).select_related("village__parent", "category").order_by("step_since", "id"))


def late_matters(*, region: Region) -> QuerySet[Matter]:
    return (Matter.objects.filter(Q(resolved_late=True) | Q(recorded_late=True),
                                  village__prefix__startswith=region.prefix)
            .select_related("village__parent", "category").order_by("-created_at", "-id"))


def disclosures_without_photo(*, region: Region) -> QuerySet[Disclosure]:
    # NOT EXISTS, not a LEFT JOIN ... IS NULL: the join would read every photo of the database first.
    return (Disclosure.objects.filter(~Exists(BoardPhoto.objects.filter(disclosure=OuterRef("pk"))),
                                      matter__village__prefix__startswith=region.prefix)
            .select_related("matter__village__parent").order_by("-posted_on", "-id"))


def supervision_objections(*, region: Region) -> QuerySet[SupervisionOpinion]:
    return (SupervisionOpinion.objects.filter(matter__village__prefix__startswith=region.prefix,
                                              verdict=SupervisionOpinion.Verdict.OBJECT)
            .select_related("matter__village__parent").order_by("-at", "-id"))


def decision_figures(*, region: Region, year: int, stuck_before: datetime.date | None = None) -> dict:
    """Matters decided (resolution passed) in the year and the share that went through every step on time;
    with ``stuck_before``, also the open matters on one step since before it (implementation excepted).
    One query."""
    decided = Q(resolved_on__year=year)
    counts = {"decided": Count("pk", filter=decided),
              "on_time": Count("pk", filter=decided & Q(resolved_late=False, recorded_late=False)),
              "completed": Count("pk", filter=decided & Q(status=Matter.Status.COMPLETED))}
    if stuck_before is not None:
        counts["stuck"] = Count("pk", filter=Q(status=Matter.Status.OPEN, step_since__lt=stuck_before) &
                                ~Q(step=Step.IMPLEMENTATION))
    figures = Matter.objects.filter(village__prefix__startswith=region.prefix).aggregate(**counts)
    figures["on_time_rate"] = figures["on_time"] * 100 / figures["decided"] if figures["decided"] else None
    return figures


# -- the record book --------------------------------------------------------------------------------


def record_book_matters(*, village: Region, year: int) -> QuerySet[Matter]:
    return (Matter.objects.filter(Q(proposed_on__year=year) | Q(proposed_on__isnull=True, created_at__year=year),
                                  village=village)
            .select_related("category", "previous").prefetch_related("disclosures__amendments")
            .order_by("proposed_on", "id"))


def record_book_meetings(*, village: Region, year: int) -> QuerySet[Meeting]:
    return (Meeting.objects.filter(Q(matter__proposed_on__year=year) |
                                   Q(matter__proposed_on__isnull=True, matter__created_at__year=year),
                                   matter__village=village)
            .select_related("matter").annotate(attachment_count=Count("attachments")).order_by("held_on", "id"))
