"""The home-page panels of mediation: the village's open cases with their due flags, and below a township
or the county the open, red, escalated and 积案 counts with the longest overdue cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mediation import panels
from mediation import services as ms
from mediation.models import Dispute, EscalationReason, Level, MediationRules
from regions.roles import Role
from tests.conftest import make_user
from tests.mediation.builders import accepted, register

pytestmark = pytest.mark.django_db


def overdue(dispute: Dispute, days: int) -> Dispute:
    """Moves the running mediation clock so that it ended ``days`` ago."""
    Dispute.objects.filter(pk=dispute.pk).update(due_on=timezone.localdate() - dt.timedelta(days=days))
    return Dispute.objects.get(pk=dispute.pk)


def test_the_village_panel_lists_open_cases_with_their_flags(world, django_assert_max_num_queries):
    red = overdue(accepted(world), 4)
    fresh = register(world)
    settled = accepted(world)
    ms.dispute_settle(actor=world.village_a1_clerk, dispute=settled, version=settled.version, evidence="和解")
    register(
        world, village=world.village_b1, actor=make_user("sec_b1", Role.VILLAGE_SECRETARY, world.village_b1)
    )
    MediationRules.for_region(world.village_a1)  # the county's rules are read from the cache
    with django_assert_max_num_queries(2):
        data = panels.village_data(region=world.village_a1)
    assert data["open"] == 2 and data["red"] == 1
    assert [case[0].pk for case in data["cases"]] == [red.pk, fresh.pk]  # the red one first
    assert data["cases"][0][3].label == "已超期4天" and data["cases"][0][1] == "调解"
    assert data["cases"][1][1] == "受理" and data["cases"][1][2] == fresh.accept_due_on

    response = world.client_for(world.village_a1_clerk).get(world.village_a1.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200 and 'id="open-disputes"' in html
    assert red.number in html and "已超期4天" in html and settled.number not in html
    assert panels.village_personal(user=world.village_a1_clerk, region=world.village_a1) == {
        "can_view": True,
        "can_report": True,
    }


def test_the_village_panel_shows_counts_but_no_cases_to_who_may_not_view_them(world):
    dispute = register(world)
    supervisor = make_user("supervisor_a1", Role.VILLAGE_SUPERVISOR, world.village_a1)
    html = world.client_for(supervisor).get(world.village_a1.get_absolute_url()).content.decode()
    assert "矛盾调解" in html and dispute.number not in html and 'id="open-disputes"' not in html


def test_the_register_button_is_offered_to_who_may_report_when_the_page_exists(world):
    personal = panels.village_personal(user=world.village_a1_readonly, region=world.village_a1)
    assert personal["can_report"] is True
    url = panels.register_url()
    html = (
        world.client_for(world.village_a1_readonly).get(world.village_a1.get_absolute_url()).content.decode()
    )
    assert ('id="dispute-register"' in html) == bool(url)


def test_the_township_and_county_panels_count_red_escalated_and_backlog(world, django_assert_max_num_queries):
    clerk = world.village_a1_clerk
    old_red = overdue(accepted(world), 9)
    new_red = overdue(accepted(world), 2)
    escalated = register(world)
    escalated = ms.dispute_escalate(
        actor=clerk,
        dispute=escalated,
        version=escalated.version,
        to_level=Level.TOWNSHIP,
        reason=EscalationReason.COMPLEX,
    )
    petition = accepted(world)
    ms.petition_record(
        actor=clerk,
        dispute=petition,
        version=petition.version,
        started_on=timezone.localdate() - dt.timedelta(days=400),
        level="county",
    )
    MediationRules.for_region(world.township_a)
    with django_assert_max_num_queries(2):
        data = panels.oversight_data(region=world.township_a)
    assert data["counts"] == {"open": 4, "red": 2, "escalated": 1, "backlog": 1}
    assert [(d.pk, days) for d, days in data["oldest"]] == [(old_red.pk, 9), (new_red.pk, 2)]
    assert panels.oversight_data(region=world.township_b)["counts"]["open"] == 0
    # The county sees every red case.
    assert panels.oversight_data(region=world.county)["counts"]["red"] == 2

    politics = make_user("politics_law", Role.COUNTY_POLITICS_LAW, world.county)
    html = world.client_for(politics).get(world.county.get_absolute_url()).content.decode()
    assert 'id="red-disputes"' in html and old_red.number in html and "已超期9天" in html
    # The township's organisation officer sees the counts, not the cases.
    html = (
        world.client_for(world.township_a_officer).get(world.township_a.get_absolute_url()).content.decode()
    )
    assert "上报待受理" in html and old_red.number not in html
