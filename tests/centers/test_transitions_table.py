"""The proxy request's transitions table enumerated (mutation run, docs/mutation.md): every transition
from every state, through the service and through the page. An allowed one lands in its target state with
one event of its kind (public or not as the table says); a refused one names the state and the action and
changes nothing. A change to centers/workflows.py must change EXPECTED here, on purpose."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from centers.models import ProxyRequest
from centers.services import TransitionInput, proxy_request_transition
from centers.workflows import PROXY_REQUEST
from tests.centers.builders import accept, transition

pytestmark = pytest.mark.django_db

STATE_LABELS = dict(ProxyRequest.Status.choices)
# How to reach each state from a new request.
PATHS = {
    "accepted": [],
    "in_progress": ["start"],
    "done": ["start", "complete"],
    "replied": ["start", "complete", "reply"],
    "returned": ["return"],
    "withdrawn": ["withdraw"],
}
# state -> {transition: target}; a transition missing from a state's row is refused there.
EXPECTED = {
    "accepted": {
        "start": "in_progress",
        "return": "returned",
        "transfer": "accepted",
        "withdraw": "withdrawn",
        "reschedule": "accepted",
    },
    "in_progress": {
        "progress": "in_progress",
        "complete": "done",
        "return": "returned",
        "transfer": "in_progress",
        "withdraw": "withdrawn",
        "reschedule": "in_progress",
    },
    "done": {"reply": "replied"},
    "replied": {},
    "returned": {},
    "withdrawn": {},
}
LABELS = {
    "start": "承办",
    "progress": "记录进展",
    "complete": "办结",
    "reply": "回复申请人",
    "return": "退回",
    "transfer": "转办",
    "withdraw": "申请人撤回",
    "reschedule": "改期",
}
PUBLIC = {"start", "complete", "reply", "withdraw"}
NEEDS_REASON = {"return", "withdraw", "reschedule"}
CASES = [(state, name) for state in PATHS for name in LABELS]


def data_for(world) -> dict:
    """Everything any transition asks for, so that only the state decides."""
    return dict(
        note="原因",
        result="结果",
        satisfaction="satisfied",
        reply_channel="电话告知",
        reply_text="答复",
        handler=world.village_a1_clerk,
        promised_date=date(2030, 1, 1),
    )


def request_in(world, state: str) -> ProxyRequest:
    request = accept(world)
    for name in PATHS[state]:
        request = transition(world, request, name, **data_for(world))
    assert request.status == state
    return request


def test_the_table_has_exactly_these_transitions():
    assert {name: t.label for name, t in PROXY_REQUEST.transitions.items()} == LABELS
    assert {name for name, t in PROXY_REQUEST.transitions.items() if t.public} == PUBLIC
    assert {name for name, t in PROXY_REQUEST.transitions.items() if t.needs_reason} == NEEDS_REASON
    assert set(EXPECTED) == set(STATE_LABELS)


@pytest.mark.parametrize("state", list(PATHS))
def test_the_offered_transitions_of_each_state(world, state):
    request = request_in(world, state)
    assert [t.name for t in PROXY_REQUEST.allowed(request)] == [n for n in LABELS if n in EXPECTED[state]]
    assert [t.name for t in PROXY_REQUEST.allowed(request, world.village_a1_clerk)] == [
        n for n in LABELS if n in EXPECTED[state]
    ]
    # A grid worker may see the request but take none of them; another township's officer neither.
    assert PROXY_REQUEST.allowed(request, world.village_a1_readonly) == []
    assert PROXY_REQUEST.allowed(request, world.township_b_officer) == []


@pytest.mark.parametrize("state,name", CASES)
def test_every_transition_from_every_state(world, state, name):
    request = request_in(world, state)
    events_before = request.timeline.count()
    version = request.version
    if name in EXPECTED[state]:
        done = transition(world, request, name, **data_for(world))
        assert done.status == EXPECTED[state][name]
        assert done.version == version + 1
        event = done.timeline.order_by("-id").first()
        assert (event.kind, event.from_state, event.to_state) == (name, state, EXPECTED[state][name])
        assert event.is_public == (name in PUBLIC)
        assert done.timeline.count() == events_before + 1
    else:
        with pytest.raises(ValidationError) as caught:
            transition(world, request, name, **data_for(world))
        assert caught.value.messages == [f"当前状态为“{STATE_LABELS[state]}”，不能“{LABELS[name]}”。"]
        request.refresh_from_db()
        assert (request.status, request.version, request.timeline.count()) == (state, version, events_before)


@pytest.mark.parametrize("name", sorted(NEEDS_REASON))
def test_a_transition_that_needs_a_reason_refuses_a_blank_one(world, name):
    request = request_in(world, "in_progress")
    version = request.version
    with pytest.raises(ValidationError) as caught:
        proxy_request_transition(
            actor=world.village_a1_clerk,
            proxy_request=request,
            name=name,
            version=version,
            data=TransitionInput(**{**data_for(world), "note": "  "}),
        )
    assert caught.value.messages == ["请填写原因。"]
    request.refresh_from_db()
    assert (request.status, request.version) == ("in_progress", version)


@pytest.mark.parametrize("state", ["accepted", "done", "withdrawn"])
def test_the_page_offers_the_states_transitions_and_refuses_the_others(world, state):
    request = request_in(world, state)
    client = world.client_for(world.village_a1_clerk)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    for name in EXPECTED[state]:
        assert f'value="{name}"' in page, (state, name)
    refused = [n for n in LABELS if n not in EXPECTED[state]][0]
    response = client.post(
        f"/requests/{request.pk}/transition/",
        {"name": refused, "version": request.version, "note": "原因", "result": "结果"},
        follow=True,
    )
    assert f"当前状态为“{STATE_LABELS[state]}”，不能“{LABELS[refused]}”" in response.content.decode()
    request.refresh_from_db()
    assert request.status == state
