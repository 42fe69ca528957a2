"""The 人民调解委员会 of a village or township through its pages: the term (three years by default), members
added and ended, the warnings of 人民调解法 第8、9条 on their boundaries, the second 主任 refused, a new term
replacing the old one, and who may."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from mediation.models import Committee, CommitteeMember, CommitteePosition, Gender
from mediation.services.network import (
    END_NOTE_REQUIRED,
    NEW_TERM_REASON,
    NO_COMMITTEE,
    NOT_YOURS,
    SECOND_CHAIR,
    TERM_NOT_AFTER_CURRENT,
    WARN_NO_CHAIR,
    WARN_NO_WOMAN,
    WARN_TERM_OVER,
    WARN_TOO_FEW,
    WARN_TOO_MANY,
    committee_member_add,
    committee_term_start,
    term_end_default,
)
from regions.models import Post
from regions.roles import Role
from tests.conftest import make_user

TODAY = timezone.localdate


def _url(region) -> str:
    return f"/mediation/network/{region.code}/committee/"


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _committee(world, region=None, start=None) -> Committee:
    start = start or TODAY() - dt.timedelta(days=30)
    return committee_term_start(actor=None, region=region or world.village_a1, name="", term_starts_on=start)


def _fill(committee: Committee, members: int, *, chair=True, women=1) -> None:
    for i in range(members):
        committee_member_add(
            actor=None,
            committee=committee,
            name=f"委员{i}",
            gender=Gender.FEMALE if i < women else Gender.MALE,
            position=CommitteePosition.CHAIR if chair and i == 0 else CommitteePosition.MEMBER,
            started_on=committee.term_starts_on,
        )


def _warnings(world, region=None) -> list[str]:
    return (
        world.client_for(world.village_a1_clerk)
        .get(_url(region or world.village_a1))
        .context["page"]
        .warnings
    )


def test_a_term_is_registered_through_the_page_for_three_years(world):
    client = world.client_for(world.village_a1_clerk)
    assert client.get(_url(world.village_a1)).context["page"].warnings == [NO_COMMITTEE]
    assert client.get(f"{_url(world.village_a1)}term/").status_code == 200
    start = TODAY() - dt.timedelta(days=10)
    response = client.post(f"{_url(world.village_a1)}term/", {"term_starts_on": start.isoformat()})
    assert response.status_code == 302 and response["Location"] == _url(world.village_a1)
    committee = Committee.objects.get(region=world.village_a1, is_active=True)
    assert committee.name == "白马村人民调解委员会"
    assert committee.term_ends_on == start.replace(year=start.year + 3)
    assert "本届任期" in client.get(_url(world.village_a1)).content.decode()


def test_the_default_term_ends_three_years_on_and_29_february_gives_28_february():
    assert term_end_default(dt.date(2026, 3, 10)) == dt.date(2029, 3, 10)
    assert term_end_default(dt.date(2028, 2, 29)) == dt.date(2031, 2, 28)


@pytest.mark.parametrize(
    ("members", "expected"),
    [(2, WARN_TOO_FEW.format(count=2)), (3, None), (9, None), (10, WARN_TOO_MANY.format(count=10))],
)
def test_members_fewer_than_3_or_more_than_9_are_warned(world, members, expected):
    """人民调解法 第8条: 委员三至九人. Outside the range the members are kept and the page warns."""
    _fill(_committee(world), members)
    warnings = _warnings(world)
    size = [w for w in warnings if "委员只有" in w or "委员有" in w]
    assert size == ([expected] if expected else [])
    assert WARN_NO_CHAIR not in warnings and WARN_NO_WOMAN not in warnings


def test_no_woman_and_no_chair_are_warned(world):
    committee = _committee(world)
    _fill(committee, 3, chair=False, women=0)
    warnings = _warnings(world)
    assert warnings == [WARN_NO_CHAIR, WARN_NO_WOMAN]
    page = world.client_for(world.village_a1_clerk).get(_url(world.village_a1)).content.decode()
    assert "没有妇女委员" in page and "未设主任" in page


def test_a_term_past_its_end_is_warned(world):
    committee = _committee(world, start=TODAY() - dt.timedelta(days=3 * 366))
    _fill(committee, 3)
    assert _warnings(world) == [WARN_TERM_OVER.format(date=f"{committee.term_ends_on:%Y年%-m月%-d日}")]


def test_a_member_is_added_through_the_page_and_a_second_chair_is_refused(world):
    committee = _committee(world)
    _fill(committee, 1)  # 委员0 is the 主任
    client = world.client_for(world.village_a1_clerk)
    url = f"/mediation/network/committees/{committee.pk}/members/new/"
    data = {
        "name": "王芳",
        "gender": "female",
        "position": "member",
        "phone": "13812345678",
        "started_on": TODAY(),
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == _url(world.village_a1)
    assert "已增补王芳为委员。" in _messages(response)
    member = CommitteeMember.objects.get(name="王芳")
    assert member.phone == "13812345678"
    page = client.get(_url(world.village_a1)).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    response = client.post(url, {**data, "name": "张强", "gender": "male", "position": "chair", "phone": ""})
    assert SECOND_CHAIR.format(name="委员0") in _messages(response)
    assert not CommitteeMember.objects.filter(name="张强").exists()


def test_a_member_linked_to_an_account_must_hold_a_post_there(world):
    committee = _committee(world)
    client = world.client_for(world.village_a1_clerk)
    url = f"/mediation/network/committees/{committee.pk}/members/new/"
    stranger = make_user("stranger_b1", Role.VILLAGE_COMMITTEE, world.village_b1)
    data = {"name": "李四", "gender": "male", "position": "member", "started_on": TODAY()}
    response = client.post(url, {**data, "user": stranger.pk})
    # Not among the village's people: not offered, and refused.
    assert any(m.startswith("系统账号：") for m in _messages(response))
    assert not CommitteeMember.objects.filter(name="李四").exists()
    client.post(url, {**data, "name": "网格员甲", "user": world.village_a1_readonly.pk})
    assert CommitteeMember.objects.get(name="网格员甲").user == world.village_a1_readonly


def test_ending_a_member_records_the_reason_and_a_recall_ends_the_mediator_post(world):
    committee = _committee(world)
    mediator = make_user("mediator_a1", Role.VILLAGE_MEDIATOR, world.village_a1)
    member = committee_member_add(
        actor=None,
        committee=committee,
        name="赵调解",
        gender=Gender.MALE,
        position=CommitteePosition.MEMBER,
        started_on=committee.term_starts_on,
        user=mediator,
    )
    client = world.client_for(world.village_a1_clerk)
    url = f"/mediation/network/committee-members/{member.pk}/end/"
    response = client.post(url, {"ended_on": TODAY(), "reason": "罢免", "note": ""})
    assert END_NOTE_REQUIRED.format(reason="罢免（第十五条，违法违纪情节严重）") in _messages(response)
    response = client.post(url, {"ended_on": TODAY(), "reason": "罢免", "note": "索取当事人财物"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.ended_on == TODAY() and member.end_reason == "罢免：索取当事人财物"
    assert Post.objects.get(user=mediator, role=Role.VILLAGE_MEDIATOR).ended_on == TODAY()
    page = client.get(_url(world.village_a1)).content.decode()
    assert "罢免：索取当事人财物" in page  # among those who left during the term


def test_a_new_term_replaces_the_old_committee_and_ends_its_members(world):
    old = _committee(world, start=TODAY() - dt.timedelta(days=400))
    _fill(old, 3)
    client = world.client_for(world.village_a1_clerk)
    same_day = client.post(f"{_url(world.village_a1)}term/", {"term_starts_on": old.term_starts_on})
    assert (
        TERM_NOT_AFTER_CURRENT.format(date=f"{old.term_starts_on:%Y年%-m月%-d日}")
        in same_day.content.decode()
    )
    start = TODAY() - dt.timedelta(days=5)
    end = start + dt.timedelta(days=365 * 3 + 30)
    client.post(
        f"{_url(world.village_a1)}term/", {"term_starts_on": start, "term_ends_on": end, "name": "第二届"}
    )
    old.refresh_from_db()
    assert not old.is_active
    assert set(old.members.values_list("ended_on", "end_reason")) == {(start, NEW_TERM_REASON)}
    new = Committee.objects.get(region=world.village_a1, is_active=True)
    assert (new.name, new.term_starts_on, new.term_ends_on) == ("第二届", start, end)
    page = client.get(_url(world.village_a1))
    assert page.context["page"].previous == [old]
    assert page.context["page"].warnings == [WARN_TOO_FEW.format(count=0), WARN_NO_CHAIR, WARN_NO_WOMAN]


def test_a_township_may_have_its_committee_kept_by_its_justice_office(world):
    """人民调解法 第34条: townships may set one up; the 司法所 keeps it, village cadres only see theirs."""
    justice = make_user("justice_a", Role.TOWNSHIP_JUSTICE, world.township_a)
    client = world.client_for(justice)
    response = client.post(f"{_url(world.township_a)}term/", {"term_starts_on": TODAY()})
    assert response.status_code == 302
    assert Committee.objects.filter(region=world.township_a, is_active=True).exists()
    assert world.client_for(world.village_a1_clerk).get(_url(world.township_a)).status_code == 404
    assert world.client_for(world.sysadmin).get(_url(world.county)).status_code == 404


def test_permission_boundaries(world):
    committee = _committee(world)
    _fill(committee, 1)
    member = committee.members.get()
    a2_cadre = world.client_for(make_user("a2_secretary", Role.VILLAGE_SECRETARY, world.village_a2))
    for response in (
        a2_cadre.get(_url(world.village_a1)),
        a2_cadre.get(f"{_url(world.village_a1)}term/"),
        a2_cadre.post(f"/mediation/network/committees/{committee.pk}/members/new/", {"name": "x"}),
        a2_cadre.post(f"/mediation/network/committee-members/{member.pk}/end/", {"reason": "辞职"}),
    ):
        assert response.status_code == 404
    officer = world.client_for(world.township_a_officer)
    assert officer.get(_url(world.village_a1)).status_code == 200
    for response in (
        officer.get(f"{_url(world.village_a1)}term/"),
        officer.post(f"{_url(world.village_a1)}term/", {"term_starts_on": TODAY()}),
        officer.post(f"/mediation/network/committees/{committee.pk}/members/new/", {"name": "x"}),
        officer.post(f"/mediation/network/committee-members/{member.pk}/end/", {"reason": "辞职"}),
    ):
        assert response.status_code == 403
        assert NOT_YOURS in response.content.decode()
    member.refresh_from_db()
    assert member.ended_on is None and committee.members.count() == 1
