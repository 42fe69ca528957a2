"""Views of duty shifts (坐班): check-in/out, the roster, the public 今日值班 page and attendance figures."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from centers import selectors
from centers.forms import CheckInForm, RosterDayForm, RosterPatternForm, ShiftLogForm, SwapForm
from centers.models import DutyShift
from centers.permissions import CHANGE_CENTER
from centers.services import duty
from core.formats import zh_month_day
from core.http import act, attempt
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
    latitude, longitude = CheckInForm(request.POST).position()
    attempt(
        request,
        lambda: duty.shift_check_in(actor=request.user, shift=shift, latitude=latitude, longitude=longitude),
        lambda shift: (
            f"已签到（{timezone.localtime(shift.checked_in_at):%H:%M}，{shift.get_attendance_display()}）。"
        ),
    )
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


def _month_start(value: str | None) -> dt.date:
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def _roster_post(request, village: Region, cadres) -> None:
    """One of the roster page's three forms: a day, a weekly pattern, or a swap of two days."""
    posted = request.POST.get("form")
    if posted == "swap":

        def swap(data):
            first = selectors.duty_shift_by_date(village=village, day=data["first"])
            second = selectors.duty_shift_by_date(village=village, day=data["second"])
            return duty.shift_swap(actor=request.user, first=first, second=second)

        act(
            request,
            SwapForm(request.POST),
            swap,
            lambda pair: f"{zh_month_day(pair[0].date)}与{zh_month_day(pair[1].date)}已换班。",
        )
    elif posted == "pattern":
        form = RosterPatternForm(request.POST, cadres=cadres)
        act(
            request,
            form,
            lambda data: duty.roster_apply_pattern(
                actor=request.user,
                village=village,
                pattern=form.pattern(),
                start=data["start"],
                end=data["end"],
            ),
            lambda changed: f"已按周排班，更新{changed}天。",
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


@login_required
def roster(request, code: str):
    """A village's duty roster for a month; the secretary or the township sets a weekly pattern or a day."""
    village = region_get_for_user(user=request.user, code=code)
    if village.level != Level.VILLAGE:
        raise PermissionDenied(duty.NOT_A_VILLAGE)
    can_edit = region_in_scope(request.user, CHANGE_CENTER, village)
    month = _month_start(request.GET.get("month") or request.POST.get("month"))
    cadres = selectors.duty_cadres(village)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(duty.ROSTER_NOT_YOURS)
        _roster_post(request, village, cadres)
        return redirect(f"{request.path}?month={month:%Y-%m}")
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    previous_month = (month - dt.timedelta(days=1)).replace(day=1)
    return render(
        request,
        "centers/duty_roster.html",
        {
            "village": village,
            "month": month,
            "shifts": selectors.duty_month(village=village, month_start=month),
            "cadres": list(cadres),
            "can_edit": can_edit,
            "next_month": next_month,
            "previous_month": previous_month,
            "weekdays": list(enumerate("一二三四五六日")),
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
    if request.GET.get("format") == "xlsx" and scope.valid:
        from centers.exports import attendance_to_xlsx
        from spreadsheets.writing import xlsx_response

        content = attendance_to_xlsx(rows, region=scope.region, start=scope.start, end=scope.end)
        return xlsx_response(content, "坐班出勤.xlsx")
    totals = {k: sum(r[k] for r in rows) for k in ("due", "attended", "late", "absent", "early")}
    totals["rate"] = totals["attended"] * 100 / totals["due"] if totals["due"] else None
    return render(
        request,
        "centers/duty_attendance.html",
        {
            "scope": scope,
            "region": scope.region,
            "rows": rows,
            "totals": totals,
            "start": scope.start,
            "end": scope.end,
        },
    )
