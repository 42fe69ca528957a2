"""Views of duty shifts (坐班): check-in/out, the roster, the public 今日值班 page and attendance figures."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from centers import selectors
from centers.forms import CheckInForm, RosterDayForm, RosterPatternForm, ShiftLogForm, SwapForm
from centers.models import DutyShift
from centers.permissions import CHANGE_CENTER
from centers.selectors import ATTENDANCE_SUMS
from centers.services import duty
from core.formats import zh_month_day
from core.forms import MonthForm
from core.http import act, attempt, messages_of
from core.tables import group_by_township
from regions.models import Region
from regions.reports import report_scope
from regions.roles import Level
from regions.scoping import get_for_user, region_in_scope
from regions.selectors import region_breadcrumbs, region_get_for_user


def _shift(request, pk: int) -> DutyShift:
    return get_for_user(DutyShift.objects.select_related("cadre"), user=request.user, pk=pk)


@login_required
@require_POST
def shift_check_in(request, pk: int):
    shift = _shift(request, pk)
    latitude, longitude, position_refused = CheckInForm(request.POST).position()
    try:
        shift = duty.shift_check_in(actor=request.user, shift=shift, latitude=latitude, longitude=longitude)
    except ValidationError as exc:
        messages.error(request, messages_of(exc))
        return redirect(shift.village)
    at = f"{timezone.localtime(shift.checked_in_at):%H:%M}"
    if shift.attendance == DutyShift.Attendance.ABSENT:
        messages.warning(request, duty.CHECKED_IN_AFTER_HOURS.format(time=at))
    else:
        messages.success(request, f"已签到（{at}，{shift.get_attendance_display()}）。")
    if position_refused:
        messages.warning(request, position_refused)
    return redirect(shift.village)


@login_required
@require_POST
def shift_check_out(request, pk: int):
    shift = _shift(request, pk)
    attempt(
        request,
        lambda: duty.shift_check_out(actor=request.user, shift=shift),
        lambda shift: "已签退。" + ("（早于下班时间，记为早退）" if shift.left_early else ""),
    )
    return redirect(shift.village)


@login_required
@require_POST
def shift_log(request, pk: int):
    shift = _shift(request, pk)
    # Only the cadre on duty keeps the shift's log: others are refused before their input is read.
    if shift.cadre_id != request.user.pk:
        raise PermissionDenied(duty.SHIFT_NOT_YOURS)
    act(
        request,
        ShiftLogForm(request.POST),
        lambda data: duty.shift_log_update(
            actor=request.user, shift=shift, visitors=data["visitors"], handled=data["handled"]
        ),
        "值班记录已保存。",
    )
    return redirect(shift.village)


def _month_end(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def _roster_post(request, village: Region, cadres) -> None:
    """The roster page's day and swap forms (the weekly pattern has its own preview step)."""
    if request.POST.get("form") == "swap":
        form = SwapForm(request.POST, cadres=cadres)

        def swap(data):
            first = selectors.duty_shift_by_date(village=village, day=data["first"])
            second = selectors.duty_shift_by_date(village=village, day=data["second"])
            return duty.shift_swap(
                actor=request.user, first=first, second=second, agreed_by=data["agreed_by"]
            )

        act(
            request,
            form,
            swap,
            lambda pair: (
                f"{zh_month_day(pair[0].date)}与{zh_month_day(pair[1].date)}已换班"
                f"（确认人：{pair[0].swap_agreed_by.real_name}）。"
            ),
        )
    else:
        form = RosterDayForm(request.POST, cadres=cadres)
        act(
            request,
            form,
            lambda data: duty.roster_set_day(
                actor=request.user, village=village, day=data["date"], cadre=data["cadre"]
            ),
            lambda shift: f"{zh_month_day(form.cleaned_data['date'])}的值班已更新。",
        )


