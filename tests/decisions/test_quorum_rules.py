"""The meeting rules of DOMAIN_RULES C.1-C.3 and A.2.3 §5 on their boundaries: the 村民代表会议 counts its
村民委员会成员 with the 村民代表, committee votes count against all members, a category may need two thirds
of all entitled, and a 村民会议 needs ten days' notice. quorum.py first, then through the real URLs."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from decisions import quorum
from decisions.models import Body, DecisionRules, Majority, Matter, MatterCategory, Meeting, VillageRoster
from decisions.services import RosterCounts
from decisions.standards import STATUTORY_CATEGORIES, categories_ensure
from regions.roles import Role
from regions.services import county_settings_save, post_grant
from tests.conftest import make_user
from tests.decisions.builders import (
    COUNTS,
    disclose,
    matter_register,
    roster_for,
    take_to_resolution,
    zh,
)
from tests.decisions.conftest import meeting_post

pytestmark = pytest.mark.django_db

LAND_ADJUSTMENT = "承包期内调整承包地（农村土地承包法第二十八条）"
ASSEMBLY = RosterCounts(**{**COUNTS.__dict__, "village_committee": 7, "representatives": 30})  # 37 members


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# -- quorum.py ----------------------------------------------------------------------------------------


def test_the_representatives_assembly_of_37_needs_25_present():
    """7 村委会成员 + 30 村民代表 = 37: two thirds is 24.67, so 25 present hold it (75 >= 74), 24 do not."""
    assert quorum.evaluate(Body.REPRESENTATIVES, quorum.Count(entitled=37, present=25, votes_for=13)) == (
        True,
        True,
    )
    assert quorum.evaluate(Body.REPRESENTATIVES, quorum.Count(entitled=37, present=25, votes_for=12)) == (
        True,
        False,
    )
    assert quorum.evaluate(Body.REPRESENTATIVES, quorum.Count(entitled=37, present=24, votes_for=24)) == (
        False,
        None,
    )


@pytest.mark.parametrize("body", [Body.PARTY_ORGANIZATION, Body.TWO_COMMITTEES])
def test_committee_votes_count_against_all_members(body):
    """5 members, 3 present: 3 for pass (more than 2.5), 2 for fail although a majority of those present."""
    assert quorum.evaluate(body, quorum.Count(entitled=5, present=3, votes_for=3)) == (True, True)
    assert quorum.evaluate(body, quorum.Count(entitled=5, present=3, votes_for=2)) == (True, False)
    assert quorum.evaluate(body, quorum.Count(entitled=5, present=2, votes_for=2)) == (False, None)
    assert "超过全体" in quorum.rule_text(body)


@pytest.mark.parametrize("body", [Body.REPRESENTATIVES, Body.VILLAGERS])
def test_two_thirds_of_all_entitled_not_of_those_present(body):
    """30 entitled, 20 present, 19 for: a majority of those present passes the ordinary rule, but two thirds
    of all 30 needs 20; 20 for is exactly two thirds ("三分之二以上" includes it)."""
    count = quorum.Count(entitled=30, present=20, votes_for=19, households_total=30, households_present=20)
    assert quorum.evaluate(body, count) == (True, True)
    assert quorum.evaluate(body, count, Majority.TWO_THIRDS) == (True, False)
    twenty = quorum.Count(entitled=30, present=20, votes_for=20, households_total=30, households_present=20)
    assert quorum.evaluate(body, twenty, Majority.TWO_THIRDS) == (True, True)
    assert quorum.explain(body, count, Majority.TWO_THIRDS).min_for == 20
    assert "三分之二以上同意" in quorum.rule_text(body, Majority.TWO_THIRDS)


# -- the roster: 村民委员会成员, the 4/5 composition, the 两委 counted by persons --------------------------------


def roster_post(client, village, **counts):
    data = {"valid_from": timezone.localdate().isoformat(), **ASSEMBLY.__dict__, **counts}
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(reverse("decisions:roster", args=[village.code]), data, follow=True)


def test_the_roster_records_the_committee_and_warns_when_representatives_are_short(world, clerk):
    # 7 + 28 = 35: 28 is exactly four fifths (140 >= 140): no warning.
    page = text_of(roster_post(clerk, world.village_a1, representatives=28))
    roster = VillageRoster.objects.get(village=world.village_a1)
    assert (roster.village_committee, roster.assembly_members) == (7, 35)
    assert "人数登记已保存" in page and "低于五分之四" not in page
    # 7 + 27 = 34: 27 is short of four fifths (135 < 136): saved, with a warning.
    page = text_of(
        roster_post(clerk, world.village_a1, representatives=27, valid_from=date(2020, 1, 1).isoformat())
    )
    assert "村民代表27人，占村民代表会议组成人员34人" in page and "低于五分之四" in page
    assert VillageRoster.objects.filter(village=world.village_a1).count() == 2


def test_a_roster_without_the_committee_is_refused(world, clerk):
    response = roster_post(clerk, world.village_a1, village_committee=None)
    assert "请填写村民委员会成员数" in text_of(response)
    assert not VillageRoster.objects.exists()
    response = roster_post(clerk, world.village_a1, village_committee=-1)
    assert "村民委员会成员数不能为负数" in text_of(response)
    assert not VillageRoster.objects.exists()
    # Someone else's village: not found; a read-only post: refused.
    assert roster_post(clerk, world.village_b1).status_code == 404
    readonly = world.client_for(world.village_a1_readonly)
    assert roster_post(readonly, world.village_a1).status_code == 403
    assert not VillageRoster.objects.exists()


def test_the_roster_page_counts_the_two_committees_by_person(world, clerk):
    """The secretary who also holds a committee post (一肩挑) counts once beside the roster field."""
    post_grant(actor=None, user=world.village_a1_clerk, role=Role.VILLAGE_COMMITTEE, region=world.village_a1)
    make_user("a1_member", Role.VILLAGE_COMMITTEE, world.village_a1)
    make_user("a2_member", Role.VILLAGE_COMMITTEE, world.village_a2)  # another village's
    page = text_of(clerk.get(reverse("decisions:roster", args=[world.village_a1.code])))
    assert "平台登记的在任两委成员（村党组织书记和村两委成员职务，按人计）：2人" in page
    assert "一人兼任多个职务（“一肩挑”、交叉任职）只计一人" in page


def test_the_assembly_of_37_through_the_meeting_form(world, secretary, clerk):
    roster_for(world.village_a1, counts=ASSEMBLY)
    matter = take_to_resolution(secretary, matter_register(secretary, world.village_a1))
    response = meeting_post(clerk, matter, "resolution", present=24, votes_for=24, entitled=37, confirm=False)
    assert "需到会 ≥ 25 人" in text_of(response) and "未达到法定人数" in text_of(response)
    response = meeting_post(clerk, matter, "resolution", present=25, votes_for=13, entitled=37)
    assert response.status_code == 302
    meeting = matter.meetings.get(step="resolution")
    assert (meeting.entitled, meeting.roster_entitled, meeting.quorum_met, meeting.passed) == (
        37,
        37,
        True,
        True,
    )


def test_an_old_roster_without_the_committee_asks_for_the_basis(world, secretary, clerk):
    """Rosters recorded before the field have none (the migration leaves it empty): the representatives'
    meeting cannot take its 应到人数 from them, so the figure needs its basis, and the page says so."""
    roster = roster_for(world.village_a1)
    VillageRoster.objects.filter(pk=roster.pk).update(village_committee=None)
    matter = take_to_resolution(secretary, matter_register(secretary, world.village_a1))
    response = meeting_post(clerk, matter, "resolution", present=30, votes_for=30, entitled=35)
    assert "没有村民委员会成员数" in text_of(response)
    assert not matter.meetings.filter(step="resolution").exists()
    response = meeting_post(
        clerk,
        matter,
        "resolution",
        present=30,
        votes_for=30,
        entitled=35,
        entitled_reason="村委会5人，代表30人",
    )
    assert response.status_code == 302
    assert matter.meetings.get(step="resolution").roster_entitled is None
    page = text_of(clerk.get(reverse("decisions:roster", args=[world.village_a1.code])))
    assert "最新的人数登记没有村民委员会成员数" in page


# -- two thirds of all entitled for a category ---------------------------------------------------------


def test_the_statutory_list_has_the_ninth_item_and_the_land_matters(world):
    statutory = MatterCategory.objects.filter(region=None).order_by("sort_order")
    assert [c.name for c in statutory] == [name for name, _ in STATUTORY_CATEGORIES]
    assert statutory[8].name == "其他涉及村民利益的事项（村民会议认定）"
    assert statutory[2].name == "公益事业的兴办和筹资筹劳方案及建设承包方案"
    assert statutory[7].name == "以借贷、租赁或者其他方式处分村集体财产"
    two_thirds = {c.name for c in statutory if c.majority == Majority.TWO_THIRDS}
    assert two_thirds == {
        "土地承包经营方案",
        LAND_ADJUSTMENT,
        "发包给本集体经济组织以外的单位或者个人（农村土地承包法第五十二条）",
    }


def test_an_old_statutory_name_is_renamed_in_place(world, roster, secretary):
    category = MatterCategory.objects.get(name="以借贷、租赁或者其他方式处分村集体财产")
    MatterCategory.objects.filter(pk=category.pk).update(name="处分村集体财产")
    categories_ensure()
    category.refresh_from_db()
    assert category.name == "以借贷、租赁或者其他方式处分村集体财产"
    assert MatterCategory.objects.filter(region=None).count() == len(STATUTORY_CATEGORIES)


@pytest.mark.parametrize(
    "category, votes_for, passed",
    [
        ("公益事业的兴办和筹资筹劳方案及建设承包方案", 19, True),  # 19 of 20 present: a majority
        (LAND_ADJUSTMENT, 19, False),  # two thirds of all 30 is 20
        (LAND_ADJUSTMENT, 20, True),
    ],
)
def test_the_resolution_applies_the_categorys_majority(
    world, roster, secretary, clerk, category, votes_for, passed
):
    matter = take_to_resolution(secretary, matter_register(secretary, world.village_a1, category=category))
    preview = text_of(
        meeting_post(clerk, matter, "resolution", present=20, votes_for=votes_for, confirm=False)
    )
    if category == LAND_ADJUSTMENT:
        assert "表决规则：须经全体应到人员（30人）三分之二以上同意。" in preview
    else:
        assert "表决规则：赞成票须超过到会人数的一半。" in preview
    response = meeting_post(
        clerk, matter, "resolution", present=20, votes_for=votes_for, votes_against=20 - votes_for
    )
    assert response.status_code == 302
    meeting = matter.meetings.get(step="resolution")
    assert meeting.passed is passed
    assert meeting.majority == (Majority.TWO_THIRDS if category == LAND_ADJUSTMENT else Majority.STANDARD)
    matter.refresh_from_db()
    assert matter.status == (Matter.Status.OPEN if passed else Matter.Status.REJECTED)


def test_the_rule_applied_is_on_the_bulletin_and_in_the_record_book(world, roster, secretary, clerk):
    matter = take_to_resolution(
        secretary, matter_register(secretary, world.village_a1, category=LAND_ADJUSTMENT)
    )
    assert meeting_post(clerk, matter, "resolution", present=25, votes_for=22).status_code == 302
    # The earlier steps keep their own rule: the category's applies to the resolution only.
    assert set(matter.meetings.values_list("step", "majority")) == {
        ("proposal", "standard"),
        ("consultation", "standard"),
        ("review", "standard"),
        ("resolution", "two_thirds"),
    }
    disclose(secretary, matter, posted_on=timezone.localdate())
    bulletin = text_of(world.client_for(None).get(reverse("bulletin", args=[world.village_a1.code])))
    assert "赞成22票，反对0票，弃权0票，通过（本类事项须经全体应到人员（30人）三分之二以上同意）" in bulletin
    book = load_workbook(
        io.BytesIO(clerk.get(reverse("decisions:record-book", args=[world.village_a1.code])).content)
    )
    rows = list(book["会议记录"].values)
    rule_column = rows[1].index("表决规则")
    by_step = {row[2]: row[rule_column] for row in rows[2:]}
    assert by_step["村民（代表）会议决议"] == "须经全体应到人员（30人）三分之二以上同意"
    assert by_step["党组织提议"] == "赞成票须超过应到人数（5人）的一半"


def test_a_township_chooses_the_rule_of_its_own_category(world, roster, secretary, clerk):
    officer = world.client_for(world.township_a_officer)
    url = reverse("decisions:categories")
    response = officer.post(url, {"region": world.township_a.pk, "name": "组级土地调整", "majority": "all"})
    assert response.status_code == 200 and "选择一个有效的选项" in text_of(response)
    assert not MatterCategory.objects.filter(name="组级土地调整").exists()
    response = officer.post(
        url, {"region": world.township_a.pk, "name": "组级土地调整", "majority": "two_thirds"}
    )
    assert response.status_code == 302
    category = MatterCategory.objects.get(name="组级土地调整")
    assert (category.region, category.majority) == (world.township_a, Majority.TWO_THIRDS)
    assert "全体应到人员三分之二以上同意" in text_of(officer.get(url))
    # A village may not set categories, and another township's region is not offered.
    response = clerk.post(url, {"region": world.township_a.pk, "name": "村里自定", "majority": "standard"})
    assert response.status_code == 403
    response = officer.post(url, {"region": world.township_b.pk, "name": "别处", "majority": "standard"})
    assert response.status_code == 200 and not MatterCategory.objects.filter(name="别处").exists()
    # The category's rule decides its matters' resolution.
    matter = take_to_resolution(
        secretary, matter_register(secretary, world.village_a1, category="组级土地调整")
    )
    meeting_post(clerk, matter, "resolution", present=20, votes_for=19, votes_against=1)
    assert matter.meetings.get(step="resolution").passed is False


# -- ten days' notice of a 村民会议 -----------------------------------------------------------------------


def _october() -> int:
    """The latest year whose 11 October is past (the service refuses meetings in the future)."""
    today = timezone.localdate()
    return today.year if today > date(today.year, 10, 11) else today.year - 1


@pytest.fixture
def at_villagers_resolution(world, roster, secretary):
    start = date(_october(), 9, 20)
    return take_to_resolution(secretary, matter_register(secretary, world.village_a1), start=start)


def _villagers(clerk, matter, held_on, notice_on, **extra):
    data = {"households_total": 300, "households_present": 0}
    # Left out, the helper would fill in ten days' notice: "" is the field left empty.
    data["notice_on"] = notice_on.isoformat() if notice_on is not None else ""
    return meeting_post(
        clerk,
        matter,
        "resolution",
        body="villagers",
        present=451,
        votes_for=300,
        held_on=held_on,
        **data,
        **extra,
    )


def test_ten_days_notice_counted_from_the_day_after(world, at_villagers_resolution, clerk, secretary):
    matter, year = at_villagers_resolution, _october()
    notice = date(year, 10, 1)
    response = _villagers(clerk, matter, date(year, 10, 10), notice)
    page = text_of(response)
    assert f"召集村民会议应当提前十天通知村民（村民委员会组织法第二十一条）：{zh(notice)}通知的，" in page
    assert f"最早{zh(date(year, 10, 11))}召开" in page
    assert not matter.meetings.filter(step="resolution").exists()
    response = _villagers(clerk, matter, date(year, 10, 11), notice)
    assert response.status_code == 302
    meeting = matter.meetings.get(step="resolution")
    assert (meeting.notice_on, meeting.notice_short, meeting.passed) == (notice, False, True)
    # The record book and, once the resolution is posted, the bulletin say when the villagers were told.
    record = text_of(clerk.get(reverse("decisions:matter-record", args=[matter.pk])))
    assert f"通知日期 {zh(notice)}" in record and "通知不足10天" not in record
    disclose(secretary, matter, posted_on=date(year, 10, 12))
    bulletin = text_of(Client().get(reverse("bulletin", args=[world.village_a1.code])))
    assert f"（村民会议，{zh(notice)}通知）" in bulletin


def test_a_villagers_meeting_needs_its_notice_date(world, at_villagers_resolution, clerk):
    matter, year = at_villagers_resolution, _october()
    assert "村民会议请填写通知日期" in text_of(_villagers(clerk, matter, date(year, 10, 11), None))
    late_notice = _villagers(clerk, matter, date(year, 10, 11), date(year, 10, 12))
    assert "通知日期不能晚于会议日期" in text_of(late_notice)
    bad = meeting_post(
        clerk,
        matter,
        "resolution",
        body="villagers",
        present=451,
        votes_for=300,
        held_on=date(year, 10, 11),
        households_total=300,
        notice_on="十月一日",
    )
    assert "输入一个有效的日期" in text_of(bad)
    assert not matter.meetings.filter(step="resolution").exists()


def test_a_county_may_let_short_notice_be_recorded_flagged(world, at_villagers_resolution, clerk):
    county_settings_save(
        actor=None, county=world.county, model=DecisionRules, values={"short_notice": "flag"}
    )
    matter, year = at_villagers_resolution, _october()
    preview = _villagers(clerk, matter, date(year, 10, 10), date(year, 10, 1), confirm=False)
    assert "本县规定可以录入，会议将标记为“通知不足10天”" in text_of(preview)
    assert _villagers(clerk, matter, date(year, 10, 10), date(year, 10, 1)).status_code == 302
    meeting = matter.meetings.get(step="resolution")
    assert meeting.notice_short and meeting.passed
    record = text_of(clerk.get(reverse("decisions:matter-record", args=[matter.pk])))
    assert f"通知日期 {zh(date(year, 10, 1))}（通知不足10天）" in record
    assert "通过（赞成票须超过到会人数的一半）" in record
    # Marked for the township (oversight) and in the record book.
    oversight = world.client_for(world.township_a_officer).get(
        reverse("decisions:oversight") + f"?region={world.township_a.code}"
    )
    section = text_of(oversight)
    assert "通知不足10天的村民会议（共1次）" in section and matter.title in section
    other = world.client_for(world.township_b_officer).get(
        reverse("decisions:oversight") + f"?region={world.township_b.code}"
    )
    assert "通知不足10天的村民会议（共0次）" in text_of(other)
    book = load_workbook(
        io.BytesIO(
            clerk.get(
                reverse("decisions:record-book", args=[world.village_a1.code]) + f"?year={year}"
            ).content
        )
    )
    rows = list(book["会议记录"].values)
    header = rows[1]
    resolution = next(row for row in rows[2:] if row[2] == "村民（代表）会议决议")
    assert resolution[header.index("通知不足10天")] == "是"
    assert resolution[header.index("通知日期")].date() == date(year, 10, 1)


def test_representatives_meetings_need_no_notice_date(world, roster, secretary, clerk):
    matter = take_to_resolution(secretary, matter_register(secretary, world.village_a1))
    response = meeting_post(clerk, matter, "resolution", present=20, votes_for=11, notice_on="")
    assert response.status_code == 302
    assert Meeting.objects.get(matter=matter, step="resolution").notice_on is None


def test_the_county_sets_what_short_notice_does_on_its_settings_page(world):
    from tests.decisions.test_disclosures import rules_post

    admin = world.client_for(world.county_admin)
    assert DecisionRules.for_region(world.village_a1).short_notice == "refuse"  # the default
    response = rules_post(admin, world.county, short_notice="ignore")
    assert response.status_code == 200 and "选择一个有效的选项" in text_of(response)
    assert not DecisionRules.objects.filter(county=world.county).exists()
    assert rules_post(admin, world.county, short_notice="flag").status_code == 302
    assert DecisionRules.objects.get(county=world.county).short_notice == "flag"
    # A township may not change the county's rules.
    officer = world.client_for(world.township_a_officer)
    assert rules_post(officer, world.county, short_notice="refuse").status_code == 403
    assert DecisionRules.objects.get(county=world.county).short_notice == "flag"
