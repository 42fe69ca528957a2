"""The service-item catalog (服务事项清单) and the county working-day calendar: writes and imports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from centers.models import CalendarDay, HandlingWay, Region, ServiceItem
from centers.roles import MANAGE_CATALOG, MANAGE_SERVICE_ITEMS, Level
from centers.scoping import region_in_scope
from spreadsheets.reading import Row

ITEM_NOT_YOURS = "只能维护本单位制定的服务事项。"
ITEM_OWNER_LEVEL = "服务事项只能由县（区）或乡镇（街道）制定。"
CALENDAR_NOT_YOURS = "只能维护本县的工作日历。"
HOLIDAY_ON_WEEKEND = "周末本来就休息，无需设为节假日。"
WORKDAY_ON_WEEKDAY = "工作日本来就上班，无需设为调休上班。"
WAY_BY_LABEL = {label: value for value, label in HandlingWay.choices} | {v: v for v, _ in HandlingWay.choices}
ITEM_FIELDS = ("name", "category", "handling_way", "office", "materials", "promised_days", "needs_id_number")


def _check_owner(actor, region: Region) -> None:
    if region.level not in (Level.COUNTY, Level.TOWNSHIP):
        raise ValidationError(ITEM_OWNER_LEVEL)
    if actor is not None and not region_in_scope(actor, MANAGE_SERVICE_ITEMS, region):
        raise PermissionDenied(ITEM_NOT_YOURS)


@transaction.atomic
def service_item_create(*, actor, region: Region, name: str, category: str, handling_way: str, office: str,
                        materials: str, promised_days: int, needs_id_number: bool) -> ServiceItem:
    _check_owner(actor, region)
    item = ServiceItem(region=region, name=name.strip(), category=category.strip(), handling_way=handling_way,
                       office=office.strip(), materials=materials.strip(), promised_days=promised_days,
                       needs_id_number=needs_id_number, sort_order=500)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def service_item_update(*, actor, item: ServiceItem, **changes) -> ServiceItem:
    """Changes an item of the actor's own county or township (standard items change in the admin)."""
    if item.region is None:
        raise PermissionDenied(ITEM_NOT_YOURS)
    _check_owner(actor, item.region)
    for name in ITEM_FIELDS:
        if name in changes:
            setattr(item, name, changes[name].strip() if isinstance(changes[name], str) else changes[name])
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def service_item_toggle(*, actor, item: ServiceItem) -> ServiceItem:
    if item.region is None:
        raise PermissionDenied(ITEM_NOT_YOURS)
    _check_owner(actor, item.region)
    item.is_active = not item.is_active
    item.save(update_fields=["is_active"])
    return item


@dataclass
class ServiceItemImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


@transaction.atomic
def service_items_import(*, actor, region: Region, rows: list[Row]) -> ServiceItemImportResult:
    """Imports items for ``region``: columns 事项名称, 类别, 办理方式, 责任科室, 所需材料（用；分隔）,
    承诺时限（工作日）, 是否需要身份证号（是/否）. An item of the same name is updated. All or nothing."""
    _check_owner(actor, region)
    errors: list[str] = []
    seen: dict[str, int] = {}
    parsed = []
    for row in rows:
        name, category, way_text, office, materials, days_text, id_text = (row.cell(i) for i in range(7))
        problems = []
        for label, value in (("事项名称", name), ("类别", category), ("办理方式", way_text), ("责任科室", office),
                             ("承诺时限", days_text)):
            if not value:
                problems.append(f"{label}为空")
        if name in seen:
            problems.append(f"事项“{name}”与第{seen[name]}行重复")
        seen.setdefault(name, row.number)
        way = WAY_BY_LABEL.get(way_text)
        if way_text and way is None:
            problems.append(f"办理方式“{way_text}”应为现场办、代理办、协助办、介绍办或全程办")
        days = int(days_text) if days_text.isdigit() else None
        if days_text and (days is None or not 1 <= days <= 365):
            problems.append(f"承诺时限“{days_text}”应为1至365的整数")
        if id_text not in ("", "是", "否"):
            problems.append(f"是否需要身份证号应填“是”或“否”，不是“{id_text}”")
        for label, value, limit in (("事项名称", name, 100), ("类别", category, 30), ("责任科室", office, 60)):
            if len(value) > limit:
                problems.append(f"{label}超过{limit}个字")
        if problems:
            errors.append(f"第{row.number}行：" + "；".join(problems))
            continue
        parsed.append({"name": name, "category": category, "handling_way": way, "office": office,
                       "materials": "\n".join(m.strip() for m in materials.replace(";", "；").split("；") if m.strip()),
                       "promised_days": days, "needs_id_number": id_text != "否"})
    if errors:
        return ServiceItemImportResult(errors=errors)
    result = ServiceItemImportResult()
    existing = {item.name: item for item in ServiceItem.objects.filter(region=region)}
    for data in parsed:
        item = existing.get(data["name"])
        if item is None:
            service_item_create(actor=actor, region=region, **data)
            result.created += 1
        elif any(getattr(item, k) != v for k, v in data.items()):
            service_item_update(actor=actor, item=item, **data)
            result.updated += 1
    return result


def _check_calendar(actor, county: Region) -> None:
    if county.level != Level.COUNTY:
        raise ValidationError(CALENDAR_NOT_YOURS)
    if actor is not None and not region_in_scope(actor, MANAGE_CATALOG, county):
        raise PermissionDenied(CALENDAR_NOT_YOURS)


@transaction.atomic
def calendar_day_set(*, actor, county: Region, day: date, kind: str, name: str = "") -> CalendarDay:
    """Marks a weekday as a public holiday or a weekend day as a make-up working day (调休)."""
    _check_calendar(actor, county)
    if kind == CalendarDay.Kind.HOLIDAY and day.weekday() >= 5:
        raise ValidationError(HOLIDAY_ON_WEEKEND)
    if kind == CalendarDay.Kind.WORKDAY and day.weekday() < 5:
        raise ValidationError(WORKDAY_ON_WEEKDAY)
    entry, _ = CalendarDay.objects.update_or_create(county=county, date=day, defaults={"kind": kind, "name": name})
    return entry


@transaction.atomic
def calendar_day_remove(*, actor, entry: CalendarDay) -> None:
    _check_calendar(actor, entry.county)
    entry.delete()