def _pattern_post(request, village: Region, form: RosterPatternForm):
    """Applies the weekly pattern, or returns the plan to preview: every change is shown before it is
    applied, and a plan that takes shifts away is applied only with the confirmation of that very plan."""
    data = form.cleaned_data  # the caller validated the form
    pattern = form.pattern()
    plan = selectors.roster_pattern_plan(
        village=village, pattern=pattern, start=data["start"], end=data["end"]
    )
    if not plan.changes:
        messages.info(request, "按周排班与现有值班表一致，没有变动。")
        return None
    confirmed = data["confirm"]
    if not confirmed:
        return plan
    try:
        plan = duty.roster_apply_pattern(
            actor=request.user,
            village=village,
            pattern=pattern,
            start=data["start"],
            end=data["end"],
            confirmed=confirmed,
        )
    except duty.PatternNotConfirmed as exc:
        messages.warning(request, messages_of(exc))
        return exc.plan
    except ValidationError as exc:
        messages.error(request, messages_of(exc))
        return None
    messages.success(
        request,
        f"已按周排班：新增{len(plan.added)}天，删除{len(plan.removed)}天，改排{len(plan.reassigned)}天。",
    )
    return None


@login_required
def roster(request, code: str):
    """A village's duty roster for a month; the secretary or the township sets a weekly pattern or a day."""
    village = region_get_for_user(user=request.user, code=code)
    if village.level != Level.VILLAGE:
        raise PermissionDenied(duty.NOT_A_VILLAGE)
    can_edit = region_in_scope(request.user, CHANGE_CENTER, village)
    # The month shown (?month=2026-03; a POST carries it in its body); a bad one gives this month.
    month = MonthForm(request.GET if "month" in request.GET else request.POST).month_or(
        timezone.localdate().replace(day=1)
    )
    cadres_qs = selectors.duty_cadres(village)
    cadres = list(cadres_qs)
    shifts = selectors.duty_month(village=village, month_start=month)
    current = selectors.roster_current_pattern(village=village, month_start=month, shifts=shifts)
    pattern_form, plan = None, None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(duty.ROSTER_NOT_YOURS)
        if request.POST.get("form") == "pattern":
            pattern_form = RosterPatternForm(request.POST, cadres=cadres, current=current)
            # An invalid pattern comes back filled, each error beside its field.
            if pattern_form.is_valid():
                plan = _pattern_post(request, village, pattern_form)
        else:
            _roster_post(request, village, cadres_qs)
        if plan is None and (pattern_form is None or pattern_form.is_valid()):
            return redirect(f"{request.path}?month={month:%Y-%m}")
    if pattern_form is None:
        pattern_form = RosterPatternForm(
            cadres=cadres, current=current, initial={"start": month, "end": _month_end(month)}
        )
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    previous_month = (month - dt.timedelta(days=1)).replace(day=1)
    return render(
        request,
        "centers/duty_roster.html",
        {
            "village": village,
            "month": month,
            "shifts": shifts,
            "cadres": cadres,
            "can_edit": can_edit,
            "pattern_form": pattern_form,
            "plan": plan,
            "today": timezone.localdate(),
            "next_month": next_month,
            "previous_month": previous_month,
            "breadcrumbs": region_breadcrumbs(user=request.user, region=village),
        },
    )


def today_public(request, code: str):
    """Public (no login): who is on duty today at the village's center, and the duty phone."""
    village = get_object_or_404(
        Region.objects.select_related("service_center"), code=code, level=Level.VILLAGE
    )
    today = timezone.localdate()
    return render(
        request,
        "centers/duty_today.html",
        {
            "village": village,
            "shift": selectors.duty_today(village=village, today=today),
            "today": today,
            "center": getattr(village, "service_center", None),
        },
    )


@login_required
def attendance(request):
    """Attendance by village for a period, for a township or county (the user's own region by default)."""
    today = timezone.localdate()
    scope = report_scope(request, today.replace(day=1))
    rows = (
        selectors.attendance_by_village(region=scope.region, start=scope.start, end=scope.end, today=today)
        if scope.valid
        else []
    )
    if scope.xlsx:
        from centers.exports import attendance_to_xlsx
        from spreadsheets.writing import xlsx_response

        content = attendance_to_xlsx(rows, region=scope.region, start=scope.start, end=scope.end)
        return xlsx_response(content, "坐班出勤.xlsx")
    return render(
        request,
        "centers/duty_attendance.html",
        {
            "scope": scope,
            "region": scope.region,
            "table": group_by_township(rows, sums=ATTENDANCE_SUMS, rates=("rate",)),
            "rows": rows,
            "start": scope.start,
            "end": scope.end,
        },
    )
