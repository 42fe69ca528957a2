"""The proxy request's transitions table enumerated (mutation run, docs/mutation.md): every transition
from every state, through the service and through the page. An allowed one lands in its target state with
one event of its kind (public or not as the table says); a refused one names the state and the action (or
the pending extension) and changes nothing. An open request with a pending 延期申请 counts as a state of
its own here (``…+pending``): the extension steps depend on it. A change to centers/workflows.py must
change EXPECTED here, on purpose."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from centers.models import ProxyRequest
from centers.services import TransitionInput, proxy_request_transition
from centers.workflows import EXTENSION_ALREADY_PENDING, NO_EXTENSION_PENDING, PROXY_REQUEST
from core.workflow import NOT_ALLOWED
from tests.centers.builders import accept

pytestmark = pytest.mark.django_db

STATE_LABELS = dict(ProxyRequest.Status.choices)
# How to reach each state from a new request (``+pending``: an extension asked and not yet decided).
PATHS = {
    "accepted": [],
    "accepted+pending": ["extend_ask"],
    "in_progress": ["start"],
    "in_progress+pending": ["start", "extend_ask"],
    "done": ["start", "complete"],
    "replied": ["start", "complete", "reply"],
    "returned": ["return"],
    "withdrawn": ["withdraw"],
}
OPEN_ROW = {"return": "returned", "transfer": None, "withdraw": "withdrawn"}
# state -> {transition: target (None: the same state)}; a transition missing from a state's row is refused.
EXPECTED = {
    "accepted": {"start": "in_progress", **OPEN_ROW, "extend_ask": None},
    "accepted+pending": {"start": "in_progress", **OPEN_ROW, "extend_grant": None, "extend_deny": None},
    "in_progress": {"progress": None, "complete": "done", **OPEN_ROW, "extend_ask": None},
    "in_progress+pending": {
        "progress": None,
        "complete": "done",
        **OPEN_ROW,
        "extend_grant": None,
        "extend_deny": None,
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
    "return": "退回并答复申请人",
    "transfer": "转办",
    "withdraw": "申请人撤回",
    "extend_ask": "申请延期",
    "extend_grant": "批准延期",
    "extend_deny": "不批准延期",
}
PUBLIC = {"start", "complete", "reply", "return", "withdraw", "extend_grant"}
NEEDS_REASON = {"return", "withdraw", "extend_ask", "extend_deny"}
# The township's decision: its own permission and its own box on the page, not the 办理 box.
TOWNSHIP = {"extend_grant", "extend_deny"}
OFFERED = set(LABELS) - TOWNSHIP
CASES = [(state, name) for state in PATHS for name in LABELS]


def status_of(state: str) -> str:
    return state.removesuffix("+pending")


def target_of(state: str, name: str) -> str:
    return EXPECTED[state][name] or status_of(state)


def pending_after(state: str, name: str) -> bool:
    """Whether an extension waits after ``name`` from ``state``: asked, or still waiting while the request
    stays open (a decision, or an end, clears it)."""
    if name == "extend_ask":
        return True
    return state.endswith("+pending") and name not in TOWNSHIP | {"complete", "return", "withdraw"}


def refusal(state: str, name: str) -> str:
    if status_of(state) in ("accepted", "in_progress"):
        if name == "extend_ask":
            return EXTENSION_ALREADY_PENDING
        if name in TOWNSHIP:
            return NO_EXTENSION_PENDING
    return NOT_ALLOWED.format(state=STATE_LABELS[status_of(state)], action=LABELS[name])


def actor_for(world, name: str):
    return world.township_a_officer if name in TOWNSHIP else world.village_a1_clerk


def data_for(world) -> dict:
    """Everything any transition asks for, so that only the state decides."""
    return dict(
        note="原因",
        result="结果",
        satisfaction="satisfied",
        reply_channel="电话告知",
        reply_text="答复",
        handler=world.village_a1_clerk,
        # Later than any promise here, within the year an extension may ask for.
        promised_date=timezone.localdate() + timedelta(days=200),
    )


def take(world, request: ProxyRequest, name: str) -> ProxyRequest:
    request.refresh_from_db()
    return proxy_request_transition(
        actor=actor_for(world, name),
        proxy_request=request,
        name=name,
        version=request.version,
        data=TransitionInput(**data_for(world)),
    )


def request_in(world, state: str) -> ProxyRequest:
    request = accept(world)
    for name in PATHS[state]:
        request = take(world, request, name)
    assert (request.status, request.extension_pending) == (status_of(state), state.endswith("+pending"))
    return request


def test_the_table_has_exactly_these_transitions():
    transitions = PROXY_REQUEST.transitions
    assert {name: t.label for name, t in transitions.items()} == LABELS
    assert {name for name, t in transitions.items() if t.public} == PUBLIC
    assert {name for name, t in transitions.items() if t.needs_reason} == NEEDS_REASON
    assert {name for name, t in transitions.items() if t.offer} == OFFERED
    assert {name for name, t in transitions.items() if t.perm} == TOWNSHIP
    assert set(map(status_of, EXPECTED)) == set(STATE_LABELS)


@pytest.mark.parametrize("state", list(PATHS))
def test_the_offered_transitions_of_each_state(world, state):
    request = request_in(world, state)
    expected = [n for n in LABELS if n in EXPECTED[state]]
    assert [t.name for t in PROXY_REQUEST.allowed(request)] == expected
    # The village's clerk takes the village's steps, the township's officer also decides on an extension.
    assert [t.name for t in PROXY_REQUEST.allowed(request, world.village_a1_clerk)] == [
        n for n in expected if n not in TOWNSHIP
    ]
    assert [t.name for t in PROXY_REQUEST.allowed(request, world.township_a_officer)] == expected
    assert [t.name for t in PROXY_REQUEST.allowed(request, world.township_a_officer, offered_only=True)] == [
        n for n in expected if n in OFFERED
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
        done = take(world, request, name)
        assert (done.status, done.extension_pending) == (target_of(state, name), pending_after(state, name))
        assert done.version == version + 1
        event = done.timeline.order_by("-id").first()
        assert (event.kind, event.from_state, event.to_state) == (
            name,
            status_of(state),
            target_of(state, name),
        )
        assert event.is_public == (name in PUBLIC)
        assert done.timeline.count() == events_before + 1
    else:
        with pytest.raises(ValidationError) as caught:
            take(world, request, name)
        assert caught.value.messages == [refusal(state, name)]
        request.refresh_from_db()
        assert (request.status, request.version, request.timeline.count()) == (
            status_of(state),
            version,
            events_before,
        )


@pytest.mark.parametrize("name", sorted(NEEDS_REASON))
def test_a_transition_that_needs_a_reason_refuses_a_blank_one(world, name):
    request = request_in(world, "in_progress+pending" if name in TOWNSHIP else "in_progress")
    version = request.version
    with pytest.raises(ValidationError) as caught:
        proxy_request_transition(
            actor=actor_for(world, name),
            proxy_request=request,
            name=name,
            version=version,
            data=TransitionInput(**{**data_for(world), "note": "  "}),
        )
    assert caught.value.messages == ["请填写原因。"]
    request.refresh_from_db()
    assert (request.status, request.version) == ("in_progress", version)


def page_post(world, request: ProxyRequest, name: str):
    """``name`` as the page sends it: the township's decision from its box, the rest from the 办理 box."""
    data = {**data_for(world), "handler": world.village_a1_clerk.pk, "version": request.version}
    if name in TOWNSHIP:
        url, data["decision"] = f"/requests/{request.pk}/extension/", name
    else:
        url, data["name"] = f"/requests/{request.pk}/transition/", name
    return world.client_for(actor_for(world, name)).post(url, data)


