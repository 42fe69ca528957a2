"""County-defined lists: rooms/functions and building-standard items a county adds to the standard ones."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from centers.models import ChecklistItem, Region, RoomType
from centers.roles import MANAGE_CATALOG, Level
from centers.scoping import region_in_scope

CATALOG_NOT_YOURS = "只能维护本县自定义的清单项，标准项由系统统一维护。"
NOT_A_COUNTY = "清单只能由县（区）维护。"


def _check(actor, county: Region) -> None:
    if county.level != Level.COUNTY:
        raise ValidationError(NOT_A_COUNTY)
    if actor is not None and not region_in_scope(actor, MANAGE_CATALOG, county):
        raise PermissionDenied(CATALOG_NOT_YOURS)


@transaction.atomic
def room_type_create(*, actor, county: Region, name: str) -> RoomType:
    _check(actor, county)
    room = RoomType(county=county, name=name.strip(), sort_order=500)
    room.full_clean()
    room.save()
    return room


@transaction.atomic
def checklist_item_create(*, actor, county: Region, category: str, name: str, description: str = "") -> ChecklistItem:
    _check(actor, county)
    item = ChecklistItem(county=county, category=category.strip(), name=name.strip(),
                         description=description.strip(), sort_order=500)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def catalog_entry_toggle(*, actor, entry: RoomType | ChecklistItem) -> RoomType | ChecklistItem:
    """Switches a county's own room type or standard item on or off (history stays; rows are never deleted)."""
    if entry.county is None:
        raise PermissionDenied(CATALOG_NOT_YOURS)
    _check(actor, entry.county)
    entry.is_active = not entry.is_active
    entry.save(update_fields=["is_active"])
    return entry
