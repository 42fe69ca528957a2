"""Duty shifts (坐班): rosters, check-in and check-out against the county's cutoff, absences and reminders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from centers.kinds import CenterReminder
from centers.models import DutyRules, DutyShift
from centers.permissions import CHANGE_CENTER
from centers.selectors import RosterPlan, duty_cadres, roster_pattern_plan
from core import region_cache
from core.formats import zh_date, zh_month_day
from notifications.services import remind
from regions.models import Region
from regions.roles import Level, Role
from regions.scoping import require, require_level
from regions.selectors import post_holders

Attendance = DutyShift.Attendance

ROSTER_NOT_YOURS = "您不能给该村排班。"
CADRE_NOT_HERE = "{name}不在该村任职，不能排班。"
SHIFT_NOT_YOURS = "只有当天的值班干部本人可以签到、签退。"
SHIFT_NOT_TODAY = "只能在值班当天签到、签退。"
ALREADY_CHECKED_IN = "已经签到过了。"
NOT_CHECKED_IN = "请先签到。"
ALREADY_CHECKED_OUT = "已经签退过了。"
SHIFT_ATTENDED = "{date}的值班已签到，不能再改排。"
RANGE_TOO_LONG = "一次最多排一年。"
NOT_A_VILLAGE = "值班表按村（社区）编排。"
CHECKED_IN_AFTER_HOURS = "签到时间{time}已过当天值班时间，本次值班记为缺勤（下班后才签到）。"
SWAP_CONFIRMER_NOT_PARTY = "确认人须是换班双方之一。"
SWAP_SELF_CONFIRMED = "换班须由另一方确认，确认人不能是您本人。"
PATTERN_NEEDS_CONFIRMATION = "按周排班将删除或改排已有的值班，请核对下列变动后确认。"
PATTERN_CHANGED = "值班表在预览之后有了变动，请核对新的变动后重新确认。"


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment)


def _late_after(rules: DutyRules, day: dt.date) -> dt.datetime:
    cutoff = dt.datetime.combine(day, rules.cutoff) + dt.timedelta(minutes=rules.grace_minutes)
    return timezone.make_aware(cutoff)


def _check_roster(actor, village: Region) -> None:
    require_level(village, (Level.VILLAGE,), message=NOT_A_VILLAGE)
    require(actor, CHANGE_CENTER, village, message=ROSTER_NOT_YOURS)


class PatternNotConfirmed(ValidationError):
    """Applying the pattern would take shifts away and the user has not confirmed this very plan."""

    def __init__(self, plan: RosterPlan, *, stale: bool):
        super().__init__(PATTERN_CHANGED if stale else PATTERN_NEEDS_CONFIRMATION)
        self.plan = plan


@transaction.atomic
def roster_apply_pattern(
    *,
    actor,
    village: Region,
    pattern: dict[int, object],
    start: dt.date,
    end: dt.date,
    confirmed: str = "",
) -> RosterPlan:
    """Applies a weekly pattern (weekday 0-6 -> cadre, None, or KEEP to leave the days alone) to the
    working days from start to end, and returns what it did.

    Rest days, days checked in or marked absent, and KEEP weekdays stay as they are. A plan that removes
    or reassigns any shift is applied only when ``confirmed`` is its fingerprint (the preview the user
    confirmed); otherwise PatternNotConfirmed carries the plan and nothing changes.
    """
    _check_roster(actor, village)
    if (end - start).days > 366:
        raise ValidationError(RANGE_TOO_LONG)
    # Locked: the plan is made from the rows this transaction will change.
    shifts = {
        s.date: s
        for s in DutyShift.objects.select_for_update(of=("self",))
        .select_related("cadre")
        .filter(village=village, date__range=(start, end))
    }
    plan = roster_pattern_plan(village=village, pattern=pattern, start=start, end=end, shifts=shifts)
    # Only the cadres the plan assigns must hold a duty post now: a weekday that keeps a cadre who has
    # left (shown as such on the form) must not block a change of another weekday.
    allowed = set(duty_cadres(village).values_list("pk", flat=True))
    for _, _, cadre in plan.actions:
        if cadre is not None and cadre.pk not in allowed:
            raise ValidationError(CADRE_NOT_HERE.format(name=cadre.real_name))
    if plan.removes and confirmed != plan.fingerprint:
        raise PatternNotConfirmed(plan, stale=bool(confirmed))
    for day, shift, cadre in plan.actions:
        if shift is None:
            DutyShift.objects.create(village=village, date=day, cadre=cadre)
        elif cadre is None:
            shift.delete()
        else:
            shift.cadre = cadre
            shift.save(update_fields=["cadre"])
    if plan.changes:
        region_cache.touch("duty", village)
    return plan


@transaction.atomic
def roster_set_day(*, actor, village: Region, day: dt.date, cadre) -> DutyShift | None:
    """Puts one cadre on duty on one day (None: nobody); a day already checked in cannot change."""
    _check_roster(actor, village)
    shift = DutyShift.objects.select_for_update().filter(village=village, date=day).first()
    if shift is not None and shift.checked_in_at is not None:
        raise ValidationError(SHIFT_ATTENDED.format(date=zh_date(day)))
    if cadre is not None and not duty_cadres(village).filter(pk=cadre.pk).exists():
        raise ValidationError(CADRE_NOT_HERE.format(name=cadre.real_name))
    region_cache.touch("duty", village)
    if cadre is None:
        if shift is not None:
            shift.delete()
        return None
    if shift is None:
        return DutyShift.objects.create(village=village, date=day, cadre=cadre)
    shift.cadre = cadre
    shift.save(update_fields=["cadre"])
    return shift


@transaction.atomic
def shift_swap(*, actor, first: DutyShift, second: DutyShift, agreed_by) -> tuple[DutyShift, DutyShift]:
    """Two cadres of one village swap days. ``agreed_by`` names the cadre who confirmed the swap: one of the
    two, and the other one when the actor is one of them (nobody confirms their own request)."""
    if first.village_id != second.village_id:
        raise ValidationError("只能在同一村的值班之间换班。")
    parties = (first.cadre_id, second.cadre_id)
    if actor.pk not in parties:
        _check_roster(actor, first.village)
    if agreed_by is None or agreed_by.pk not in parties:
        raise ValidationError(SWAP_CONFIRMER_NOT_PARTY)
    if agreed_by.pk == actor.pk:
        raise ValidationError(SWAP_SELF_CONFIRMED)
    for shift in (first, second):
        if shift.checked_in_at is not None:
            raise ValidationError(SHIFT_ATTENDED.format(date=zh_date(shift.date)))
    first_cadre, second_cadre = first.cadre, second.cadre
    first.cadre, first.swapped_with, first.swap_agreed_by = second_cadre, first_cadre, agreed_by
    second.cadre, second.swapped_with, second.swap_agreed_by = first_cadre, second_cadre, agreed_by
    first.save(update_fields=["cadre", "swapped_with", "swap_agreed_by"])
    second.save(update_fields=["cadre", "swapped_with", "swap_agreed_by"])
    region_cache.touch("duty", first.village)
    return first, second


def _check_own_today(actor, shift: DutyShift, now: dt.datetime) -> None:
    if shift.cadre_id != actor.pk:
        raise PermissionDenied(SHIFT_NOT_YOURS)
    if _local(now).date() != shift.date:
        raise ValidationError(SHIFT_NOT_TODAY)


@transaction.atomic
def shift_check_in(
    *,
    actor,
    shift: DutyShift,
    now: dt.datetime | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> DutyShift:
    """Check-in at server time: on time until cutoff + grace, late after (also after an absence was marked),
    absent once the day's hours are over (the time is still recorded: ``DutyShift.absence_reason``)."""
    now = now or timezone.now()
    shift = DutyShift.objects.select_for_update().select_related("village").get(pk=shift.pk)
    _check_own_today(actor, shift, now)
    if shift.checked_in_at is not None:
        raise ValidationError(ALREADY_CHECKED_IN)
    rules = DutyRules.for_region(shift.village)
    shift.checked_in_at = now
    if now > timezone.make_aware(dt.datetime.combine(shift.date, rules.ends_at)):
        # After the day's hours nobody was on duty: the check-in is kept as a record, the shift stays absent
        # (DOMAIN_RULES A.4.2: a check-in past the threshold "stays ABSENT but is logged").
        shift.attendance = Attendance.ABSENT
    elif now <= _late_after(rules, shift.date):
        shift.attendance = Attendance.ON_TIME
    else:
        shift.attendance = Attendance.LATE
    shift.latitude, shift.longitude = latitude, longitude
    shift.save(update_fields=["checked_in_at", "attendance", "latitude", "longitude"])
    region_cache.touch("duty", shift.village)
    return shift


