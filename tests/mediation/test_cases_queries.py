"""The dispute pages cost a fixed number of queries (at most 15), whatever the number of cases, parties,
sessions and events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mediation import services as ms
from tests.mediation.builders import mediating, register
from tests.mediation.cases import justice_of, url

pytestmark = pytest.mark.django_db

BUDGET = 15


def _count(client, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries)


def _list_queries(world, client, n: int, address: str) -> int:
    for _ in range(n):
        register(world)
    client.get(address)  # warms the caches every page shares (grants, county rules)
    return _count(client, address)


@pytest.mark.parametrize(
    "address", ["/mediation/", "/mediation/?overdue=1&state=registered", "/mediation/?q=TJ"]
)
def test_the_list_costs_the_same_for_3_and_30_cases(world, address):
    client = world.client_for(world.village_a1_clerk)
    three = _list_queries(world, client, 3, address)
    thirty = _list_queries(world, client, 27, address)
    assert three == thirty <= BUDGET


def _enrich(world, dispute, sessions: int) -> None:
    """More parties, sessions and timeline events on a case."""
    for i in range(sessions):
        dispute.refresh_from_db()
        ms.party_add(actor=world.village_a1_clerk, dispute=dispute, data=ms.PartyInput(name=f"沈{i}"))
        ms.session_record(
            actor=world.village_a1_clerk,
            dispute=dispute,
            version=dispute.version,
            data=ms.SessionInput(
                held_on=dispute.accepted_on,
                place="村调解室",
                mediators="李调解",
                parties_present="双方",
                notes="调解。",
                rights_told=True,
            ),
        )
        ms.police_report_record(
            actor=world.village_a1_clerk,
            dispute=dispute,
            reported_on=dispute.accepted_on,
            unit="城关派出所",
            case_kind="public_order",
        )


def test_the_case_page_costs_the_same_with_few_and_many_records(world):
    client = world.client_for(world.village_a1_clerk)
    counts = []
    for sessions in (1, 10):
        dispute = mediating(world)
        _enrich(world, dispute, sessions)
        client.get(dispute.get_absolute_url())
        counts.append(_count(client, dispute.get_absolute_url()))
    assert counts[0] == counts[1] <= BUDGET, counts


def test_the_escalated_case_page_at_the_township_keeps_the_budget(world):
    dispute = mediating(world, today=dt.date(2026, 3, 10))
    dispute = ms.dispute_escalate(
        actor=world.village_a1_clerk,
        dispute=dispute,
        version=dispute.version,
        to_level="township",
        reason="complex",
    )
    client = world.client_for(justice_of(world))
    client.get(dispute.get_absolute_url())
    assert _count(client, dispute.get_absolute_url()) <= BUDGET
    assert _count(client, url("dispute-create")) <= BUDGET
