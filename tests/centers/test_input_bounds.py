"""Hostile query strings and posts on the centers pages get a page or a clear message, never a server
error: months and dates are bounded, ids are parsed by forms, positions must be real coordinates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from centers.models import DutyRules, DutyShift
from tests.centers.builders import item, shift_on

pytestmark = pytest.mark.django_db

ROSTER = "/duty/419901101201/roster/"


@pytest.mark.parametrize(
    "month", ["9999-12", "0001-01", "2026-13", "abc", "２０２６-０３", "2101-01", "-1-1"]
)
def test_roster_with_a_month_out_of_bounds_shows_this_month(world, month):
    response = world.client_for(world.village_a1_clerk).get(ROSTER, {"month": month})
    assert response.status_code == 200
    assert response.context["month"] == timezone.localdate().replace(day=1)


@pytest.mark.parametrize("month,first", [("2000-01", dt.date(2000, 1, 1)), ("2100-12", dt.date(2100, 12, 1))])
def test_roster_takes_the_first_and_last_month_of_the_bounds(world, month, first):
    response = world.client_for(world.village_a1_clerk).get(ROSTER, {"month": month})
    assert response.status_code == 200 and response.context["month"] == first


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "99999999999999999999"])
def test_materials_with_an_item_that_is_not_an_id_answer_404(world, value):
    response = world.client_for(world.village_a1_clerk).get("/requests/materials/", {"item": value})
    assert response.status_code == 404


def test_materials_of_a_visible_item_and_of_none(world):
    client = world.client_for(world.village_a1_clerk)
    assert "家庭收入证明" in client.get("/requests/materials/", {"item": item().pk}).content.decode()
    assert client.get("/requests/materials/").status_code == 200


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "2101-01-01"])
def test_attendance_with_a_date_out_of_bounds_says_so(world, value):
    response = world.client_for(world.township_a_officer).get(
        "/duty/attendance/", {"from": value, "to": value}
    )
    assert response.status_code == 200
    assert "日期应在2000年至2100年之间。" in response.content.decode()


def _check_in(world, **position):
    DutyRules.objects.create(
        county=world.county, starts_at=dt.time(0, 0), ends_at=dt.time(23, 59), cutoff=dt.time(23, 0)
    )
    shift = shift_on(world, timezone.localdate())
    response = world.client_for(world.village_a1_clerk).post(f"/duty/shifts/{shift.pk}/check-in/", position)
    shift.refresh_from_db()
    return response, shift


@pytest.mark.parametrize(
    "latitude,longitude",
    [
        ("1e400", "NaN"),
        ("NaN", "113.2"),
        ("34.1", "Infinity"),
        ("-inf", "113.2"),
        ("90.000001", "113.2"),
        ("34.1", "-180.5"),
        ("34.1", ""),
        ("３４.１", "113.2"),
    ],
)
def test_check_in_with_a_position_that_is_no_place_is_kept_without_it_and_says_so(world, latitude, longitude):
    response, shift = _check_in(world, latitude=latitude, longitude=longitude)
    assert response.status_code == 302
    assert shift.checked_in_at is not None  # a bad position never stops the check-in
    assert (shift.latitude, shift.longitude) == (None, None)
    assert "位置信息无效，本次签到未记录位置" in " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.mark.parametrize("latitude,longitude", [("90", "180"), ("-90", "-180"), ("34.123456", "113.2")])
def test_check_in_keeps_a_position_at_the_bounds(world, latitude, longitude):
    response, shift = _check_in(world, latitude=latitude, longitude=longitude)
    assert response.status_code == 302
    assert (str(shift.latitude), str(shift.longitude)) != ("None", "None")
    assert shift.attendance == DutyShift.Attendance.ON_TIME


def test_check_in_without_a_position_says_nothing_about_it(world):
    response, shift = _check_in(world)
    assert shift.checked_in_at is not None and shift.latitude is None
    assert "位置信息无效" not in " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_service_item_form_states_its_text_limits_and_refuses_past_them(world):
    from centers.models import ServiceItem

    client = world.client_for(world.county_admin)
    page = client.get("/service-items/new/").content.decode()
    assert page.count("不超过2000字") == 3  # materials, conditions, flow
    response = client.post(
        "/service-items/new/",
        {
            "name": "超长材料事项",
            "category": "民政",
            "handling_way": "proxy",
            "office": "民政办",
            "materials": "材" * 2001,
            "promised_days": "5",
        },
    )
    assert response.status_code == 200
    assert "所需材料不能超过2000字（现有2001字）。" in response.content.decode()
    assert not ServiceItem.objects.filter(name="超长材料事项").exists()


@pytest.mark.parametrize("days", ["-1", "0", "366", "99999999999", "1e3"])
def test_service_item_promised_days_out_of_bounds_are_refused(world, days):
    from centers.models import ServiceItem

    response = world.client_for(world.county_admin).post(
        "/service-items/new/",
        {
            "name": "时限事项",
            "category": "民政",
            "handling_way": "proxy",
            "office": "民政办",
            "promised_days": days,
        },
    )
    assert response.status_code == 200
    assert not ServiceItem.objects.filter(name="时限事项").exists()