@transaction.atomic
def shift_check_out(*, actor, shift: DutyShift, now: dt.datetime | None = None) -> DutyShift:
    now = now or timezone.now()
    shift = DutyShift.objects.select_for_update().select_related("village").get(pk=shift.pk)
    _check_own_today(actor, shift, now)
    if shift.checked_in_at is None:
        raise ValidationError(NOT_CHECKED_IN)
    if shift.checked_out_at is not None:
        raise ValidationError(ALREADY_CHECKED_OUT)
    rules = DutyRules.for_region(shift.village)
    shift.checked_out_at = now
    shift.left_early = _local(now).time() < rules.ends_at
    shift.save(update_fields=["checked_out_at", "left_early"])
    region_cache.touch("duty", shift.village)
    return shift


@transaction.atomic
def shift_log_update(*, actor, shift: DutyShift, visitors: int, handled: str) -> DutyShift:
    if shift.cadre_id != actor.pk:
        raise PermissionDenied(SHIFT_NOT_YOURS)
    shift.visitors, shift.handled = visitors, handled.strip()
    shift.save(update_fields=["visitors", "handled"])
    region_cache.touch("duty", shift.village)
    return shift


def _rules_cache():
    """Looks each county's rules up once per job run."""
    cache: dict[str, DutyRules] = {}

    def rules_of(village: Region) -> DutyRules:
        prefix = village.prefix[:6]
        if prefix not in cache:
            cache[prefix] = DutyRules.for_region(village)
        return cache[prefix]

    return rules_of


