"""A meeting or a posting is shown with what the system computed (quorum, result, period) and frozen only
when the user confirms: a POST without the confirmation never records anything, "返回修改" brings the form
back filled, and the confirming POST is checked again from scratch."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions import quorum
from decisions.models import Body, Disclosure, Majority, Meeting, Step
from tests.conftest import png_bytes
from tests.decisions.builders import (
    MEETING_PAPERS,
    disclose,
    matter_register,
    resolve,
    step_pass,
    take_to_resolution,
    weekday_ago,
    zh,
)
from tests.decisions.conftest import disclose_post, meeting_post

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The page's text without tags (the outcome line mixes figures and words)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# -- the figures come from decisions/quorum.py ---------------------------------------------------------


@pytest.mark.parametrize("majority", list(Majority.values))
@pytest.mark.parametrize("body", list(Body.values))
def test_the_figures_shown_are_the_boundaries_of_the_rule_itself(body, majority):
    """For every body and size, "需到会 ≥ n" is the least attendance that makes a quorum and "赞成 ≥ v" the
    least vote that passes: one below each fails the rule, each itself meets it."""
    for entitled in (1, 2, 3, 5, 7, 30, 31, 41, 900):
        for present in sorted(
            {0, entitled // 3, entitled // 2, entitled // 2 + 1, (2 * entitled + 2) // 3, entitled}
        ):
            outcome = quorum.explain(body, quorum.Count(entitled=entitled, present=present), majority)
            need = outcome.min_present
            assert quorum.quorum_met(body, quorum.Count(entitled=entitled, present=need))
            assert need == 0 or not quorum.quorum_met(body, quorum.Count(entitled=entitled, present=need - 1))
            base = present if outcome.quorum_met else need
            votes = outcome.min_for
            assert quorum.vote_passes(
                body, quorum.Count(entitled=entitled, present=base, votes_for=votes), majority
            )
            assert not quorum.vote_passes(
                body, quorum.Count(entitled=entitled, present=base, votes_for=votes - 1), majority
            )


def test_the_outcome_in_words():
    reps = quorum.explain(Body.REPRESENTATIVES, quorum.Count(entitled=30, present=18, votes_for=15))
    assert (
        reps.text
        == "需到会 ≥ 20 人，赞成 ≥ 11 票（赞成票须超过到会人数的一半）；实到 18 人，未达到法定人数，会议不成立"
    )
    held = quorum.explain(Body.REPRESENTATIVES, quorum.Count(entitled=30, present=25, votes_for=13))
    assert (
        held.text
        == "需到会 ≥ 20 人，赞成 ≥ 13 票（赞成票须超过到会人数的一半）；实到 25 人，赞成 13 票，通过"
    )
    failed = quorum.explain(Body.PARTY_CONGRESS, quorum.Count(entitled=41, present=41, votes_for=20))
    assert failed.text == (
        "需到会 ≥ 21 人，赞成 ≥ 21 票（赞成票须超过应到人数（41人）的一半）；实到 41 人，赞成 20 票，未通过"
    )
    villagers = quorum.explain(
        Body.VILLAGERS,
        quorum.Count(entitled=900, present=420, votes_for=300, households_total=300, households_present=200),
    )
    assert villagers.text == (
        "需到会 ≥ 451 人（或到会户代表 ≥ 200 户），赞成 ≥ 211 票（赞成票须超过到会人数的一半）；实到 420 人，到会户代表 200 户，"
        "赞成 300 票，通过"
    )
    two_thirds = quorum.explain(
        Body.REPRESENTATIVES, quorum.Count(entitled=30, present=20, votes_for=19), Majority.TWO_THIRDS
    )
    assert two_thirds.text == (
        "需到会 ≥ 20 人，赞成 ≥ 20 票（须经全体应到人员（30人）三分之二以上同意）；实到 20 人，赞成 19 票，未通过"
    )


# -- meetings -----------------------------------------------------------------------------------------


@pytest.fixture
def at_resolution(world, roster, secretary):
    return take_to_resolution(secretary, matter_register(secretary, world.village_a1))


def test_a_meeting_is_not_saved_until_confirmed(world, at_resolution, clerk):
    matter = at_resolution
    version, events = matter.version, matter.timeline.count()
    response = meeting_post(clerk, matter, "resolution", present=25, votes_for=15, confirm=False)
    assert response.status_code == 200
    page = text_of(response)
    assert "核对会议：村民（代表）会议决议" in page
    assert "需到会 ≥ 20 人，赞成 ≥ 13 票（赞成票须超过到会人数的一半）；实到 25 人，赞成 15 票，通过" in page
    assert "表决规则：赞成票须超过到会人数的一半。" in page
    assert "返回修改" in page and "确认提交" in page
    matter.refresh_from_db()
    assert not matter.meetings.filter(step="resolution").exists()
    assert (matter.version, matter.timeline.count(), matter.step) == (version, events, Step.RESOLUTION)
    # The confirmation carries every entry back in hidden fields; the confirm button records it.
    html = response.content.decode()
    assert 'type="hidden" name="present" value="25"' in html and 'name="minutes"' in html
    response = meeting_post(clerk, matter, "resolution", present=25, votes_for=15)
    assert response.status_code == 302
    meeting = matter.meetings.get(step="resolution")
    assert (meeting.present, meeting.votes_for, meeting.passed) == (25, 15, True)


def test_back_to_edit_brings_the_form_back_filled_and_saves_nothing(world, at_resolution, clerk):
    matter = at_resolution
    response = meeting_post(clerk, matter, "resolution", present=18, votes_for=15, confirm=False, edit="1")
    assert response.status_code == 200
    html = response.content.decode()
    assert "下一步：核对结果" in html and "确认提交</button>" not in html
    for name, value in (("present", "18"), ("votes_for", "15"), ("chair", MEETING_PAPERS["chair"])):
        assert re.search(rf'name="{name}"[^>]*value="{re.escape(value)}"', html), name
    assert not matter.meetings.filter(step="resolution").exists()


def test_the_confirming_post_is_checked_again(world, at_resolution, secretary, clerk):
    """A confirmation forged or left open while things changed records nothing that the form would refuse."""
    matter = at_resolution
    response = meeting_post(clerk, matter, "resolution", present=31, votes_for=20)
    assert "实到人数（31人）不能多于应到人数（30人）" in text_of(response)
    response = meeting_post(clerk, matter, "resolution", present=20, votes_for=15, entitled=28)
    assert "请填写调整理由" in text_of(response)
    assert not matter.meetings.filter(step="resolution").exists()
    # Confirmed after someone else recorded the step: the version is stale.
    confirmation = meeting_post(clerk, matter, "resolution", present=25, votes_for=15, confirm=False)
    stale = re.search(r'name="version" value="(\d+)"', confirmation.content.decode()).group(1)
    step_pass(secretary, matter, "resolution")
    response = meeting_post(clerk, matter, "resolution", present=25, votes_for=15, version=stale)
    assert "已被他人更新" in text_of(response)
    assert matter.meetings.filter(step="resolution").count() == 1


def test_a_meeting_without_quorum_shows_the_figures_and_keeps_the_attendance(world, at_resolution, clerk):
    matter = at_resolution
    response = meeting_post(clerk, matter, "resolution", present=18, votes_for=15, confirm=False)
    page = text_of(response)
    assert (
        "需到会 ≥ 20 人，赞成 ≥ 11 票（赞成票须超过到会人数的一半）；实到 18 人，未达到法定人数，会议不成立"
        in page
    )
    assert "不予记录" in page  # the votes of a meeting that was not held are not kept (DOMAIN_RULES A.2.1)
    assert not matter.meetings.exists() or not matter.meetings.filter(step="resolution").exists()
    response = meeting_post(clerk, matter, "resolution", present=18, votes_for=15, place="村小学礼堂")
    assert response.status_code == 302
    meeting = matter.meetings.get(step="resolution")
    assert (meeting.entitled, meeting.present, meeting.quorum_met, meeting.passed) == (30, 18, False, None)
    matter.refresh_from_db()
    assert matter.step == Step.RESOLUTION and matter.is_open
    # Held again: the form starts from the attempt's place, chair and recorder.
    form = clerk.get(reverse("decisions:meeting-create", args=[matter.pk])).content.decode()
    assert re.search(r'name="place"[^>]*value="村小学礼堂"', form)
    assert re.search(rf'name="chair"[^>]*value="{MEETING_PAPERS["chair"]}"', form)


def test_papers_are_chosen_on_the_confirmation_and_saved_with_it(world, at_resolution, clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    matter = at_resolution
    confirmation = meeting_post(clerk, matter, "resolution", present=25, votes_for=15, confirm=False)
    assert 'name="attendance_sheet"' in confirmation.content.decode()
    sheet = SimpleUploadedFile("签到表.png", png_bytes(), "image/png")
    response = meeting_post(
        clerk, matter, "resolution", present=25, votes_for=15, files={"attendance_sheet": sheet}
    )
    assert response.status_code == 302
    assert matter.meetings.get(step="resolution").attachments.count() == 1
    # A bad file at the confirmation keeps the user on it, with the outcome, and records nothing.
    other = matter_register(world.village_a1_clerk, world.village_a1, title="另一件事")
    take_to_resolution(world.village_a1_clerk, other)
    bad = SimpleUploadedFile("签到表.pdf", b"not a pdf", "application/pdf")
    response = meeting_post(
        clerk, other, "resolution", present=25, votes_for=15, files={"attendance_sheet": bad}
    )
    page = text_of(response)
    assert "不是PDF、JPEG或PNG格式" in page and "确认提交" in page and "实到 25 人" in page
    assert not Meeting.objects.filter(matter=other, step="resolution").exists()


# -- disclosures --------------------------------------------------------------------------------------


def test_a_posting_shows_its_period_and_is_posted_only_when_confirmed(world, roster, secretary, clerk):
    matter = resolve(secretary, matter_register(secretary, world.village_a1))
    today = weekday_ago(0)  # a weekday, so that its period's seventh day after it is a weekday too
    response = disclose_post(clerk, matter, posted_on=today, confirm=False)
    assert response.status_code == 200
    page = text_of(response)
    assert f"公示期：{zh(today)}张贴，自张贴次日起7日，至{zh(today + timedelta(days=7))}" in page
    assert not Disclosure.objects.exists()
    matter.refresh_from_db()
    assert matter.step == Step.RESOLUTION_DISCLOSURE and matter.disclosed_on is None
    edit = disclose_post(clerk, matter, posted_on=today, confirm=False, edit="1")
    assert "下一步：核对结果" in edit.content.decode() and not Disclosure.objects.exists()
    response = disclose_post(clerk, matter, posted_on=today, photo=_photo())
    assert response.status_code == 302
    disclosure = Disclosure.objects.get()
    assert disclosure.ends_on == today + timedelta(days=7) and disclosure.board_photos.count() == 1


def test_a_result_posting_shows_the_amount_and_refuses_a_bad_one_in_chinese(world, roster, secretary, clerk):
    today = timezone.localdate()
    matter = resolve(
        secretary, matter_register(secretary, world.village_a1), held_on=today - timedelta(days=30)
    )
    disclose(secretary, matter, posted_on=today - timedelta(days=20))
    response = disclose_post(
        clerk, matter, posted_on=today, result=True, text="已建成", spent_amount="十一万", confirm=False
    )
    assert "实际支出须是金额（元），如 118500.00。" in text_of(response)
    response = disclose_post(
        clerk, matter, posted_on=today, result=True, text="已建成", spent_amount="118500.005", confirm=False
    )
    assert "实际支出最多两位小数（到分）。" in text_of(response)
    response = disclose_post(clerk, matter, posted_on=today, result=True, text="已建成", confirm=False)
    page = text_of(response)
    assert "实际支出 118,500.00元（预计 120,000.00元）" in page  # the one money format
    assert Disclosure.objects.filter(kind="result").count() == 0
    assert disclose_post(clerk, matter, posted_on=today, result=True, text="已建成").status_code == 302
    assert Disclosure.objects.get(kind="result").spent_amount == 118500


def test_a_posting_entered_after_its_period_says_so_before_it_is_confirmed(world, roster, secretary, clerk):
    matter = resolve(
        secretary,
        matter_register(secretary, world.village_a1),
        held_on=timezone.localdate() - timedelta(days=20),
    )
    response = disclose_post(
        clerk, matter, posted_on=timezone.localdate() - timedelta(days=10), confirm=False
    )
    assert "确认后公示即视为期满" in text_of(response)
    assert not Disclosure.objects.exists()


def _photo():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("公开栏.png", png_bytes(), "image/png")
