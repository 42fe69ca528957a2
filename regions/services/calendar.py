"""The county working-day calendar (工作日历): holidays on weekdays and make-up working days."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from regions.models import CalendarDay, Region
from regions.roles import MANAGE_COUNTY_SETTINGS, Level
from regions.scoping import require, require_level

CALENDAR_NOT_YOURS = "只能维护本县的工作日历。"
HOLIDAY_ON_WEEKEND = "周末本来就休息，无需设为节假日。"
WORKDAY_ON_WEEKDAY = "工作日本来就上班，无需设为调休上班。"


def _check_calendar(actor, county: Region) -> None:
    require_level(county, (Level.COUNTY,), message=CALENDAR_NOT_YOURS)
    require(actor, MANAGE_COUNTY_SETTINGS, county, message=CALENDAR_NOT_YOURS)


@transaction.atomic
def calendar_day_set(*, actor, county: Region, day: date, kind: str, name: str = "") -> CalendarDay:
    """Marks a weekday as a public holiday or a weekend day as a make-up working day (调休)."""
    _check_calendar(actor, county)
    if kind == CalendarDay.Kind.HOLIDAY and day.weekday() >= 5:
        raise ValidationError(HOLIDAY_ON_WEEKEND)
    if kind == CalendarDay.Kind.WORKDAY and day.weekday() < 5:
        raise ValidationError(WORKDAY_ON_WEEKDAY)
    entry, _ = CalendarDay.objects.update_or_create(
        county=county, date=day, defaults={"kind": kind, "name": name}
    )
    return entry


@transaction.atomic
def calendar_day_remove(*, actor, entry: CalendarDay) -> None:
    _check_calendar(actor, entry.county)
    entry.delete()
