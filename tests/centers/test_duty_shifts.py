"""Duty shifts (坐班): roster and swaps, check-in/late/early, absence at the cutoff, reminders, public panel."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from centers.models import DutyRules, DutyShift
from centers.services import duty
from notifications.models import Notification
from regions.models import CalendarDay
from regions.roles import Role
from tests.centers.builders import MONDAY, shift_on
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


@pytest.fixture
def committee(world):
    return make_user("committee_a1", Role.VILLAGE_COMMITTEE, world.village_a1, real_name="孙委员")


def test_weekly_pattern_skips_weekends_and_holidays_and_keeps_attended_days(world, committee):
    CalendarDay.objects.create(county=world.county, date=MONDAY + dt.timedelta(days=2), kind="holiday")
    CalendarDay.objects.create(county=world.county, date=MONDAY + dt.timedelta(days=5), kind="workday")
    attended = shift_on(world, MONDAY, committee)
    duty.shift_check_in(actor=committee, shift=attended, now=at(MONDAY, 8, 40))
    pattern = {d: world.village_a1_clerk for d in range(7)}
    duty.roster_apply_pattern(
        actor=world.village_a1_clerk,
        village=world.village_a1,
        pattern=pattern,
        start=MONDAY,
        end=MONDAY + dt.timedelta(days=6),
    )
    days = {s.date: s.cadre for s in DutyShift.objects.filter(village=world.village_a1)}
    # Mon kept (attended), Tue, Thu, Fri, and the make-up Saturday; Wed holiday and Sunday skipped.
    assert sorted(d.day for d in days) == [23, 24, 26, 27, 28]
    assert days[MONDAY] == committee and days[MONDAY + dt.timedelta(days=1)] == world.village_a1_clerk


def test_only_village_duty_cadres_can_be_rostered_by_their_village_or_township(world):
    with pytest.raises(ValidationError, match="不在该村任职"):
        duty.roster_set_day(
            actor=world.village_a1_clerk,
            village=world.village_a1,
            day=MONDAY,
            cadre=world.village_a1_readonly,
        )  # a grid worker takes no shifts
    with pytest.raises(PermissionDenied):
        duty.roster_set_day(
            actor=world.village_a1_readonly,
            village=world.village_a1,
            day=MONDAY,
            cadre=world.village_a1_clerk,
        )
    assert duty.roster_set_day(
        actor=world.township_a_officer, village=world.village_a1, day=MONDAY, cadre=world.village_a1_clerk
    )


def test_swap_records_who_agreed(world, committee):
    """The swap names its confirming cadre: one of the two, and the other one when a party asks for it."""
    first = shift_on(world, MONDAY, world.village_a1_clerk)
    second = shift_on(world, MONDAY + dt.timedelta(days=1), committee)
    with pytest.raises(ValidationError, match="换班须由另一方确认，确认人不能是您本人。"):
        duty.shift_swap(actor=committee, first=first, second=second, agreed_by=committee)
    third = make_user("first_secretary_a1", Role.FIRST_SECRETARY, world.village_a1)
    with pytest.raises(ValidationError, match="确认人须是换班双方之一。"):
        duty.shift_swap(actor=committee, first=first, second=second, agreed_by=third)
    first.refresh_from_db()
    assert first.cadre == world.village_a1_clerk and first.swap_agreed_by is None
    first, second = duty.shift_swap(
        actor=committee, first=first, second=second, agreed_by=world.village_a1_clerk
    )
    assert first.cadre == committee and first.swapped_with == world.village_a1_clerk
    assert second.cadre == world.village_a1_clerk and first.swap_agreed_by == world.village_a1_clerk


@pytest.mark.parametrize("hour,minute,expected", [(8, 30, "on_time"), (9, 10, "on_time"), (9, 11, "late")])
def test_check_in_against_cutoff_and_grace(world, hour, minute, expected):
    shift = duty.shift_check_in(
        actor=world.village_a1_clerk, shift=shift_on(world), now=at(MONDAY, hour, minute)
    )
    assert shift.attendance == expected


def test_county_rules_change_the_cutoff(world):
    DutyRules.objects.create(county=world.county, cutoff=dt.time(8, 30), grace_minutes=0)
    shift = duty.shift_check_in(actor=world.village_a1_clerk, shift=shift_on(world), now=at(MONDAY, 8, 45))
    assert shift.attendance == "late"


def test_check_out_before_the_end_is_early(world):
    shift = duty.shift_check_in(actor=world.village_a1_clerk, shift=shift_on(world), now=at(MONDAY, 8, 30))
    shift = duty.shift_check_out(actor=world.village_a1_clerk, shift=shift, now=at(MONDAY, 16, 0))
    assert shift.left_early
    other = duty.shift_check_in(
        actor=world.village_a1_clerk,
        shift=shift_on(world, MONDAY + dt.timedelta(days=1)),
        now=at(MONDAY + dt.timedelta(days=1), 8, 30),
    )
    other = duty.shift_check_out(
        actor=world.village_a1_clerk, shift=other, now=at(MONDAY + dt.timedelta(days=1), 17, 40)
    )
    assert not other.left_early


def test_only_the_cadre_checks_in_and_only_that_day(world, committee):
    shift = shift_on(world)
    with pytest.raises(PermissionDenied):
        duty.shift_check_in(actor=committee, shift=shift, now=at(MONDAY, 8, 30))
    with pytest.raises(ValidationError, match="只能在值班当天"):
        duty.shift_check_in(
            actor=world.village_a1_clerk, shift=shift, now=at(MONDAY - dt.timedelta(days=1), 8, 30)
        )
    with pytest.raises(ValidationError, match="请先签到"):
        duty.shift_check_out(actor=world.village_a1_clerk, shift=shift, now=at(MONDAY, 17, 40))


def test_absence_at_the_cutoff_is_marked_and_reported_once(world):
    liaison = make_user("liaison", Role.LIAISON_CADRE, world.village_a1)
    shift = shift_on(world, cadre=liaison)
    assert duty.duty_absences_mark(now=at(MONDAY, 9, 10)) == 0  # still within the grace period
    assert duty.duty_absences_mark(now=at(MONDAY, 9, 11)) == 1
    assert duty.duty_absences_mark(now=at(MONDAY, 9, 20)) == 0  # a second run changes nothing
    shift.refresh_from_db()
    assert shift.attendance == "absent"
    told = sorted(
        Notification.objects.filter(kind="duty_absent").values_list("recipient__username", flat=True)
    )
    assert told == ["liaison", "village_a1_clerk"]
    # Arriving after the absence was marked still records the check-in, as late.
    shift = duty.shift_check_in(actor=liaison, shift=shift, now=at(MONDAY, 10, 0))
    assert shift.attendance == "late"


def test_reminder_before_the_cutoff_is_sent_once(world):
    shift_on(world)
    assert duty.duty_reminders_send(now=at(MONDAY, 8, 20)) == 0  # before the 30-minute window
    assert duty.duty_reminders_send(now=at(MONDAY, 8, 35)) == 1
    assert duty.duty_reminders_send(now=at(MONDAY, 8, 50)) == 0
    assert Notification.objects.get(kind="duty_check_in").recipient == world.village_a1_clerk


def test_one_tap_check_in_from_the_home_page(world):
    """Through the real clock (the session needs it): a cutoff at 23:00 with two hours' grace makes any
    check-in that day on time (the cutoff must fall before the end of the day's hours); the late and absent
    cases are covered above with frozen clocks."""
    DutyRules.objects.create(
        county=world.county,
        starts_at=dt.time(0, 0),
        ends_at=dt.time(23, 59),
        cutoff=dt.time(23, 0),
        grace_minutes=120,
    )
    today = timezone.localdate()
    shift = shift_on(world, today)
    client = Client(enforce_csrf_checks=True)  # the cached panel's form must carry this session's token
    client.force_login(world.village_a1_clerk)
    client.get("/regions/419901101201/")  # caches the panel's HTML
    home = client.get("/regions/419901101201/").content.decode()
    form = re.search(
        rf'action="/duty/shifts/{shift.pk}/check-in/".*?name="csrfmiddlewaretoken" value="(\w+)"', home, re.S
    )
    assert form, home
    check_in = {"latitude": "34.1", "longitude": "113.2", "csrfmiddlewaretoken": form.group(1)}
    assert client.post(f"/duty/shifts/{shift.pk}/check-in/", check_in).status_code == 302
    shift.refresh_from_db()
    assert shift.attendance == "on_time" and str(shift.latitude) == "34.100000"
    # The home page's duty panel is cached per village: every shift write shows at once.
    home = client.get("/regions/419901101201/").content.decode()
    assert f"/duty/shifts/{shift.pk}/check-in/" not in home
    assert f"签到 {timezone.localtime(shift.checked_in_at):%H:%M}" in home
    assert (
        client.post(
            f"/duty/shifts/{shift.pk}/log/",
            {"visitors": "7", "handled": "代办低保2件", "csrfmiddlewaretoken": form.group(1)},
        ).status_code
        == 302
    )
    shift.refresh_from_db()
    assert shift.visitors == 7
    home = client.get("/regions/419901101201/").content.decode()
    assert ">代办低保2件</textarea>" in home and 'value="7"' in home
    # Someone else's shift: visible in scope, but not theirs to check in.
    other = world.client_for(world.village_a1_readonly)
    assert other.post(f"/duty/shifts/{shift.pk}/check-out/").status_code == 403
    assert (
        world.client_for(world.township_b_officer).post(f"/duty/shifts/{shift.pk}/check-out/").status_code
        == 404
    )


def test_home_duty_panel_follows_the_countys_hours_and_the_viewer_at_once(world):
    """The panel's HTML is cached per village: the county's new hours and another viewer show at once."""
    shift = shift_on(world, timezone.localdate())
    clerk = world.client_for(world.village_a1_clerk)
    assert "08:30-17:30" in clerk.get("/regions/419901101201/").content.decode()
    settings = {
        "block": "duty",
        "county": world.county.code,
        "duty-starts_at": "07:30",
        "duty-ends_at": "16:30",
        "duty-cutoff": "08:00",
        "duty-grace_minutes": "5",
        "duty-remind_minutes_before": "30",
    }
    assert world.client_for(world.county_admin).post("/settings/", settings).status_code == 302
    home = clerk.get("/regions/419901101201/").content.decode()
    assert "07:30-16:30" in home and f"/duty/shifts/{shift.pk}/check-in/" in home
    other = world.client_for(world.village_a1_readonly).get("/regions/419901101201/").content.decode()
    assert "07:30-16:30" in other and f"/duty/shifts/{shift.pk}/check-in/" not in other


def test_public_today_panel_shows_cadre_and_duty_phone(world):
    from django.test import Client

    from centers.models import ServiceCenter

    ServiceCenter.objects.filter(region=world.village_a1).update(duty_phone="0395-7777777")
    shift_on(world, timezone.localdate())
    page = Client().get("/duty/419901101201/today/").content.decode()
    assert world.village_a1_clerk.real_name in page and "0395-7777777" in page
    assert Client().get("/duty/419901101000/today/").status_code == 404  # a township has no village roster


def test_roster_page_and_attendance_figures(world, committee):
    client = world.client_for(world.village_a1_clerk)
    response = client.post(
        "/duty/419901101201/roster/",
        {
            "form": "pattern",
            "month": "2026-11",
            "start": "2026-11-16",
            "end": "2026-11-22",
            **{f"weekday{d}": world.village_a1_clerk.pk for d in range(5)},
        },
    )
    # Every change is previewed first (nothing written yet), then applied with the preview's confirmation.
    assert response.status_code == 200 and "新增 5 天" in response.content.decode()
    assert not DutyShift.objects.exists()
    response = client.post(
        "/duty/419901101201/roster/",
        {
            "form": "pattern",
            "month": "2026-11",
            "start": "2026-11-16",
            "end": "2026-11-22",
            **{f"weekday{d}": world.village_a1_clerk.pk for d in range(5)},
            "confirm": response.context["plan"].fingerprint,
        },
    )
    assert response.status_code == 302
    assert DutyShift.objects.filter(village=world.village_a1).count() == 5
    shifts = list(DutyShift.objects.filter(village=world.village_a1).order_by("date"))
    duty.shift_check_in(actor=world.village_a1_clerk, shift=shifts[0], now=at(shifts[0].date, 8, 30))
    duty.shift_check_in(actor=world.village_a1_clerk, shift=shifts[1], now=at(shifts[1].date, 9, 30))
    DutyShift.objects.filter(pk=shifts[2].pk).update(attendance="absent")
    page = world.client_for(world.township_a_officer).get(
        "/duty/attendance/", {"region": "419901101000", "from": "2026-11-16", "to": "2026-11-18"}
    )
    row = page.context["rows"][0]
    assert (row["due"], row["attended"], row["late"], row["absent"]) == (3, 2, 1, 1)
    assert round(row["rate"], 1) == 66.7
    assert (
        world.client_for(world.village_a1_readonly)
        .post("/duty/419901101201/roster/", {"form": "day", "date": "2026-11-30", "cadre": ""})
        .status_code
        == 403
    )
    assert world.client_for(world.township_b_officer).get("/duty/419901101201/roster/").status_code == 404


def test_swap_through_the_roster_page(world, committee):
    first = shift_on(world, dt.date(2026, 11, 30), world.village_a1_clerk)
    second = shift_on(world, dt.date(2026, 12, 1), committee)
    client = world.client_for(world.village_a1_clerk)
    page = client.get("/duty/419901101201/roster/?month=2026-11").content.decode()
    assert '<label class="form-label small mt-2 mb-1" for="swap-agreed-by">确认人' in page
    swap = {"form": "swap", "month": "2026-11", "first": "2026-11-30", "second": "2026-12-01"}
    unnamed = client.post("/duty/419901101201/roster/", swap, follow=True)
    assert "请选择确认换班的干部。" in unnamed.content.decode()
    response = client.post("/duty/419901101201/roster/", {**swap, "agreed_by": committee.pk}, follow=True)
    assert "11月30日与12月1日已换班（确认人：孙委员）。" in response.content.decode()
    assert "（与village_a1_clerk换班，孙委员确认）" in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.cadre == committee and second.cadre == world.village_a1_clerk
    assert first.swap_agreed_by == committee


def test_roster_page_refuses_bad_dates_with_a_message(world):
    """The roster page's three forms validate their dates (the old page answered the same message)."""
    client = world.client_for(world.village_a1_clerk)
    for data in (
        {"form": "day", "date": "2026-13-40", "cadre": world.village_a1_clerk.pk},
        {"form": "pattern", "start": "", "end": "2026-11-22", "weekday0": world.village_a1_clerk.pk},
        {"form": "swap", "first": "2026-11-30", "second": "tomorrow"},
    ):
        response = client.post("/duty/419901101201/roster/", {"month": "2026-11", **data}, follow=True)
        if data["form"] == "pattern":  # comes back filled, the error under its field
            assert response.redirect_chain == [] and response.status_code == 200
            html = response.content.decode()
            form = html[html.index('id="pattern-form"') :]
            assert (
                '<div class="invalid-feedback d-block">请填写有效的日期。</div>'
                in form[: form.index("</form>")]
            )
        else:
            assert response.redirect_chain == [("/duty/419901101201/roster/?month=2026-11", 302)]
        assert "请填写有效的日期。" in response.content.decode()
    ends_first = client.post(
        "/duty/419901101201/roster/",
        {"form": "pattern", "month": "2026-11", "start": "2026-11-22", "end": "2026-11-16"},
        follow=True,
    )
    assert "结束日期不能早于开始日期。" in ends_first.content.decode()
    assert not DutyShift.objects.exists()


def test_township_home_shows_this_months_attendance(world):
    today = timezone.localdate()
    shift = shift_on(world, today.replace(day=1))
    DutyShift.objects.filter(pk=shift.pk).update(attendance="absent")
    page = world.client_for(world.township_a_officer).get("/regions/419901101000/")
    html = dict((panel.key, html) for panel, html in page.context["panels"])["attendance"]
    assert "缺勤 <strong>1</strong>" in html
    assert re.search(r"缺勤较多：<a href=\"/duty/419901101201/roster/\">白马村</a>（1）", html)


@pytest.mark.parametrize("hour,minute,expected", [(17, 30, "late"), (17, 31, "absent"), (21, 0, "absent")])
def test_a_check_in_after_the_days_hours_is_absent_not_late(world, hour, minute, expected):
    """Up to the end of the day's hours (17:30) a check-in past the cutoff is late; after it nobody was on
    duty, so the shift is absent, with the check-in time kept as the record of why."""
    shift = duty.shift_check_in(
        actor=world.village_a1_clerk, shift=shift_on(world), now=at(MONDAY, hour, minute)
    )
    shift.refresh_from_db()
    assert shift.attendance == expected and shift.checked_in_at == at(MONDAY, hour, minute)
    assert shift.absence_reason == ("下班后才签到" if expected == "absent" else "")


def test_after_hours_check_in_through_the_page_says_absent_with_its_reason(world):
    """Through the real clock: the county's hours end at 00:01, so any check-in today comes after them
    (save in the first minute after midnight)."""
    DutyRules.objects.create(
        county=world.county,
        starts_at=dt.time(0, 0),
        cutoff=dt.time(0, 0),
        grace_minutes=0,
        ends_at=dt.time(0, 1),
    )
    shift = shift_on(world, timezone.localdate())
    client = world.client_for(world.village_a1_clerk)
    response = client.post(f"/duty/shifts/{shift.pk}/check-in/", follow=True)
    shift.refresh_from_db()
    assert shift.attendance == "absent" and shift.checked_in_at is not None
    page = response.content.decode()
    checked_in = f"{timezone.localtime(shift.checked_in_at):%H:%M}"
    assert f"签到时间{checked_in}已过当天值班时间，本次值班记为缺勤（下班后才签到）。" in page
    assert "迟到" not in page
    assert "缺勤：下班后才签到" in page  # the home page's duty panel
    roster = client.get("/duty/419901101201/roster/").content.decode()
    assert '<span class="small text-muted">下班后才签到</span>' in roster


def test_the_location_is_asked_for_only_when_check_in_is_pressed(world, settings):
    """The check-in form is marked data-geolocate; static/js/portal.js asks for the position in the
    document's submit handler for such a form, never when the page loads (the browser test runs it)."""
    shift_on(world, timezone.localdate())
    home = world.client_for(world.village_a1_clerk).get("/regions/419901101201/").content.decode()
    assert 'id="check-in-form" data-geolocate>' in home and "<script>" not in home
    script = (settings.BASE_DIR / "static" / "js" / "portal.js").read_text()
    asking = script[
        script.index("function geolocateThenSend") : script.index('document.addEventListener("submit"')
    ]
    on_submit = script[script.index('document.addEventListener("submit"') :]
    assert script.count("getCurrentPosition") == 1 and "getCurrentPosition" in asking
    assert (
        'if (form.hasAttribute("data-geolocate")) geolocateThenSend(form, event);'
        in on_submit.split("});")[0]
    )


def test_the_demo_village_is_on_duty_on_rest_days_for_a_first_look(world):
    """seed_demo's roster covers the demo village's weekends (and holidays) from today, for its secretary,
    and a second run adds nothing; other villages keep working days only."""
    from centers import demo

    make_user("secretary_a2", Role.VILLAGE_SECRETARY, world.village_a2)
    today = timezone.localdate()
    demo.seed(county=world.county)
    days = {today + dt.timedelta(days=n) for n in range(15)}
    village = dict(
        DutyShift.objects.filter(village=world.village_a1, date__in=days).values_list("date", "cadre")
    )
    assert set(village) == days
    assert set(village.values()) == {world.village_a1_clerk.pk}
    saturday = next(d for d in sorted(days) if d.weekday() == 5)
    other = set(
        DutyShift.objects.filter(village=world.village_a2, date__in=days).values_list("date", flat=True)
    )
    assert other and saturday not in other
    count = DutyShift.objects.count()
    demo.seed(county=world.county)
    assert DutyShift.objects.count() == count
    # On that Saturday the secretary checks in as on any day.
    shift = DutyShift.objects.get(village=world.village_a1, date=saturday)
    shift = duty.shift_check_in(actor=world.village_a1_clerk, shift=shift, now=at(saturday, 8, 45))
    assert shift.attendance == "on_time"


def test_a_past_shift_checked_in_and_never_checked_out_is_flagged_and_counted(world):
    """The 16th: checked in and out; the 17th: checked in, never out (flagged); today: checked in, not out
    yet (not flagged: the cadre may still check out)."""
    today = timezone.localdate()
    days = [today - dt.timedelta(days=2), today - dt.timedelta(days=1), today]
    shifts = [shift_on(world, day) for day in days]
    for shift in shifts:
        DutyShift.objects.filter(pk=shift.pk).update(
            checked_in_at=at(shift.date, 8, 30), attendance=DutyShift.Attendance.ON_TIME
        )
    DutyShift.objects.filter(pk=shifts[0].pk).update(checked_out_at=at(days[0], 17, 40))
    page = world.client_for(world.township_a_officer).get(
        "/duty/attendance/", {"region": "419901101000", "from": days[0].isoformat(), "to": today.isoformat()}
    )
    assert page.context["rows"][0]["no_check_out"] == 1
    assert page.context["table"].total["no_check_out"] == 1
    assert "未签退</th>" in page.content.decode()
    month = "" if days[0].month == today.month else f"?month={days[1]:%Y-%m}"
    roster = (
        world.client_for(world.village_a1_clerk).get(f"/duty/419901101201/roster/{month}").content.decode()
    )
    assert roster.count('class="badge text-bg-warning no-check-out"') == 1


def test_a_duty_volunteer_sits_on_duty_with_duty_rights_only(world):
    """[000] 大学生村干部, 无职党员 and 退休村干部 join the rota: they can be rostered and check in on their own
    shift, but neither accept requests nor change the roster."""
    volunteer = make_user("volunteer_a1", Role.DUTY_VOLUNTEER, world.village_a1, real_name="杨晓东")
    clerk = world.client_for(world.village_a1_clerk)
    roster = clerk.get("/duty/419901101201/roster/").content.decode()
    assert f'<option value="{volunteer.pk}">杨晓东</option>' in roster
    today = timezone.localdate()
    shift = shift_on(world, today, volunteer)
    duty.shift_check_in(actor=volunteer, shift=shift, now=at(today, 8, 30))
    shift.refresh_from_db()
    assert shift.checked_in_at is not None and shift.attendance == DutyShift.Attendance.ON_TIME
    own = world.client_for(volunteer)
    assert own.get("/requests/new/").status_code == 403
    assert (
        own.post(
            "/duty/419901101201/roster/", {"form": "day", "date": today.isoformat(), "cadre": ""}
        ).status_code
        == 403
    )
    assert DutyShift.objects.get(pk=shift.pk).cadre == volunteer
