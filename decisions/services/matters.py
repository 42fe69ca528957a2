"""Matters (决策事项): categories, village rosters, registering a matter and proposing it again."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from decisions.caching import matter_changed
from decisions.models import Majority, Matter, MatterCategory, Step, VillageRoster
from decisions.services.common import DATE_IN_FUTURE, check_manages
from decisions.workflows import MATTER, Kind, Status
from regions.models import Region
from regions.services import list_entry_check_owner

CATEGORY_NOT_HERE = "该事项类别不适用于本村。"
NOT_REJECTED = "只有未通过的事项可以重新提议。"
ALREADY_REPROPOSED = "该事项已经重新提议过，请办理新的事项。"
REPRESENTATIVES_SHORT = (
    "村民代表{representatives}人，占村民代表会议组成人员{members}人（村民委员会成员{committee}人和村民代表）的比例"
    "低于五分之四（村民委员会组织法第二十五条），请核实。"
)
VILLAGE_COMMITTEE_REQUIRED = "请填写村民委员会成员数（村民代表会议由村民委员会成员和村民代表组成）。"


# -- categories -------------------------------------------------------------------------------------


@transaction.atomic
def category_create(*, actor, region: Region, name: str, majority: str = Majority.STANDARD) -> MatterCategory:
    """A county's or township's own category, in force in the villages below it, with the majority its
    resolution needs (a county may require two thirds of all entitled for its own land matters)."""
    list_entry_check_owner(actor, MatterCategory, region)
    category = MatterCategory(region=region, name=name.strip(), majority=majority)
    category.full_clean()
    category.save()
    return category


def category_applies(category: MatterCategory, village: Region) -> bool:
    return MatterCategory.objects.applying_at(village).filter(pk=category.pk).exists()


# -- rosters ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterCounts:
    branch_committee: int
    party_members: int
    committee_members: int
    representatives: int
    adults: int
    households: int
    # 村民委员会成员 (组织法 第25条); None only on rosters recorded before it was asked.
    village_committee: int | None = None


def representatives_short_text(roster: VillageRoster) -> str:
    """The composition warning of a roster whose representatives are fewer than 4/5 of the assembly."""
    return REPRESENTATIVES_SHORT.format(
        representatives=roster.representatives,
        members=roster.assembly_members,
        committee=roster.village_committee,
    )


def roster_record(
    *, actor, village: Region, valid_from: datetime.date, counts: RosterCounts
) -> VillageRoster:
    check_manages(actor, village)
    if valid_from > timezone.localdate():
        raise ValidationError(DATE_IN_FUTURE.format(what="起始日期"))
    if counts.village_committee is None:
        raise ValidationError(VILLAGE_COMMITTEE_REQUIRED)
    roster = VillageRoster(village=village, valid_from=valid_from, recorded_by=actor, **counts.__dict__)
    roster.full_clean()
    roster.save()
    return roster


# -- matters ----------------------------------------------------------------------------------------


@transaction.atomic
def matter_register(
    *,
    actor,
    village: Region,
    category: MatterCategory,
    title: str,
    content: str,
    estimated_amount: Decimal | None,
    proposed_by: str,
    previous: Matter | None = None,
) -> Matter:
    """Registers a matter; it starts at 党组织提议 (the proposal meeting is its first step)."""
    check_manages(actor, village)
    if not category_applies(category, village):
        raise ValidationError(CATEGORY_NOT_HERE)
    matter = Matter(
        village=village,
        category=category,
        title=title.strip(),
        content=content.strip(),
        estimated_amount=estimated_amount,
        proposed_by=proposed_by.strip(),
        previous=previous,
        step=Step.PROPOSAL,
        step_since=timezone.localdate(),
        created_by=actor,
    )
    matter.full_clean()
    matter.save()
    MATTER.record(
        matter,
        Kind.REGISTERED,
        actor=actor,
        created=True,
        payload={"previous_id": previous.pk, "previous_title": previous.title} if previous else {},
    )
    matter_changed(matter)
    return matter


@transaction.atomic
def matter_repropose(*, actor, matter: Matter) -> Matter:
    """A rejected matter may be proposed again, once: a new matter linked to the old one."""
    check_manages(actor, matter.village)
    matter = (
        Matter.objects.select_for_update(of=("self",)).select_related("village", "category").get(pk=matter.pk)
    )
    if matter.status != Status.REJECTED:
        raise ValidationError(NOT_REJECTED)
    if matter.reproposals.exists():
        raise ValidationError(ALREADY_REPROPOSED)
    if not category_applies(matter.category, matter.village):
        raise ValidationError(CATEGORY_NOT_HERE)
    new = matter_register(
        actor=actor,
        village=matter.village,
        category=matter.category,
        title=matter.title,
        content=matter.content,
        estimated_amount=matter.estimated_amount,
        proposed_by=matter.proposed_by,
        previous=matter,
    )
    MATTER.record(matter, Kind.REPROPOSED, actor=actor, payload={"new_id": new.pk})
    matter_changed(matter)
    return new