@pytest.mark.parametrize("state", list(PATHS))
def test_the_page_offers_each_states_transitions_in_its_boxes(world, state):
    request = request_in(world, state)
    for user in (world.village_a1_clerk, world.township_a_officer):
        page = world.client_for(user).get(f"/requests/{request.pk}/").content.decode()
        for name in LABELS:
            offered = name in EXPECTED[state] and name in OFFERED
            assert (f'name="name" value="{name}"' in page) == offered, (state, name, user)
    # The decision box: for the township only, while an extension waits.
    page = world.client_for(world.township_a_officer).get(f"/requests/{request.pk}/").content.decode()
    assert ('name="decision"' in page) == state.endswith("+pending")
    page = world.client_for(world.village_a1_clerk).get(f"/requests/{request.pk}/").content.decode()
    assert 'name="decision"' not in page


@pytest.mark.parametrize("state,name", CASES)
def test_every_transition_from_every_state_through_the_page(world, state, name):
    request = request_in(world, state)
    version, events_before = request.version, request.timeline.count()
    response = page_post(world, request, name)
    assert response.status_code == 302
    said = [m.message for m in get_messages(response.wsgi_request)]
    request.refresh_from_db()
    if name in EXPECTED[state]:
        assert (request.status, request.extension_pending) == (
            target_of(state, name),
            pending_after(state, name),
        )
        assert (request.version, request.timeline.count()) == (version + 1, events_before + 1)
    else:
        assert said == [refusal(state, name)]
        assert (request.status, request.version, request.timeline.count()) == (
            status_of(state),
            version,
            events_before,
        )


@pytest.mark.parametrize("name", sorted(TOWNSHIP))
def test_the_village_box_does_not_take_the_townships_decision(world, name):
    request = request_in(world, "in_progress+pending")
    version = request.version
    response = world.client_for(world.township_a_officer).post(
        f"/requests/{request.pk}/transition/",
        {**data_for(world), "name": name, "version": version, "handler": ""},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.version, request.extension_pending) == (version, True)
