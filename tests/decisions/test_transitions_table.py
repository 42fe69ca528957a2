"""The matter's transitions table enumerated (mutation run, docs/mutation.md): every transition of
decisions.workflows.MATTER tried from every step and status, the matter brought there through the services
(meetings, postings, the periods' close, an upheld objection, withdrawal, termination). An allowed
transition lands on its target step with one event of its kind; a refused one raises the table's refusal
and changes nothing; a closed matter refuses everything with its own message. The exits (withdraw,
terminate) are also tried through their services from every state. A change to decisions/workflows.py
must change EXPECTED here, on purpose."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from decisions import services
from decisions.models import Disclosure, Matter
from decisions.workflows import (
    MATTER,
    MATTER_CLOSED,
    TERMINATE_AFTER_RESULT,
    TERMINATE_BEFORE_POSTING,
    TERMINATE_BEFORE_RESOLUTION,
    UPHOLD_NOT_IN_PERIOD,
    WITHDRAW_AFTER_RESOLUTION,
)
from tests.decisions.builders import disclose, matter_register, meeting_record, resolve, take_to

pytestmark = pytest.mark.django_db

MEETINGS = ("proposal", "consultation", "review", "resolution")
NEXT = {
    "proposal": "consultation",
    "consultation": "review",
    "review": "resolution",
    "resolution": "resolution_disclosure",
}
MEETING_ROW = {"meeting_held": "next", "meeting_not_held": None, "rejected": None}
# state -> {transition: target step (None: stays, "next": the next step)}; missing: refused.
EXPECTED = {
    "proposal": {**MEETING_ROW, "withdrawn": None},
    "consultation": {**MEETING_ROW, "withdrawn": None},
    "review": {**MEETING_ROW, "withdrawn": None},
    "resolution": {**MEETING_ROW, "withdrawn": None},
    "resolution+round2": {**MEETING_ROW, "terminated": None},
    # The table lets an objection be upheld before the posting too (the service has none to uphold then).
    "resolution_disclosure": {"resolution_disclosed": None, "objection_upheld": "resolution"},
    "resolution_disclosure+posted": {
        "period_ended": "implementation",
        "objection_upheld": "resolution",
        "terminated": None,
    },
    "implementation": {"result_disclosed": "result_disclosure", "terminated": None},
    "result_disclosure": {"completed": None, "objection_upheld": "resolution"},
    "rejected": {},
    "completed": {},
    "withdrawn": {},
    "terminated": {},
}
LABELS = {
    "meeting_held": "录入会议",
    "meeting_not_held": "会议未达法定人数",
    "rejected": "表决未通过",
    "resolution_disclosed": "张贴决议公开",
    "period_ended": "决议公示期满",
    "result_disclosed": "公开实施结果",
    "completed": "事项完成",
    "objection_upheld": "异议成立",
    "withdrawn": "撤回事项",
    "terminated": "终止实施",
}
OFFERED = {"meeting_held", "resolution_disclosed", "result_disclosed"}
NEEDS_REASON = {"objection_upheld", "withdrawn", "terminated"}
CASES = [(state, name) for state in EXPECTED for name in LABELS]


def weekday(days_ago: int):
    day = timezone.localdate() - timedelta(days=days_ago)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def posted(actor, village, days_ago: int = 0) -> Matter:
    """Resolved and its resolution posted ``days_ago`` days ago (a weekday: the period ends a week on)."""
    matter = matter_register(actor, village)
    day = weekday(days_ago)
    resolve(actor, matter, held_on=day)
    disclose(actor, matter, posted_on=day)
    return matter


def close_period(matter: Matter, kind: str) -> None:
    disclosure = matter.disclosures.get(kind=kind, round=matter.round)
    # A posting whose period had already ended when it was recorded moves the matter on at once.
    assert services.disclosure_period_close(disclosure=disclosure, today=timezone.localdate())[0] in (
        "moved",
        "moved_before",
    )
    matter.refresh_from_db()


def implementing(actor, village, days_ago: int = 30) -> Matter:
    matter = posted(actor, village, days_ago=days_ago)
    close_period(matter, Disclosure.Kind.RESOLUTION)
    return matter


def matter_in(world, state: str) -> Matter:
    actor, village = world.village_a1_clerk, world.village_a1
    today = timezone.localdate()
    if state in MEETINGS:
        matter = take_to(actor, matter_register(actor, village), state)
    elif state == "resolution+round2":
        matter = posted(actor, village)
        objection = services.objection_record(
            actor=actor, disclosure=matter.disclosures.get(), received_on=today, summary="异议"
        )
        services.objection_uphold(actor=actor, objection=objection, reason="异议成立", answered_on=today)
    elif state == "resolution_disclosure":
        matter = resolve(actor, matter_register(actor, village))
    elif state == "resolution_disclosure+posted":
        matter = posted(actor, village)
    elif state == "implementation":
        matter = implementing(actor, village)
    elif state in ("result_disclosure", "completed"):
        matter = implementing(actor, village, days_ago=40)
        disclose(actor, matter, posted_on=weekday(20 if state == "completed" else 0), result=True)
        if state == "completed":
            close_period(matter, Disclosure.Kind.RESULT)
    elif state == "rejected":
        matter = matter_register(actor, village)
        meeting_record(actor, matter, "proposal", present=5, votes_for=1, votes_against=4)
    elif state == "withdrawn":
        matter = matter_register(actor, village)
        services.matter_withdraw(actor=actor, matter=matter, version=matter.version, reason="不再办理")
    else:
        matter = implementing(actor, village)
        services.matter_terminate(
            actor=actor, matter=matter, version=matter.version, reason="资金未落实", posted_on=today
        )
    matter.refresh_from_db()
    step, _, extra = state.partition("+")
    if state in MATTER_CLOSED:
        assert matter.status == state
    else:
        assert (matter.status, matter.step) == ("open", step)
        assert (matter.round > 1) == (extra == "round2")
        if step == "resolution_disclosure":
            assert (matter.disclosed_on is not None) == (extra == "posted")
    return matter


def target_of(state: str, name: str, matter: Matter) -> str:
    target = EXPECTED[state][name]
    if target == "next":
        return NEXT[matter.step]
    return target or matter.step


def refusal(state: str, name: str) -> str | None:
    """The message of the table's refusal, where it names the transition itself (None: the step's own)."""
    if state in MATTER_CLOSED:
        return MATTER_CLOSED[state]
    if name == "withdrawn":
        return WITHDRAW_AFTER_RESOLUTION
    if name == "objection_upheld":
        return UPHOLD_NOT_IN_PERIOD
    if name == "terminated":
        if state.startswith("resolution_disclosure"):
            return TERMINATE_BEFORE_POSTING
        return TERMINATE_BEFORE_RESOLUTION if state in MEETINGS else TERMINATE_AFTER_RESULT
    return None


def test_the_table_has_exactly_these_transitions():
    transitions = MATTER.transitions
    assert {name: t.label for name, t in transitions.items()} == LABELS
    assert {name for name, t in transitions.items() if t.offer} == OFFERED
    assert {name for name, t in transitions.items() if t.needs_reason} == NEEDS_REASON
    # Every event of a matter is public: the timeline is the villagers' record.
    assert all(t.public for t in transitions.values())


@pytest.mark.parametrize("state", list(EXPECTED))
def test_the_allowed_transitions_of_each_state(world, roster, state):
    matter = matter_in(world, state)
    expected = [n for n in LABELS if n in EXPECTED[state]]
    assert [t.name for t in MATTER.allowed(matter)] == expected
    assert [t.name for t in MATTER.allowed(matter, world.village_a1_clerk)] == expected
    assert [t.name for t in MATTER.allowed(matter, world.village_a1_clerk, offered_only=True)] == [
        n for n in expected if n in OFFERED
    ]
    assert MATTER.allowed(matter, world.township_b_officer) == []


@pytest.mark.parametrize("state,name", CASES)
def test_every_transition_from_every_state(world, roster, state, name):
    matter = matter_in(world, state)
    before = (matter.step, matter.status, matter.version, matter.timeline.count())
    if name in EXPECTED[state]:
        target = target_of(state, name, matter)
        with transaction.atomic():
            done = MATTER.apply(
                matter, name, actor=world.village_a1_clerk, version=matter.version, note="原因"
            )
        assert (done.step, done.version) == (target, before[2] + 1)
        event = done.timeline.order_by("-id").first()
        assert (event.kind, event.from_state, event.to_state) == (name, before[0], target)
        assert done.timeline.count() == before[3] + 1
    else:
        with pytest.raises(ValidationError) as caught, transaction.atomic():
            MATTER.apply(matter, name, actor=world.village_a1_clerk, version=matter.version, note="原因")
        expected = refusal(state, name)
        if expected is not None:
            assert caught.value.messages == [expected]
        matter.refresh_from_db()
        assert (matter.step, matter.status, matter.version, matter.timeline.count()) == before


@pytest.mark.parametrize("name", sorted(NEEDS_REASON))
def test_a_transition_that_needs_a_reason_refuses_a_blank_one(world, roster, name):
    state = {"withdrawn": "proposal", "terminated": "implementation"}.get(
        name, "resolution_disclosure+posted"
    )
    matter = matter_in(world, state)
    version = matter.version
    with pytest.raises(ValidationError) as caught, transaction.atomic():
        MATTER.apply(matter, name, actor=world.village_a1_clerk, version=version, note=" ")
    assert caught.value.messages == ["请填写原因。"]
    matter.refresh_from_db()
    assert matter.version == version


@pytest.mark.parametrize("state", list(EXPECTED))
def test_withdraw_and_terminate_through_their_services_from_every_state(world, roster, state):
    matter = matter_in(world, state)
    version = matter.version
    if "withdrawn" in EXPECTED[state]:
        assert (
            services.matter_withdraw(
                actor=world.village_a1_clerk, matter=matter, version=version, reason="不办"
            ).status
            == "withdrawn"
        )
    else:
        with pytest.raises(ValidationError) as caught:
            services.matter_withdraw(
                actor=world.village_a1_clerk, matter=matter, version=version, reason="不办"
            )
        assert caught.value.messages == [refusal(state, "withdrawn")]
    matter.refresh_from_db()
    version = matter.version
    if "terminated" in EXPECTED[state]:
        services.matter_terminate(
            actor=world.village_a1_clerk,
            matter=matter,
            version=version,
            reason="资金未落实",
            posted_on=timezone.localdate(),
        )
        matter.refresh_from_db()
        assert matter.status == "terminated"
    elif "withdrawn" not in EXPECTED[state]:
        with pytest.raises(ValidationError) as caught:
            services.matter_terminate(
                actor=world.village_a1_clerk,
                matter=matter,
                version=version,
                reason="资金未落实",
                posted_on=timezone.localdate(),
            )
        assert caught.value.messages == [refusal(state, "terminated")]


@pytest.mark.parametrize("state", [s for s in EXPECTED if s in MEETINGS])
def test_the_page_offers_the_meeting_of_each_meeting_step(world, roster, state):
    matter = matter_in(world, state)
    page = world.client_for(world.village_a1_clerk).get(f"/decisions/matters/{matter.pk}/").content.decode()
    assert f"/decisions/matters/{matter.pk}/meeting/" in page
