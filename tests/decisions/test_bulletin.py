"""The public village-affairs bulletin: no login, only disclosed matters of the region, no personal data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions.services import RosterCounts, objection_record
from decisions.views_public import code_of, short_code
from tests.conftest import make_user
from tests.decisions.builders import amend, disclosed_matter, matter_register, roster_for, zh

pytestmark = pytest.mark.django_db


@pytest.fixture
def b1_secretary(world):
    user = make_user("b1_secretary", "village_secretary", world.village_b1, real_name="赵书记")
    roster_for(world.village_b1)
    return user


def test_the_village_bulletin_shows_only_its_disclosed_matters(world, roster, secretary, b1_secretary):
    shown = disclosed_matter(secretary, world.village_a1, "修建村东头文化广场", days_ago=3)  # still running
    matter_register(secretary, world.village_a1, title="尚未决议的鱼塘承包")  # not disclosed
    other = disclosed_matter(b1_secretary, world.village_b1, "李楼村道路硬化")
    objection_record(
        actor=None,
        disclosure=shown.disclosures.get(),
        received_on=shown.disclosed_on,
        summary="张三反映占用了他家的宅基地",
    )
    response = world.client_for(None).get(reverse("bulletin", args=[world.village_a1.code]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "修建村东头文化广场" in page and "决议：修建村东头文化广场，同意实施。" in page
    assert "尚未决议的鱼塘承包" not in page and other.title not in page
    # The vote of every step with its date, and the period (posted the day after the meetings, still running) ...
    held_on = timezone.localdate() - timedelta(days=3)
    assert (
        f"{zh(held_on)} 村民（代表）会议决议（村民代表会议）：应到30人，实到30人，赞成30票，反对0票，弃权0票，通过"
        in page
    )
    assert (
        f"{zh(held_on)} 党组织提议（村党组织会议）：应到5人，实到5人，赞成5票，反对0票，弃权0票，通过" in page
    )
    assert shown.disclosed_on == held_on + timedelta(days=1)
    # 民法典 第201条: from the day after posting, 7 days; an end on a weekend moves to the Monday.
    ends = shown.disclosed_on + timedelta(days=7)
    while ends.weekday() >= 5:
        ends += timedelta(days=1)
    assert (
        f"{zh(shown.disclosed_on)}张贴 · 公示期：自张贴次日起7日，至{zh(ends)}" in page
        and "（公示中）" in page
    )
    assert "收到异议1条，已答复0条" in page
    # ... and no personal data: not the chair, recorder, proposer, objector or who recorded it.
    for personal in (
        "王书记",
        "李会计",
        "提议人",
        "张三",
        "village_a1_clerk",
        world.village_a1_clerk.real_name,
    ):
        assert personal not in page, personal


def test_the_township_bulletin_shows_its_villages_only(world, roster, secretary, b1_secretary):
    disclosed_matter(secretary, world.village_a1, "修建村东头文化广场")
    disclosed_matter(b1_secretary, world.village_b1, "李楼村道路硬化")
    page = world.client_for(None).get(reverse("bulletin", args=[world.township_a.code])).content.decode()
    assert "修建村东头文化广场" in page and "白马村" in page
    assert "李楼村道路硬化" not in page


def test_latest_posting_first(world, roster, secretary):
    disclosed_matter(secretary, world.village_a1, "较早的事项", days_ago=40)
    disclosed_matter(secretary, world.village_a1, "较晚的事项", days_ago=20)
    page = world.client_for(None).get(reverse("bulletin", args=[world.village_a1.code])).content.decode()
    assert page.index("较晚的事项") < page.index("较早的事项")


@pytest.mark.parametrize("junk", ["0", "-1", "1001", "abc", "1e3"])
def test_a_junk_page_number_cannot_put_another_page_under_page_ones_key(
    world, roster, secretary, monkeypatch, junk
):
    """The cache key and the page shown come from one number: ?page=<junk> shows (and caches) page 1, so the
    next visitor of page 1 sees the latest posting, not the last page an attacker asked for."""
    monkeypatch.setattr("decisions.views_public.PER_PAGE", 1)
    disclosed_matter(secretary, world.village_a1, "较早的事项", days_ago=40)
    disclosed_matter(secretary, world.village_a1, "较晚的事项", days_ago=20)
    anonymous, url = world.client_for(None), reverse("bulletin", args=[world.village_a1.code])
    assert "较晚的事项" in anonymous.get(url, {"page": junk}).content.decode()
    first = anonymous.get(url).content.decode()
    assert "较晚的事项" in first and "较早的事项" not in first
    assert "较早的事项" in anonymous.get(url, {"page": "2"}).content.decode()


@pytest.mark.parametrize("code", ["419901000000", "419901101299", "999999999999"])
def test_county_and_unknown_codes_answer_404(world, code):
    assert world.client_for(None).get(reverse("bulletin", args=[code])).status_code == 404


def test_short_link_and_qr_poster(world):
    short = short_code(world.village_a1.code)
    assert len(short) <= 8 and code_of(short) == world.village_a1.code
    anonymous = world.client_for(None)
    response = anonymous.get(reverse("bulletin-short", args=[short]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "bulletin", args=[world.village_a1.code]
    )
    assert anonymous.get(f"/b/{short_code('419901000000')}/").status_code == 404  # a county has no bulletin
    assert anonymous.get("/b/zzzzzzzz/").status_code == 404
    poster = anonymous.get(reverse("bulletin-poster", args=[world.village_a1.code])).content.decode()
    assert "<svg" in poster and f"/b/{short}/" in poster
    page = anonymous.get(reverse("bulletin", args=[world.village_a1.code])).content.decode()
    assert f"/b/{short}/" in page


def test_the_bulletin_costs_the_same_queries_for_one_matter_or_many(world, roster, secretary):
    url = reverse("bulletin", args=[world.township_a.code])
    anonymous = world.client_for(None)
    disclosed_matter(secretary, world.village_a1, "事项一")
    with CaptureQueriesContext(connection) as one:
        assert anonymous.get(url).status_code == 200
    for n in range(2, 6):
        matter = disclosed_matter(secretary, world.village_a1, f"事项{n}")
        amend(None, matter.disclosures.get(), "text", f"更正{n}")
    with CaptureQueriesContext(connection) as many:
        page = anonymous.get(url).content.decode()
    assert "事项5" in page and "更正5" in page
    assert len(many) == len(one) <= 6, [q["sql"] for q in many.captured_queries]


def test_a_roster_change_needs_manage_rights(world, roster):
    url = reverse("decisions:roster", args=[world.village_a1.code])
    data = {
        "valid_from": timezone.localdate().isoformat(),
        **{f: 1 for f in RosterCounts.__dataclass_fields__},
    }
    assert world.client_for(world.village_a1_readonly).post(url, data).status_code == 403
    assert world.client_for(world.township_a_officer).post(url, data).status_code == 403
    response = world.client_for(world.village_a1_clerk).post(url, data)
    assert response.status_code == 302
    assert world.village_a1.rosters.count() == 2
    response = world.client_for(world.village_a1_clerk).post(url, {**data, "adults": -3})
    assert "18周岁以上村民数不能为负数" in response.content.decode()
    response = world.client_for(world.village_a1_clerk).post(url, data)
    assert "该日期已有一份人数登记" in response.content.decode()
    assert world.village_a1.rosters.count() == 2


def test_anonymous_pages_are_served_from_the_cache_until_something_changes(world, roster, secretary, clerk):
    matter = disclosed_matter(secretary, world.village_a1, "修建村东头文化广场", days_ago=3)
    anonymous = world.client_for(None)
    url = reverse("bulletin", args=[world.township_a.code])
    first = anonymous.get(url).content
    with CaptureQueriesContext(connection) as cached:
        again = anonymous.get(url).content
    assert again == first and len(cached) == 1  # the region only
    amend(None, matter.disclosures.get(), "text", "决议：改为修建篮球场。", "村民代表会议复议")
    assert "决议：改为修建篮球场。" in anonymous.get(url).content.decode()
    # A signed-in cadre never gets (or fills) the shared page.
    assert "当前用户" in clerk.get(url).content.decode()
    assert "当前用户" not in anonymous.get(url).content.decode()
