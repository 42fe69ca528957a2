"""Writes on service centers: details, rooms, the building-standard checklist, and its reminders."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from centers.models import ChecklistEntry, ChecklistItem, Post, Region, RoomType, ServiceCenter
from centers.roles import CHANGE_CENTER, Level, Role
from centers.scoping import region_in_scope
from centers.selectors import checklist_items_for, county_of, room_types_for
from uploads.images import photo_reencode

CENTER_EDITED_MEANWHILE = "该党群服务中心的信息已被他人修改，请刷新页面后重新填写。"
CENTER_NOT_EDITABLE = "您无权修改该党群服务中心。"
ITEM_NOT_FOR_COUNTY = "该标准项不适用于本县。"
CHECKED_ON_IN_FUTURE = "检查日期不能晚于今天。"
ENTRY_EDITED_MEANWHILE = "该标准项已被他人修改，请刷新页面后重新填写。"
ROOM_NOT_FOR_COUNTY = "所选功能室不适用于本县。"


def service_centers_ensure(*, regions: list[Region]) -> int:
    """Creates the missing service center of each given county/township/village region."""
    have = set(ServiceCenter.objects.filter(region__in=regions).values_list("region_id", flat=True))
    new = [ServiceCenter(region=r, name=f"{r.name}党群服务中心") for r in regions
           if r.pk not in have and r.level in (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)]
    ServiceCenter.objects.bulk_create(new, batch_size=2000)
    return len(new)


def _check_editable(actor, center: ServiceCenter) -> None:
    if actor is not None and not region_in_scope(actor, CHANGE_CENTER, center.region):
        raise PermissionDenied(CENTER_NOT_EDITABLE)


@transaction.atomic
def center_update(*, actor, center: ServiceCenter, version: int, name: str, address: str, duty_phone: str,
                  opening_hours: str, rooms: list[RoomType]) -> ServiceCenter:
    """Saves a center's details if nobody saved since ``version`` was read; otherwise refuses."""
    _check_editable(actor, center)
    allowed = set(room_types_for(county_of(center.region)).values_list("pk", flat=True))
    if any(room.pk not in allowed for room in rooms):
        raise ValidationError(ROOM_NOT_FOR_COUNTY)
    updated = ServiceCenter.objects.filter(pk=center.pk, version=version).update(
        name=name, address=address, duty_phone=duty_phone, opening_hours=opening_hours,
        version=F("version") + 1, updated_at=timezone.now())
    if updated != 1:
        raise ValidationError(CENTER_EDITED_MEANWHILE)
    center.refresh_from_db()
    center.rooms.set(rooms)
    return center


@transaction.atomic
def checklist_entry_update(*, actor, center: ServiceCenter, item: ChecklistItem, is_met: bool,
                           checked_on: date | None, note: str, photo=None, remove_photo: bool = False,
                           version: int | None = None) -> ChecklistEntry:
    """Records a center's state on one standard item; a new photo is checked and re-encoded first.

    ``version`` is the entry's version when the form was read (0: no entry yet); a save on top of
    someone else's is refused. Replaced photos stay in storage: the audit trail refers to them.
    """
    _check_editable(actor, center)
    if item.county_id is not None and not center.region.prefix.startswith(item.county.prefix):
        raise ValidationError(ITEM_NOT_FOR_COUNTY)
    if checked_on and checked_on > timezone.localdate():
        raise ValidationError(CHECKED_ON_IN_FUTURE)
    clean_photo = photo_reencode(photo, max_bytes=settings.PHOTO_MAX_BYTES) if photo else None
    entry, _ = ChecklistEntry.objects.select_for_update().get_or_create(
        center=center, item=item, defaults={"region_id": center.region_id})
    if version is not None and entry.version != version:
        raise ValidationError(ENTRY_EDITED_MEANWHILE)
    entry.is_met, entry.checked_on, entry.note, entry.updated_by = is_met, checked_on, note, actor
    entry.version += 1
    if clean_photo is not None:
        entry.photo.save(clean_photo.name, clean_photo, save=False)
    elif remove_photo:
        entry.photo = ""
    try:
        entry.full_clean()
        entry.save()
    except Exception:
        if clean_photo is not None:
            entry.photo.storage.delete(entry.photo.name)  # no orphan file when the save fails
        raise
    return entry


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def checklist_reminders_send(*, today: date | None = None) -> int:
    """Reminds each village's party secretary of unmet building-standard items, once per week."""
    from notifications.services import reminder_send

    today = today or timezone.localdate()
    due = week_start(today)
    sent = 0
    totals: dict[str, int] = {}  # items in force per county, looked up once per county
    centers = (ServiceCenter.objects.filter(region__level=Level.VILLAGE)
               .select_related("region")
               .annotate(met=Count("checklist_entries", filter=Q(checklist_entries__is_met=True,
                                                                  checklist_entries__item__is_active=True))))
    secretaries: dict[int, list] = {}
    for post in Post.objects.filter(role=Role.VILLAGE_SECRETARY, ended_on__isnull=True).select_related("user"):
        secretaries.setdefault(post.region_id, []).append(post.user)
    for center in centers.iterator(chunk_size=2000):
        county_prefix = center.region.prefix[:6]
        if county_prefix not in totals:
            totals[county_prefix] = checklist_items_for(county_of(center.region)).count()
        unmet = totals[county_prefix] - center.met
        if unmet <= 0:
            continue
        for user in secretaries.get(center.region_id, []):
            if reminder_send(obj=center, kind="checklist_unmet", due_date=due, recipient=user,
                             title=f"{center.name}有{unmet}项建设标准未达标",
                             body="请对照建设标准逐项整改，并上传达标照片。", url=center.get_absolute_url()):
                sent += 1
    return sent
