"""The mediation demo: grids, committees and a year of cases in every state, idempotent, with the
county's figure printed in the seed's shape and computed from the records."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from core.formats import Rate
from mediation.demo import figure_line
from mediation.models import (
    Agreement,
    CaseMediator,
    Committee,
    CommitteeMember,
    Dispute,
    DisputeTimelineEvent,
    Escalation,
    FollowUp,
    JudicialConfirmation,
    Party,
    Session,
    Signature,
    State,
)
from mediation.selectors_backlog import backlog_for_user
from regions.demo import COUNTY_CODE
from regions.models import Grid, Post, Region

pytestmark = pytest.mark.django_db

FIGURE = re.compile(
    r"^矛盾调解：近一年(县|区|市)、乡、村三级共排查出各类矛盾纠纷(\d+)起，化解(\d+)起，化解率(\d+\.\d)%。$"
)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def counts() -> tuple:
    return tuple(
        model.objects.count()
        for model in (
            Grid,
            Post,
            Committee,
            CommitteeMember,
            Dispute,
            Party,
            CaseMediator,
            Session,
            Agreement,
            Signature,
            FollowUp,
            JudicialConfirmation,
            Escalation,
            DisputeTimelineEvent,
        )
    )


def figure_of(text: str) -> re.Match:
    lines = [line for line in text.splitlines() if FIGURE.match(line)]
    assert len(lines) == 1, text
    return FIGURE.match(lines[0])


def test_the_demo_prints_the_county_figure_in_the_seeds_shape_from_the_records(seeded):
    county = Region.objects.get(code=COUNTY_CODE)
    match = figure_of(seeded)
    found, resolved = int(match[2]), int(match[3])
    assert 1200 <= found <= 1600
    assert match[4] == str(Rate(resolved, found).rounded)
    assert 97.0 <= float(match[4]) < 99.5  # high, like the seed's 98.5 %
    assert match[0] == figure_line(county)
    assert "矛盾调解：新增网格" in seeded


def test_the_demo_has_cases_in_every_state_and_the_network(seeded):
    states = Counter(Dispute.objects.values_list("state", flat=True))
    assert set(states) == set(State.values), states
    assert (
        Dispute.objects.filter(level="township").exists() and Dispute.objects.filter(level="county").exists()
    )
    assert Dispute.objects.filter(transferred_to="petition", petition_started_on__isnull=False).exists()
    # Written agreements with and without every signature, follow-ups, a late 司法确认.
    written = Agreement.objects.filter(form=Agreement.Form.WRITTEN)
    assert (
        written.filter(effective_on__isnull=False).exists()
        and written.filter(effective_on__isnull=True).exists()
    )
    assert FollowUp.objects.exists() and JudicialConfirmation.objects.filter(in_time=False).exists()
    # Every case has a registration event and its parties.
    assert DisputeTimelineEvent.objects.filter(kind="registered").count() == Dispute.objects.count()
    assert Party.objects.count() >= 2 * Dispute.objects.count()
    # Grids: most villages one, some several; one outside 50-100 households; grid posts.
    villages = Region.objects.filter(level="village").count()
    assert Grid.objects.values("village").distinct().count() == villages
    assert any(g.households_unusual for g in Grid.objects.exclude(name="全村网格"))
    assert Post.objects.filter(grid__isnull=False).exclude(grid__name="全村网格").exists()
    # A committee per village, each with one chair; one without a woman member.
    assert Committee.objects.count() == villages
    assert CommitteeMember.objects.filter(position="chair").count() == villages
    without_woman = Committee.objects.exclude(members__gender="female").count()
    assert without_woman == 1


def test_the_demo_village_shows_a_few_cases_in_each_state_to_its_secretary(seeded):
    from accounts.models import User

    secretary = User.objects.get(username="village_secretary")
    village = Post.objects.get(user=secretary, role="village_secretary").region
    visible = Dispute.objects.for_user(secretary, "view_disputes")
    assert set(visible.values_list("village", flat=True)) == {village.pk}
    seen = set(visible.values_list("state", flat=True))
    assert seen >= {
        "registered",
        "accepted",
        "mediating",
        "agreed",
        "following_up",
        "closed",
        "failed",
        "terminated",
        "escalated",
        "transferred",
        "not_accepted",
    }
    assert list(backlog_for_user(user=secretary, today=timezone.localdate()))  # a petition over a year old


def test_the_demo_runs_twice_without_change(seeded):
    first = counts()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert counts() == first
    assert figure_of(out.getvalue())[0] == figure_of(seeded)[0]
    assert "矛盾调解：新增" not in out.getvalue()
