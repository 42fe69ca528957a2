"""The service-item catalog (服务事项清单): a county's and a township's own items, and their import."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from centers.models import HandlingWay, ServiceItem
from core.text import is_ascii_digits
from regions.models import Region
from regions.services import list_entry_check_owner
from spreadsheets.reading import Row

ITEM_STANDARD = "标准目录中的服务事项由系统统一维护，只能修改本单位制定的事项。"
WAY_BY_LABEL = {label: value for value, label in HandlingWay.choices} | {v: v for v, _ in HandlingWay.choices}
ITEM_FIELDS = (
    "name",
    "category",
    "handling_way",
    "office",
    "materials",
    "promised_days",
    "needs_id_number",
    "conditions",
    "flow",
)


@transaction.atomic
def service_item_create(
    *,
    actor,
    region: Region,
    name: str,
    category: str,
    handling_way: str,
    office: str,
    materials: str,
    promised_days: int,
    needs_id_number: bool,
    conditions: str = "",
    flow: str = "",
) -> ServiceItem:
    list_entry_check_owner(actor, ServiceItem, region)
    item = ServiceItem(
        region=region,
        name=name.strip(),
        category=category.strip(),
        handling_way=handling_way,
        office=office.strip(),
        materials=materials.strip(),
        promised_days=promised_days,
        needs_id_number=needs_id_number,
        conditions=conditions.strip(),
        flow=flow.strip(),
        sort_order=500,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def service_item_update(*, actor, item: ServiceItem, **changes) -> ServiceItem:
    """Changes an item of the actor's own county or township (standard items change in the admin)."""
    if item.region is None:
        raise ValidationError(ITEM_STANDARD)
    list_entry_check_owner(actor, ServiceItem, item.region)
    for name in ITEM_FIELDS:
        if name in changes:
            setattr(item, name, changes[name].strip() if isinstance(changes[name], str) else changes[name])
    item.full_clean()
    item.save()
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
    list_entry_check_owner(actor, ServiceItem, region)
    errors: list[str] = []
    seen: dict[str, int] = {}
    parsed = []
    for row in rows:
        name, category, way_text, office, materials, days_text, id_text = (row.cell(i) for i in range(7))
        problems = []
        for label, value in (
            ("事项名称", name),
            ("类别", category),
            ("办理方式", way_text),
            ("责任科室", office),
            ("承诺时限", days_text),
        ):
            if not value:
                problems.append(f"{label}为空")
        if name in seen:
            problems.append(f"事项“{name}”与第{seen[name]}行重复")
        seen.setdefault(name, row.number)
        way = WAY_BY_LABEL.get(way_text)
        if way_text and way is None:
            problems.append(f"办理方式“{way_text}”应为现场办、代理办、协助办、介绍办或全程办")
        days = int(days_text) if is_ascii_digits(days_text) else None
        if days_text and (days is None or not 1 <= days <= 365):
            problems.append(f"承诺时限“{days_text}”应为1至365的整数")
        if id_text not in ("", "是", "否"):
            problems.append(f"是否需要身份证号应填“是”或“否”，不是“{id_text}”")
        for label, value, limit in (
            ("事项名称", name, 100),
            ("类别", category, 30),
            ("责任科室", office, 60),
        ):
            if len(value) > limit:
                problems.append(f"{label}超过{limit}个字")
        if problems:
            errors.append(f"第{row.number}行：" + "；".join(problems))
            continue
        parsed.append(
            {
                "name": name,
                "category": category,
                "handling_way": way,
                "office": office,
                "materials": "\n".join(
                    m.strip() for m in materials.replace(";", "；").split("；") if m.strip()
                ),
                "promised_days": days,
                "needs_id_number": id_text != "否",
            }
        )
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
