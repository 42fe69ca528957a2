"""Writes on service centers: details, rooms, the building-standard checklist and its reminders, and the
county's own rooms and standard items."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from centers.kinds import CenterReminder
from centers.models import ChecklistEntry, ChecklistItem, RoomType, ServiceCenter
from centers.permissions import CHANGE_CENTER
from core import region_cache
from core.workflow import lock_for_update, version_check, versioned_save
from notifications.services import remind
from regions.models import Region
from regions.roles import Level, Role
from regions.scoping import require
from regions.selectors import post_holders
from regions.services import list_entry_check_owner
from uploads.images import photo_reencode
from uploads.storage import atomic_with_files, file_store

CENTER_EDITED_MEANWHILE = "该党群服务中心的信息已被他人修改，请刷新页面后重新填写。"
CENTER_NOT_EDITABLE = "您无权修改该党群服务中心。"
ITEM_NOT_FOR_COUNTY = "该标准项不适用于本县。"
CHECKED_ON_IN_FUTURE = "检查日期不能晚于今天。"
ENTRY_EDITED_MEANWHILE = "该标准项已被他人修改，请刷新页面后重新填写。"
ROOM_NOT_FOR_COUNTY = "所选功能室不适用于本县。"
CENTER_FIELDS = ("name", "address", "duty_phone", "opening_hours")


CENTER_NAME_SUFFIX = "党群服务中心"


def service_center_name(region: Region) -> str:
    """某某村党群服务中心, cut to fit the column: a region named before names were limited may be long."""
    limit = ServiceCenter._meta.get_field("name").max_length - len(CENTER_NAME_SUFFIX)
    return f"{region.name[:limit]}{CENTER_NAME_SUFFIX}"


def service_centers_ensure(*, regions: list[Region]) -> int:
    """Creates the missing service center of each given county/township/village region."""
    regions = [r for r in regions if r.level in (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)]
    have = set(ServiceCenter.objects.filter(region__in=regions).values_list("region_id", flat=True))
    new = [ServiceCenter(region=r, name=service_center_name(r)) for r in regions if r.pk not in have]
    ServiceCenter.objects.bulk_create(new, batch_size=2000)
    return len(new)


@transaction.atomic
def center_update(
    *,
    actor,
    center: ServiceCenter,
    version: int,
    name: str,
    address: str,
    duty_phone: str,
    opening_hours: str,
    rooms: list[RoomType],
) -> ServiceCenter:
    """Saves a center's details if nobody saved since ``version`` was read; otherwise refuses."""
    require(actor, CHANGE_CENTER, center.region, message=CENTER_NOT_EDITABLE)
    allowed = set(RoomType.objects.applying_at(center.region).values_list("pk", flat=True))
    if any(room.pk not in allowed for room in rooms):
        raise ValidationError(ROOM_NOT_FOR_COUNTY)
    center = lock_for_update(
        ServiceCenter.objects.select_related("region"),
        center.pk,
        version=version,
        message=CENTER_EDITED_MEANWHILE,
    )
    center.name, center.address, center.duty_phone, center.opening_hours = (
        name,
        address,
        duty_phone,
        opening_hours,
    )
    center.full_clean(exclude=["rooms"])
    versioned_save(center, [*CENTER_FIELDS, "updated_at"])
    center.rooms.set(rooms)
    region_cache.touch("center", center.region)
    return center


@atomic_with_files
def checklist_entry_update(
    *,
    actor,
    center: ServiceCenter,
    item: ChecklistItem,
    is_met: bool,
    checked_on: date | None,
    note: str,
    photo=None,
    remove_photo: bool = False,
    version: int | None = None,
) -> ChecklistEntry:
    """Records a center's state on one standard item; a new photo is checked and re-encoded first.

    ``version`` is the entry's version when the form was read (0: no entry yet); a save on top of
    someone else's is refused. Replaced photos stay in storage: the audit trail refers to them.
    """
    require(actor, CHANGE_CENTER, center.region, message=CENTER_NOT_EDITABLE)
    if not ChecklistItem.objects.applying_at(center.region).filter(pk=item.pk).exists():
        raise ValidationError(ITEM_NOT_FOR_COUNTY)
    if checked_on and checked_on > timezone.localdate():
        raise ValidationError(CHECKED_ON_IN_FUTURE)
    clean_photo = photo_reencode(photo, max_bytes=settings.PHOTO_MAX_BYTES) if photo else None
    entry, _ = ChecklistEntry.objects.select_for_update().get_or_create(
        center=center, item=item, defaults={"region_id": center.region_id}
    )
    version_check(entry, version, message=ENTRY_EDITED_MEANWHILE)
    entry.is_met, entry.checked_on, entry.note, entry.updated_by = is_met, checked_on, note, actor
    if clean_photo is not None:
        file_store(entry.photo, clean_photo)  # deleted again if the save below fails
    elif remove_photo:
        entry.photo = ""
    entry.full_clean()
    versioned_save(entry, ["is_met", "checked_on", "note", "updated_by", "photo", "updated_at"])
    for topic in ("center", "children"):
        region_cache.touch(topic, center.region)
    return entry


@transaction.atomic
def room_type_create(*, actor, region: Region, name: str) -> RoomType:
    list_entry_check_owner(actor, RoomType, region)
    room = RoomType(region=region, name=name.strip(), sort_order=500)
    room.full_clean()
    room.save()
    return room


@transaction.atomic
def checklist_item_create(
    *, actor, region: Region, category: str, name: str, description: str = ""
) -> ChecklistItem:
    list_entry_check_owner(actor, ChecklistItem, region)
    item = ChecklistItem(
        region=region,
        category=category.strip(),
        name=name.strip(),
        description=description.strip(),
        sort_order=500,
    )
    item.full_clean()
    item.save()
    return item


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def checklist_reminders_send(*, today: date | None = None) -> int:
    """Reminds each village's party secretary of unmet building-standard items, once per week."""
    today = today or timezone.localdate()
    due = week_start(today)
    sent = 0
    totals: dict[str, int] = {}  # items in force per county, counted once per county
    centers = (
        ServiceCenter.objects.filter(region__level=Level.VILLAGE)
        .select_related("region")
        .annotate(
            met=Count(
                "checklist_entries",
                filter=Q(checklist_entries__is_met=True, checklist_entries__item__is_active=True),
            )
        )
    )
    secretaries = post_holders(Region.objects.filter(level=Level.VILLAGE), (Role.VILLAGE_SECRETARY,))
    for center in centers.iterator(chunk_size=2000):
        county_prefix = center.region.prefix[:6]
        if county_prefix not in totals:
            totals[county_prefix] = ChecklistItem.objects.applying_at(center.region).count()
        unmet = totals[county_prefix] - center.met
        if unmet <= 0:
            continue
        sent += remind(
            center,
            kind=CenterReminder.CHECKLIST_UNMET,
            due_date=due,
            recipients=secretaries.get(center.region_id, []),
            url=center.get_absolute_url(),
            title=f"{center.name}有{unmet}项建设标准未达标",
            body="请对照建设标准逐项整改，并上传达标照片。",
        )
    return sent