def duty_absences_mark(*, now: dt.datetime | None = None) -> int:
    """Marks today's shifts with no check-in past cutoff + grace as absent (a conditional update claims
    each, so a second run changes nothing) and tells the village secretary and the liaison cadre, once."""
    now = now or timezone.now()
    today = _local(now).date()
    rules_of = _rules_cache()
    absent = []
    for shift in DutyShift.objects.filter(date=today, attendance=Attendance.PENDING).select_related(
        "village", "cadre"
    ):
        if now <= _late_after(rules_of(shift.village), today):
            continue
        if (
            DutyShift.objects.filter(
                pk=shift.pk, attendance=Attendance.PENDING, checked_in_at__isnull=True
            ).update(attendance=Attendance.ABSENT)
            == 1
        ):
            absent.append(shift)
    watchers = post_holders({s.village_id for s in absent}, (Role.VILLAGE_SECRETARY, Role.LIAISON_CADRE))
    for shift in absent:
        region_cache.touch("duty", shift.village)
        remind(
            shift,
            kind=CenterReminder.DUTY_ABSENT,
            due_date=today,
            recipients=watchers.get(shift.village_id, []),
            title=f"{shift.village.name}{zh_month_day(today)}值班干部{shift.cadre.real_name}未按时签到",
            url=shift.village.get_absolute_url(),
        )
    return len(absent)


def duty_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Reminds today's on-duty cadre before the cutoff if they have not checked in (once per shift)."""
    now = now or timezone.now()
    today = _local(now).date()
    sent = 0
    rules_of = _rules_cache()
    for shift in DutyShift.objects.filter(date=today, attendance=Attendance.PENDING).select_related(
        "village", "cadre"
    ):
        rules = rules_of(shift.village)
        cutoff = timezone.make_aware(dt.datetime.combine(today, rules.cutoff))
        if cutoff - dt.timedelta(minutes=rules.remind_minutes_before) <= now <= cutoff:
            sent += remind(
                shift,
                kind=CenterReminder.DUTY_CHECK_IN,
                due_date=today,
                recipients=[shift.cadre],
                title=f"今天您在{shift.village.name}值班，请在{rules.cutoff:%H:%M}前签到",
                url=shift.village.get_absolute_url(),
            )
    return sent
