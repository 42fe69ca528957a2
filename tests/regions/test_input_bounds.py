"""Hostile input on the foundation's pages: codes are ASCII digits only (other scripts' digits pass
``str.isdigit()`` and a regex's ``\\d``), and region names are limited so that the names derived from them
fit. Each is refused with a clear message, and nothing is written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from centers.models import ServiceCenter
from regions.models import Region
from tests.conftest import xlsx_bytes

pytestmark = pytest.mark.django_db

NAME_MAX = 50  # regions.models.REGION_NAME_MAX
FULL_WIDTH = "４１９９０１１０３２０１"  # 419901103201 in full-width digits


def _import_regions(world, rows):
    upload = SimpleUploadedFile("t.xlsx", xlsx_bytes([("code", "name"), *rows]))
    return world.client_for(world.county_admin).post("/regions/import/", {"file": upload})


@pytest.mark.parametrize("code", ["41990110128²", FULL_WIDTH, "419901103٢01"])
def test_region_import_refuses_codes_in_other_digits(world, code):
    before = Region.objects.count()
    response = _import_regions(world, [("419901103000", "新兴镇"), (code, "新兴村")])
    assert response.status_code == 200
    assert f"第3行：区划代码“{code}”不是数字（应为半角数字0-9）" in response.context["result"].errors
    assert Region.objects.count() == before


def test_region_import_refuses_a_name_longer_than_the_limit(world):
    before = (Region.objects.count(), ServiceCenter.objects.count())
    response = _import_regions(world, [("419901103000", "镇" * 5000)])
    assert response.status_code == 200
    assert response.context["result"].errors == ["第2行：名称超过50字（现有5000字）"]
    assert (Region.objects.count(), ServiceCenter.objects.count()) == before


def test_region_import_takes_a_name_of_exactly_the_limit_and_its_center_name_fits(world):
    name = "镇" * NAME_MAX
    response = _import_regions(world, [("419901103000", name)])
    assert response.context["result"].errors == []
    assert ServiceCenter.objects.get(region__code="419901103000").name == f"{name}党群服务中心"


def test_admin_refuses_a_region_name_over_the_limit(world):
    client = world.client_for(world.sysadmin)
    url = f"/admin/regions/region/{world.village_a2.pk}/change/"
    response = client.post(url, {"name": "村" * (NAME_MAX + 1)})
    assert response.status_code == 200
    assert "名称不能超过50字。" in response.content.decode()
    world.village_a2.refresh_from_db()
    assert world.village_a2.name != "村" * (NAME_MAX + 1)


def test_people_import_refuses_a_mobile_in_full_width_digits(world):
    mobile = "139０００００021"
    data = xlsx_bytes(
        [
            ("用户名", "姓名", "手机号", "职务", "区划代码", "任职日期"),
            ("wide1", "宽一", mobile, "网格员", "419901101202", ""),
        ]
    )
    response = world.client_for(world.township_a_officer).post(
        "/people/import/", {"file": SimpleUploadedFile("p.xlsx", data)}
    )
    errors = response.context["result"].errors
    assert len(errors) == 1 and f"手机号码“{mobile}”不是11位手机号" in errors[0]
    assert not User.objects.filter(username="wide1").exists()


def test_post_grant_form_refuses_a_full_width_code(world):
    response = world.client_for(world.township_a_officer).post(
        "/people/new/",
        {
            "username": "wide2",
            "real_name": "宽二",
            "role": "grid_worker",
            "region": "４１９９０１１０１２０２",
            "started_on": "2026-01-05",
        },
    )
    assert response.status_code == 200
    assert "请输入区划代码（数字）。" in response.content.decode()
    assert not User.objects.filter(username="wide2").exists()


@pytest.mark.parametrize(
    "url",
    [
        "/regions/４１９９０１１０１２０１/",
        "/duty/４１９９０１１０１２０１/roster/",
        "/catalog/４１９９０１１０１２０１/",
        "/bulletin/４１９９０１１０１２０１/",
    ],
)
def test_code_urls_take_ascii_digits_only(world, url):
    assert world.client_for(world.county_admin).get(url).status_code == 404


@pytest.mark.parametrize("year", ["abc", "99999", "1999", "２０２７"])
def test_calendar_of_a_year_out_of_bounds_shows_this_year(world, year):
    from django.utils import timezone

    response = world.client_for(world.county_admin).get("/calendar/", {"year": year})
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year


# -- numbers on the county settings page: bounded by the form, as the columns and constraints are ----------


@pytest.mark.parametrize(
    "block,name,value",
    [
        ("duty", "grace_minutes", "-1"),
        ("duty", "grace_minutes", "99999"),
        ("duty", "remind_minutes_before", "99999999999999999999"),
        ("duty", "remind_minutes_before", "NaN"),
        ("decisions", "disclosure_days", "3"),
        ("decisions", "disclosure_days", "99999"),
        ("decisions", "stuck_days", "0"),
        ("decisions", "record_within_days", "-5"),
    ],
)
def test_county_settings_refuse_numbers_out_of_bounds_and_keep_nothing(world, block, name, value):
    from centers.models import DutyRules
    from decisions.models import DecisionRules

    data = {
        "block": block,
        "county": world.county.code,
        "duty-starts_at": "08:00",
        "duty-ends_at": "17:00",
        "duty-cutoff": "08:30",
        "duty-grace_minutes": "5",
        "duty-remind_minutes_before": "30",
        "decisions-disclosure_days": "7",
        "decisions-resolution_within_days": "60",
        "decisions-record_within_days": "7",
        "decisions-stuck_days": "30",
        "decisions-short_notice": "flag",
        f"{block}-{name}": value,
    }
    response = world.client_for(world.county_admin).post("/settings/", data)
    assert response.status_code == 200
    assert not DutyRules.objects.filter(county=world.county).exists()
    assert not DecisionRules.objects.filter(county=world.county).exists()
