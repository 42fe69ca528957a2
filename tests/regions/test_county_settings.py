"""The county settings page (/settings/): one block per system's rules, kept by county administrators.
The duty-shift rules left the calendar page for the ``duty`` block here."""

from __future__ import annotations

import datetime as dt

import pytest

from centers.models import DutyRules
from tests.regions.builders import other_county

pytestmark = pytest.mark.django_db


def duty_block(county, **changes) -> dict:
    data = {
        "block": "duty",
        "county": county.code,
        "duty-starts_at": "08:00",
        "duty-ends_at": "17:00",
        "duty-cutoff": "08:30",
        "duty-grace_minutes": "5",
        "duty-remind_minutes_before": "30",
    }
    data.update({f"duty-{name}": value for name, value in changes.items()})
    return data


def test_page_shows_every_registered_block_with_the_defaults(world):
    response = world.client_for(world.county_admin).get("/settings/")
    assert response.status_code == 200
    assert [setting.key for setting, _ in response.context["blocks"]] == ["duty", "decisions", "mediation"]
    text = response.content.decode()
    assert "坐班规定" in text and "四议两公开规定" in text and "默认值" in text


def test_county_sets_duty_rules_on_the_settings_page(world):
    client = world.client_for(world.county_admin)
    response = client.post("/settings/", duty_block(world.county))
    assert response.status_code == 302
    assert response.url == f"/settings/?county={world.county.code}#duty"
    rules = DutyRules.objects.get(county=world.county)
    assert (rules.cutoff, rules.grace_minutes) == (dt.time(8, 30), 5)
    assert DutyRules.for_region(world.village_a1) == rules
    bad = client.post("/settings/", duty_block(world.county, cutoff="18:00"))
    assert bad.status_code == 200
    assert "签到截止时间应在上班时间和下班时间之间" in bad.content.decode()
    rules.refresh_from_db()
    assert rules.cutoff == dt.time(8, 30)


def test_duty_rules_are_no_longer_set_on_the_calendar_page(world):
    client = world.client_for(world.county_admin)
    client.post(
        "/calendar/",
        {
            "form": "rules",
            "county": world.county.code,
            "rules-starts_at": "08:00",
            "rules-ends_at": "17:00",
            "rules-cutoff": "08:30",
            "rules-grace_minutes": "5",
        },
    )
    assert not DutyRules.objects.exists()


def test_only_county_administrators_of_that_county_keep_the_settings(world):
    assert world.client_for(world.township_a_officer).get("/settings/").status_code == 403
    assert (
        world.client_for(world.township_a_officer).post("/settings/", duty_block(world.county)).status_code
        == 403
    )
    other = other_county()
    client = world.client_for(world.county_admin)
    assert client.post("/settings/", duty_block(other)).status_code == 404
    assert client.post("/settings/", {**duty_block(world.county), "block": "nonsense"}).status_code == 404
    assert not DutyRules.objects.exists()
