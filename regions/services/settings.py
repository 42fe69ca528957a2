"""County settings (every system's rules, one page) and the standard lists' local additions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from regions.models import CountySettings, Region, RegionList
from regions.roles import MANAGE_COUNTY_SETTINGS, Level
from regions.scoping import require, require_level

SETTINGS_NOT_YOURS = "只能由县级管理员设置本县的规定。"
LIST_ENTRY_STANDARD = "标准项由系统统一维护，只能启用或停用本单位自定的项目。"
LIST_ENTRY_NOT_YOURS = "您不能维护该单位的清单项。"
LIST_OWNER_LEVEL = "清单项只能由{levels}添加。"


@transaction.atomic
def county_settings_save(
    *, actor, county: Region, model: type[CountySettings], values: dict
) -> CountySettings:
    """Saves a county's settings of one system (created on the first save; the defaults until then)."""
    require_level(county, (Level.COUNTY,), message=SETTINGS_NOT_YOURS)
    require(actor, MANAGE_COUNTY_SETTINGS, county, message=SETTINGS_NOT_YOURS)
    settings = model.objects.select_for_update().filter(county=county).first() or model(county=county)
    for field, value in values.items():
        setattr(settings, field, value)
    settings.full_clean()
    settings.save()
    model.forget(county)
    return settings


def list_entry_check_owner(actor, model: type[RegionList], region: Region) -> None:
    """The actor may add to or change ``model``'s list at ``region`` (a county, or a township if allowed)."""
    levels = "、".join(Level(level).label for level in model.owner_levels)
    require_level(region, model.owner_levels, message=LIST_OWNER_LEVEL.format(levels=levels))
    require(actor, model.maintain_perm, region, message=LIST_ENTRY_NOT_YOURS)


@transaction.atomic
def list_entry_toggle(*, actor, entry: RegionList) -> RegionList:
    """Switches a local list entry on or off (history stays; rows are never deleted)."""
    if entry.region is None:
        raise ValidationError(LIST_ENTRY_STANDARD)
    require(actor, entry.maintain_perm, entry.region, message=LIST_ENTRY_NOT_YOURS)
    entry.is_active = not entry.is_active
    entry.save(update_fields=["is_active"])
    return entry
