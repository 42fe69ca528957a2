"""四议两公开 through the real URLs: steps in order, quorum and majority on their boundaries, numbers that
must add up, rejection, the disclosure period, re-proposal. The steps before the one under test are taken
through the services (tests/decisions/builders.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions.models import Matter, MatterTimelineEvent, Meeting, Step
from decisions.services import matter_repropose
from tests.decisions.builders import (
    disclose,
    matter_register,
    meeting_record,
    resolve,
    step_pass,
    take_to,
    take_to_resolution,
    weekday_ago,
    zh,
)
from tests.decisions.conftest import disclose_post, matter_register_via, meeting_post, pass_step

pytestmark = pytest.mark.django_db


def errors_of(response) -> str:
    return response.content.decode()


def test_a_matter_goes_through_every_step_in_order(world, roster, clerk):
    """The one test that takes every step through the real URLs, one after the other."""
    matter = matter_register_via(clerk, world.village_a1)
    assert matter.step == Step.PROPOSAL and matter.status == Matter.Status.OPEN
    # Posted the day after on a weekday, so its 7-day period ends a week later on a weekday too.
    start = weekday_ago(19) - timedelta(days=1)
    for step in ("proposal", "consultation", "review"):
        pass_step(clerk, matter, step, held_on=start)
    assert matter.step == Step.RESOLUTION and matter.proposed_on == start
    pass_step(clerk, matter, "resolution", held_on=start)
    assert matter.step == Step.RESOLUTION_DISCLOSURE and matter.resolved_on == start
    response = disclose_post(clerk, matter, posted_on=start + timedelta(days=1))
    assert response.status_code == 302
    matter.refresh_from_db()
    # Posted about 19 days ago with a 7-day period: it has run, so the matter is being implemented.
    assert matter.step == Step.IMPLEMENTATION
    result_posted = weekday_ago(3)
    response = disclose_post(
        clerk, matter, posted_on=result_posted, result=True, text="文化广场已建成并投入使用。"
    )
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.step == Step.RESULT_DISCLOSURE and matter.status == Matter.Status.OPEN
    kinds = list(matter.timeline.values_list("kind", flat=True))
    assert kinds == [
        "registered",
        "meeting_held",
        "meeting_held",
        "meeting_held",
        "meeting_held",
        "review_submitted",  # 一监督: the committee reviewed each posting's content first
        "review_agreed",
        "resolution_disclosed",
        "period_ended",
        "review_submitted",
        "review_agreed",
        "result_disclosed",
    ]
    # The timeline keeps the facts (the vote, each posting's period), not prose ...
    resolution_vote = matter.timeline.filter(kind="meeting_held").last()
    assert resolution_vote.payload == {
        "body": "representatives",
        "entitled": 30,
        "present": 30,
        "votes_for": 30,
        "votes_against": 0,
        "votes_abstain": 0,
    }
    # 民法典 第201条: the posting day is not counted; 7 days from the day after end on posted + 7.
    posted, ends = start + timedelta(days=1), start + timedelta(days=8)
    assert matter.timeline.get(kind="resolution_disclosed").payload == {
        "posted_on": posted.isoformat(),
        "ends_on": ends.isoformat(),
        "days": 7,
    }
    assert matter.timeline.get(kind="period_ended").payload == {"ends_on": ends.isoformat()}
    # ... and the matter's page writes them out.
    page = clerk.get(matter.get_absolute_url()).content.decode()
    assert "实施结果公示中" in page and "文化广场已建成并投入使用。" in page
    timeline = page[page.index('id="timeline"') :]
    assert "村民代表会议：应到30人，实到30人；赞成30票，反对0票，弃权0票，通过" in timeline
    assert f"公示期{zh(posted)}至{zh(ends)}" in timeline
    assert f"{zh(ends)}期满，转入组织实施" in timeline
    assert (
        f"公示期{zh(result_posted)}至{zh(result_posted + timedelta(days=7))}（自张贴次日起7日）" in timeline
    )


@pytest.mark.parametrize(
    "step_posted, missing",
    [("consultation", "党组织提议"), ("review", "党组织提议"), ("resolution", "党组织提议")],
)
def test_steps_out_of_order_are_refused_naming_the_missing_one(
    world, roster, secretary, clerk, step_posted, missing
):
    matter = matter_register(secretary, world.village_a1)
    response = meeting_post(
        clerk,
        matter,
        step_posted,
        present=30,
        votes_for=30,
        body={"consultation": "two_committees", "review": "party_congress", "resolution": "representatives"}[
            step_posted
        ],
    )
    assert response.status_code == 200
    assert f"不能跳过“{missing}”" in errors_of(response)
    assert not Meeting.objects.filter(matter=matter).exists()
    matter.refresh_from_db()
    assert matter.step == Step.PROPOSAL and matter.version == 1


def test_review_before_consultation_names_consultation(world, roster, secretary, clerk):
    matter = matter_register(secretary, world.village_a1)
    step_pass(secretary, matter, "proposal")
    response = meeting_post(clerk, matter, "review", present=41, votes_for=41)
    assert "不能跳过“两委商议”" in errors_of(response)
    assert matter.meetings.count() == 1


def test_disclosure_before_resolution_is_refused(world, roster, secretary, clerk):
    matter = take_to_resolution(secretary, matter_register(secretary, world.village_a1))
    response = disclose_post(clerk, matter, posted_on=timezone.localdate())
    assert response.status_code == 200
    assert "不能跳过“村民（代表）会议决议”" in errors_of(response)
    assert not matter.disclosures.exists()


def test_result_before_the_resolution_period_ends_is_refused(world, roster, secretary, clerk):
    matter = resolve(secretary, matter_register(secretary, world.village_a1))
    disclose(secretary, matter, posted_on=timezone.localdate())
    assert matter.step == Step.RESOLUTION_DISCLOSURE
    response = disclose_post(clerk, matter, posted_on=timezone.localdate(), result=True, text="已完成")
    assert "不能跳过“决议公示期满”" in errors_of(response)
    assert matter.disclosures.count() == 1


# -- quorum and majority on their boundaries ---------------------------------------------------------


def _at(world, step):
    """A matter of village A1 whose earlier steps passed today (through the services)."""
    return take_to(world.village_a1_clerk, matter_register(world.village_a1_clerk, world.village_a1), step)


@pytest.mark.parametrize(
    "present, votes_for, held, passed",
    [
        (20, 11, True, True),  # 20 of 30 is two thirds: the meeting is held; 11 of 20 present is a majority
        (20, 10, True, False),  # 10 of 20 is not more than half: rejected
        (19, 19, False, None),  # 19 of 30 is short of two thirds: not held, whatever the votes
    ],
)
def test_representatives_meeting_boundaries(world, roster, clerk, present, votes_for, held, passed):
    matter = _at(world, "resolution")
    response = meeting_post(
        clerk,
        matter,
        "resolution",
        present=present,
        votes_for=votes_for,
        votes_against=present - votes_for if held else 0,
    )
    assert response.status_code == 302
    meeting = matter.meetings.get(step="resolution")
    assert (meeting.quorum_met, meeting.passed) == (held, passed)
    matter.refresh_from_db()
    expected = {True: Step.RESOLUTION_DISCLOSURE, False: Step.RESOLUTION, None: Step.RESOLUTION}[passed]
    assert matter.step == expected
    assert matter.status == (Matter.Status.REJECTED if passed is False else Matter.Status.OPEN)


@pytest.mark.parametrize(
    "present, votes_for, held, passed",
    [
        (21, 21, True, True),  # 21 of 41 present holds; 21 for is more than half of the 41 entitled
        (41, 20, True, False),  # 20 for is not more than half of 41 entitled, even with everyone present
        (21, 20, True, False),  # 20 of 21 present is a majority of those present, but not of the entitled
        (20, 20, False, None),  # 20 of 41 present: not held
    ],
)
def test_party_congress_boundaries(world, roster, clerk, present, votes_for, held, passed):
    matter = _at(world, "review")
    meeting_post(clerk, matter, "review", present=present, votes_for=votes_for)
    meeting = matter.meetings.get(step="review")
    assert (meeting.quorum_met, meeting.passed) == (held, passed)


@pytest.mark.parametrize(
    "present, households_present, votes_for, held, passed",
    [
        (451, None, 226, True, True),  # more than half of 900 adults present; 226 of 451 is a majority
        (451, None, 225, True, False),  # 225 of 451 is not
        (450, 199, 300, False, None),  # half of the adults is not more than half; 199 of 300 households < 2/3
        (450, 200, 226, True, True),  # but representatives of 200 of 300 households (two thirds) hold it
    ],
)
def test_villagers_meeting_boundaries(
    world, roster, clerk, present, households_present, votes_for, held, passed
):
    matter = _at(world, "resolution")
    extra = {"households_total": 300}
    if households_present is not None:
        extra["households_present"] = households_present
    response = meeting_post(
        clerk, matter, "resolution", body="villagers", present=present, votes_for=votes_for, **extra
    )
    assert response.status_code == 302, errors_of(response)[:2000]
    meeting = matter.meetings.get(step="resolution")
    assert (meeting.quorum_met, meeting.passed) == (held, passed)


@pytest.mark.parametrize(
    "step, present, votes_for, held, passed",
    [
        # Votes for must exceed half of ALL members (应到会, DOMAIN_RULES C.1), not of those present.
        ("consultation", 4, 4, True, True),  # 4 of 7 members present; 4 for is more than 3.5
        ("consultation", 4, 3, True, False),  # 3 of 4 present for, but not more than half of the 7 members
        ("consultation", 3, 3, False, None),  # 3 of 7 is not more than half
        ("proposal", 3, 3, True, True),  # 5 branch committee members, 3 present, 3 for: passes
        ("proposal", 3, 2, True, False),  # 2 of 3 present is a majority of those present, not of the 5
        ("proposal", 2, 2, False, None),
    ],
)
def test_committee_meetings_boundaries(world, roster, clerk, step, present, votes_for, held, passed):
    matter = _at(world, step)
    meeting_post(clerk, matter, step, present=present, votes_for=votes_for)
    meeting = matter.meetings.get(step=step)
    assert (meeting.quorum_met, meeting.passed) == (held, passed)


def test_a_meeting_without_quorum_leaves_the_step_open_and_can_be_held_again(world, roster, clerk):
    matter = _at(world, "resolution")
    meeting_post(clerk, matter, "resolution", present=19, votes_for=19)
    matter.refresh_from_db()
    assert matter.step == Step.RESOLUTION and matter.is_open
    not_held = matter.meetings.get(step="resolution")
    assert not_held.votes_for == 0 and not_held.passed is None  # no quorum, no vote kept
    event = matter.timeline.get(kind=MatterTimelineEvent.Kind.MEETING_NOT_HELD)
    assert event.payload == {"body": "representatives", "entitled": 30, "present": 19}  # no votes either
    assert "村民代表会议：应到30人，实到19人，未达到法定人数，会议不成立" in errors_of(
        clerk.get(matter.get_absolute_url())
    )
    pass_step(clerk, matter, "resolution")
    assert matter.step == Step.RESOLUTION_DISCLOSURE
    assert matter.meetings.filter(step="resolution").count() == 2


def test_the_result_is_computed_not_typed(world, roster, clerk):
    """A posted "passed"/"quorum" value is ignored: only the counts decide."""
    matter = _at(world, "resolution")
    meeting_post(clerk, matter, "resolution", present=19, votes_for=19, quorum_met="on", passed="on")
    assert matter.meetings.get(step="resolution").quorum_met is False


# -- numbers that do not add up -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"present": 31, "votes_for": 20}, "实到人数（31人）不能多于应到人数（30人）"),
        (
            {"present": 20, "votes_for": 15, "votes_against": 5, "votes_abstain": 1},
            "票数之和（21票）不能多于实到人数（20人）",
        ),
        ({"present": -1, "votes_for": 0}, "实到人数不能为负数"),
        ({"present": "二十", "votes_for": 0}, "输入整数"),
    ],
)
def test_numbers_that_do_not_add_up_are_refused(world, roster, clerk, fields, message):
    matter = _at(world, "resolution")
    version = Matter.objects.get(pk=matter.pk).version
    response = meeting_post(clerk, matter, "resolution", **fields)
    assert response.status_code == 200
    assert message in errors_of(response)
    assert not matter.meetings.filter(step="resolution").exists()
    assert Matter.objects.get(pk=matter.pk).version == version


def test_entitled_other_than_the_roster_needs_a_reason(world, roster, secretary, clerk):
    matter = matter_register(secretary, world.village_a1)
    response = meeting_post(clerk, matter, "proposal", entitled=4, present=3, votes_for=3)
    assert "应到人数（4人）与" in errors_of(response) and "（5人）不同，请填写调整理由" in errors_of(response)
    assert not matter.meetings.exists()
    response = meeting_post(
        clerk,
        matter,
        "proposal",
        entitled=4,
        present=3,
        votes_for=3,
        entitled_reason="一名委员已调离，尚未补选",
    )
    assert response.status_code == 302
    meeting = matter.meetings.get()
    assert (meeting.entitled, meeting.roster_entitled) == (4, 5)


def test_the_roster_valid_on_the_meeting_date_applies(world, roster, secretary, clerk):
    from decisions.services import RosterCounts, roster_record

    today = timezone.localdate()
    roster_record(
        actor=world.village_a1_clerk,
        village=world.village_a1,
        valid_from=today - timedelta(days=5),
        counts=RosterCounts(
            branch_committee=7,
            party_members=45,
            committee_members=9,
            representatives=33,
            adults=950,
            households=310,
            village_committee=5,
        ),
    )
    matter = matter_register(secretary, world.village_a1)
    # A meeting ten days ago uses the old roster (5 committee members) without a reason ...
    response = meeting_post(
        clerk, matter, "proposal", entitled=5, present=3, votes_for=3, held_on=today - timedelta(days=10)
    )
    assert response.status_code == 302
    # ... and today's uses the new one (9 two-committee members).
    response = meeting_post(clerk, matter, "consultation", entitled=7, present=7, votes_for=7)
    assert "与" in errors_of(response) and "（9人）不同" in errors_of(response)


def test_a_village_without_roster_must_give_the_basis(world, secretary, clerk):
    matter = matter_register(secretary, world.village_a1)
    response = meeting_post(clerk, matter, "proposal", present=3, votes_for=3)
    assert "没有适用于会议日期的人数登记" in errors_of(response)


def test_meeting_date_in_the_future_or_before_the_previous_step_is_refused(world, roster, secretary, clerk):
    matter = matter_register(secretary, world.village_a1)
    today = timezone.localdate()
    response = meeting_post(
        clerk, matter, "proposal", present=5, votes_for=5, held_on=today + timedelta(days=1)
    )
    assert "会议日期不能晚于今天" in errors_of(response)
    step_pass(secretary, matter, "proposal", held_on=today - timedelta(days=3))
    response = meeting_post(
        clerk, matter, "consultation", present=7, votes_for=7, held_on=today - timedelta(days=4)
    )
    assert "不能早于上一环节“党组织提议”的会议日期" in errors_of(response)


def test_a_stale_form_is_refused(world, roster, secretary, clerk):
    matter = matter_register(secretary, world.village_a1)
    stale = Matter.objects.get(pk=matter.pk)
    step_pass(secretary, matter, "proposal")
    response = clerk.post(
        reverse("decisions:meeting-create", args=[matter.pk]),
        {
            "step": "proposal",
            "version": stale.version,
            "body": "party_organization",
            "held_on": timezone.localdate().isoformat(),
            "place": "x",
            "chair": "x",
            "recorder": "x",
            "entitled": 5,
            "present": 5,
            "votes_for": 5,
            "votes_against": 0,
            "votes_abstain": 0,
            "minutes": "x",
        },
    )
    assert "已被他人更新" in errors_of(response)
    assert matter.meetings.count() == 1


# -- rejection ends the matter -------------------------------------------------------------------------


def test_rejection_ends_the_matter_and_it_may_be_proposed_again(world, roster, clerk):
    matter = _at(world, "review")
    meeting_post(clerk, matter, "review", present=41, votes_for=20, votes_against=21)
    matter.refresh_from_db()
    assert matter.status == Matter.Status.REJECTED and matter.step == Step.REVIEW
    assert matter.timeline.get(kind=MatterTimelineEvent.Kind.REJECTED).payload == {
        "body": "party_congress",
        "entitled": 41,
        "present": 41,
        "votes_for": 20,
        "votes_against": 21,
        "votes_abstain": 0,
    }
    # Nothing further can be recorded on it.
    response = meeting_post(clerk, matter, "review", present=41, votes_for=41)
    assert "该事项表决未通过，已终止，不能再办理" in errors_of(response)
    assert matter.meetings.count() == 3
    response = clerk.post(reverse("decisions:matter-repropose", args=[matter.pk]))
    new = Matter.objects.get(previous=matter)
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    assert new.step == Step.PROPOSAL and new.is_open and new.title == matter.title
    # Each timeline names the other matter (the facts are in the events' payloads).
    assert new.timeline.get(kind="registered").payload == {
        "previous_id": matter.pk,
        "previous_title": matter.title,
    }
    assert matter.timeline.get(kind="reproposed").payload == {"new_id": new.pk}
    new_page = clerk.get(new.get_absolute_url()).content.decode()
    assert f"重新提议，原事项：{matter.title}" in new_page[new_page.index('id="timeline"') :]
    old_page = clerk.get(matter.get_absolute_url()).content.decode()
    old_timeline = old_page[old_page.index('id="timeline"') :]
    assert f"已重新提议（事项编号{new.pk}）" in old_timeline
    assert "党员大会：应到41人，实到41人；赞成20票，反对21票，弃权0票，未通过" in old_timeline


def test_an_open_matter_cannot_be_reproposed(world, roster, secretary, clerk):
    matter = matter_register(secretary, world.village_a1)
    clerk.post(reverse("decisions:matter-repropose", args=[matter.pk]))
    assert not Matter.objects.filter(previous=matter).exists()


def test_the_household_route_counts_against_the_roster(world, roster, clerk):
    matter = _at(world, "resolution")
    # A made-up household total would let 10 of 900 villagers pass a resolution.
    response = meeting_post(
        clerk,
        matter,
        "resolution",
        body="villagers",
        present=10,
        votes_for=6,
        households_total=3,
        households_present=2,
    )
    assert "户数（3户）与" in errors_of(response) and "（300户）不同" in errors_of(response)
    response = meeting_post(
        clerk,
        matter,
        "resolution",
        body="villagers",
        present=150,
        votes_for=100,
        households_total=300,
        households_present=200,
    )
    assert "到会户代表数（200户）不能多于实到人数（150人）" in errors_of(response)
    assert not matter.meetings.filter(step="resolution").exists()


def test_a_rejected_matter_is_proposed_again_once(world, roster, secretary, clerk):
    from django.db import DatabaseError, transaction

    matter = _at(world, "review")
    meeting_record(secretary, matter, "review", present=41, votes_for=20, votes_against=21)
    matter_repropose(actor=secretary, matter=matter)
    response = clerk.post(reverse("decisions:matter-repropose", args=[matter.pk]), follow=True)
    assert "该事项已经重新提议过" in errors_of(response)
    assert Matter.objects.filter(previous=matter).count() == 1
    # A closed matter stays closed, whatever writes to it.
    with pytest.raises(DatabaseError), transaction.atomic():
        Matter.objects.filter(pk=matter.pk).update(status="open")
