"""Views of duty shifts (坐班): check-in/out, the roster, the public 今日值班 panel and attendance figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from centers import selectors
from centers.models import DutyShift, Region
from centers.roles import CHANGE_CENTER, Level
from centers.scoping import region_in_scope
from centers.services import duty


def _decimal(value: str | None) -> Decimal | None:
    try:
        number = Decimal(value) if value else None
    except InvalidOperation:
        return None
    return number if number is not None and abs(number) <= 180 else None


@login_required
@require_POST
def shift_check_in(request, pk: int):
    shift = selectors.duty_shift_get_for_user(user=request.user, pk=pk)
    try:
        shift = duty.shift_check_in(actor=request.user, shift=shift, latitude=_decimal(request.POST.get("latitude")),
                                    longitude=_decimal(request.POST.get("longitude")))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已签到（{timezone.localtime(shift.checked_in_at):%H:%M}，{shift.get_attendance_display()}）。")
    return redirect(shift.village)


@login_required
@require_POST
def shift_check_out(request, pk: int):
    shift = selectors.duty_shift_get_for_user(user=request.user, pk=pk)
    try:
        shift = duty.shift_check_out(actor=request.user, shift=shift)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已签退。" + ("（早于下班时间，记为早退）" if shift.left_early else ""))
    return redirect(shift.village)


@login_required
@require_POST
def shift_log(request, pk: int):
    shift = selectors.duty_shift_get_for_user(user=request.user, pk=pk)
    visitors = request.POST.get("visitors", "0")
    if not visitors.isdigit() or int(visitors) > 10000:
        messages.error(request, "接待人次应为0到10000之间的整数。")
    else:
        duty.shift_log_update(actor=request.user, shift=shift, visitors=int(visitors),
                              handled=request.POST.get("handled", "")[:2000])
        messages.success(request, "值班记录已保存。")
    return redirect(shift.village)


def _month_start(value: str | None) -> dt.date:
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


@login_required
def roster(request, code: str):
    """A village's duty roster for a month; the secretary or the township sets a weekly pattern or a day."""
    village = selectors.region_get_for_user(user=request.user, code=code)
    if village.level != Level.VILLAGE:
        raise PermissionDenied("值班表按村（社区）编排。")
    can_edit = region_in_scope(request.user, CHANGE_CENTER, village)
    month = _month_start(request.GET.get("month") or request.POST.get("month"))
    cadres = list(duty.duty_cadres(village))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(duty.ROSTER_NOT_YOURS)
        by_id = {str(c.pk): c for c in cadres}
        try:
            if request.POST.get("form") == "swap":
                first = get_object_or_404(DutyShift, village=village, date=dt.date.fromisoformat(request.POST["first"]))
                second = get_object_or_404(DutyShift, village=village,
                                           date=dt.date.fromisoformat(request.POST["second"]))
                duty.shift_swap(actor=request.user, first=first, second=second)
                messages.success(request, f"{first.date:%m月%d日}与{second.date:%m月%d日}已换班。")
            elif request.POST.get("form") == "pattern":
                start = dt.date.fromisoformat(request.POST["start"])
                end = dt.date.fromisoformat(request.POST["end"])
                if end < start:
                    raise ValidationError("结束日期不能早于开始日期。")
                pattern = {d: by_id.get(request.POST.get(f"weekday{d}", "")) for d in range(7)}
                changed = duty.roster_apply_pattern(actor=request.user, village=village, pattern=pattern,
                                                    start=start, end=end)
                messages.success(request, f"已按周排班，更新{changed}天。")
            else:
                day = dt.date.fromisoformat(request.POST["date"])
                duty.roster_set_day(actor=request.user, village=village, day=day,
                                    cadre=by_id.get(request.POST.get("cadre", "")))
                messages.success(request, f"{day:%m月%d日}的值班已更新。")
        except (KeyError, ValueError):
            messages.error(request, "请填写有效的日期。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect(f"{request.path}?month={month:%Y-%m}")
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    previous_month = (month - dt.timedelta(days=1)).replace(day=1)
    return render(request, "centers/duty_roster.html", {
        "village": village, "month": month, "shifts": selectors.duty_month(village=village, month_start=month),
        "cadres": cadres, "can_edit": can_edit, "next_month": next_month, "previous_month": previous_month,
        "weekdays": list(enumerate("一二三四五六日")),
        "breadcrumbs": selectors.region_breadcrumbs(user=request.user, region=village),
    })


def today_public(request, code: str):
    """Public (no login): who is on duty today at the village's center, and the duty phone."""
    village = get_object_or_404(Region.objects.select_related("service_center"), code=code, level=Level.VILLAGE)
    today = timezone.localdate()
    shift = DutyShift.objects.filter(village=village, date=today).select_related("cadre").first()
    return render(request, "centers/duty_today.html", {"village": village, "shift": shift, "today": today,
                                                       "center": getattr(village, "service_center", None)})


@login_required
def attendance(request):
    """Attendance by village for a period, for a township or county (the user's own region by default)."""
    from centers.views import report_scope

    today = timezone.localdate()
    region, start, end = report_scope(request, today.replace(day=1))
    rows = selectors.attendance_by_village(region=region, start=start, end=end, today=today)
    if request.GET.get("format") == "xlsx":
        from centers.exports import attendance_to_xlsx
        from spreadsheets.writing import xlsx_response

        return xlsx_response(attendance_to_xlsx(rows, f"{region.name}坐班出勤 {start}至{end}"), "坐班出勤.xlsx")
    totals = {k: sum(r[k] for r in rows) for k in ("due", "attended", "late", "absent", "early")}
    totals["rate"] = totals["attended"] * 100 / totals["due"] if totals["due"] else None
    return render(request, "centers/duty_attendance.html", {"region": region, "rows": rows, "totals": totals,
                                                            "start": start, "end": end})
