"""The dispute's transitions table enumerated (mediation.workflows.DISPUTE): every transition tried from
every state. An allowed one lands on its target with one event of its kind; a refused one raises the
state's refusal and changes nothing; a final state refuses everything with its own message. A change to
mediation/workflows.py must change EXPECTED here, on purpose."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from mediation.models import Dispute, State
from mediation.workflows import CLOSED, DISPUTE
from tests.mediation.builders import register

pytestmark = pytest.mark.django_db

HANDLING_EXITS = {"settled": "closed", "escalated": "escalated", "transferred": "transferred"}
# state -> {transition: target (None: the state stays)}; missing: refused.
EXPECTED = {
    "registered": {"accepted": "accepted", "not_accepted": "not_accepted", **HANDLING_EXITS},
    "accepted": {
        "mediators_assigned": "mediating",
        "extended": None,
        "terminated": "terminated",
        **HANDLING_EXITS,
    },
    "mediating": {
        "mediators_assigned": "mediating",
        "mediator_withdrawn": None,
        "session": None,
        "extended": None,
        "agreed": "agreed",
        "failed": "failed",
        "terminated": "terminated",
        **HANDLING_EXITS,
    },
    "escalated": {"escalation_accepted": "accepted"},
    "agreed": {"follow_up": "following_up"},
    "following_up": {"follow_up": "following_up", "closed": "closed"},
    "not_accepted": {},
    "closed": {},
    "failed": {},
    "terminated": {},
    "transferred": {},
}


# The facts a transition's service records with it (the database refuses the state without them).
CHANGES = {
    "not_accepted": {"not_accepted_reason": "party_refused"},
    "transferred": {"transferred_to": "court"},
}
STATE_FIELDS = {
    "not_accepted": {"not_accepted_reason": "party_refused"},
    "transferred": {"transferred_to": "court"},
}


def _changes(name: str, dispute: Dispute) -> dict:
    if name == "settled":
        return {"resolution": "settled", "resolved_on": dispute.found_on, "resolved_level": dispute.level}
    return CHANGES.get(name, {})


def test_the_table_covers_every_state_and_transition():
    assert set(EXPECTED) == set(State.values)
    named = {name for row in EXPECTED.values() for name in row}
    assert named == set(DISPUTE.transitions)


@pytest.mark.parametrize("state", list(EXPECTED))
def test_each_transition_from_each_state(world, state):
    dispute = register(world)
    Dispute.objects.filter(pk=dispute.pk).update(state=state, **STATE_FIELDS.get(state, {}))
    for name in DISPUTE.transitions:
        fresh = Dispute.objects.get(pk=dispute.pk)
        events = fresh.timeline.count()
        expected = EXPECTED[state]
        if name in expected:
            with transaction.atomic():
                sid = transaction.savepoint()
                moved = DISPUTE.apply(
                    fresh,
                    name,
                    actor=world.village_a1_clerk,
                    version=fresh.version,
                    note="说明",
                    changes=_changes(name, fresh),
                )
                target = expected[name] or state
                assert moved.state == target, (state, name)
                assert Dispute.objects.get(pk=dispute.pk).state == target
                assert list(fresh.timeline.values_list("kind", "is_public"))[events:] == [(name, False)]
                transaction.savepoint_rollback(sid)
        else:
            with pytest.raises(ValidationError) as refused:
                with transaction.atomic():
                    DISPUTE.apply(
                        fresh,
                        name,
                        actor=world.village_a1_clerk,
                        version=fresh.version,
                        note="说明",
                        changes=_changes(name, fresh),
                    )
            message = refused.value.messages[0]
            if state in CLOSED:
                assert message == CLOSED[state]
            else:
                label = DISPUTE[name].label
                assert message == f"当前状态为“{State(state).label}”，不能“{label}”。"
            unchanged = Dispute.objects.get(pk=dispute.pk)
            assert unchanged.state == state and unchanged.timeline.count() == events


def test_needs_reason_where_the_law_asks_for_one(world):
    assert {name for name, t in DISPUTE.transitions.items() if t.needs_reason} == {"terminated", "settled"}


def test_nothing_is_offered_as_a_bare_button():
    # Every action has its own form (reason, dates, parties' consent ...): none is a plain button.
    assert all(not t.offer for t in DISPUTE.transitions.values())
