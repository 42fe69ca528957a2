"""The 积案 list: petitions still open more than the county's backlog_days after they started, with their
age, the oldest first, scoped by VIEW_DISPUTES, at a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mediation import services as ms
from mediation.models import Dispute, MediationRules
from mediation.selectors_backlog import Age, backlog_for_user, petition_age
from mediation.views.backlog import NO_VIEW
from regions.roles import Role
from tests.conftest import make_user
from tests.mediation.builders import accepted

pytestmark = pytest.mark.django_db

DAYS = MediationRules().backlog_days
URL = "/mediation/backlog/"


def petition(world, days_ago: int, village=None, actor=None, **extra) -> Dispute:
    actor = actor or world.village_a1_clerk
    dispute = accepted(world, actor=actor, village=village or world.village_a1)
    return ms.petition_record(
        actor=actor,
        dispute=dispute,
        version=dispute.version,
        started_on=timezone.localdate() - dt.timedelta(days=days_ago),
        level=extra.pop("level", "city"),
        **extra,
    )


def test_a_petition_is_backlog_from_backlog_days_on(world):
    # "one year or more" (DOMAIN_RULES B.1.6): the day itself counts, the day before does not.
    day_before = petition(world, DAYS - 1)
    exactly = petition(world, DAYS)
    one_more = petition(world, DAYS + 1)
    listed = list(backlog_for_user(user=world.village_a1_clerk, today=timezone.localdate()))
    assert listed == [one_more, exactly] and day_before not in listed


def test_the_list_shows_age_level_and_village_oldest_first(world, django_assert_max_num_queries):
    younger = petition(world, DAYS + 1, repeats=2)
    older = petition(world, 3 * DAYS + 40, level="capital", beyond_level=True)
    done = petition(world, DAYS + 200)
    ms.dispute_settle(actor=world.village_a1_clerk, dispute=done, version=done.version, evidence="已化解")
    sec_b1 = make_user("sec_b1", Role.VILLAGE_SECRETARY, world.village_b1)
    elsewhere = petition(world, DAYS + 300, village=world.village_b1, actor=sec_b1)
    client = world.client_for(world.village_a1_clerk)
    client.get(URL)
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(older.number) < html.index(younger.number)
    assert done.number not in html and elsewhere.number not in html
    assert str(petition_age(older.petition_started_on, timezone.localdate())) in html
    assert "京" in html and "越级" in html and "白马村" in html and "2次" in html


def test_the_list_costs_the_same_queries_for_1_and_12_cases(world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client_for(world.village_a1_clerk)
    petition(world, DAYS + 5)
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for n in range(11):
        petition(world, DAYS + 6 + n)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(URL)
    assert response.content.decode().count("/mediation/disputes/") == 12


def test_a_county_with_its_own_backlog_days(world):
    MediationRules.objects.create(county=world.county, backlog_days=180)
    MediationRules.forget(world.county)
    listed = petition(world, 180)
    not_yet = petition(world, 179)
    rows = list(backlog_for_user(user=world.village_a1_clerk, today=timezone.localdate()))
    assert rows == [listed] and not_yet not in rows


def test_who_may_not_view_disputes_is_refused(world):
    response = world.client_for(world.county_admin).get(URL)
    assert response.status_code == 403 and NO_VIEW in response.content.decode()


@pytest.mark.parametrize(
    ("started", "today", "age"),
    [
        (dt.date(2025, 3, 1), dt.date(2026, 3, 1), Age(1, 0)),
        (dt.date(2025, 3, 1), dt.date(2026, 2, 28), Age(0, 364)),
        (dt.date(2024, 2, 29), dt.date(2025, 2, 28), Age(1, 0)),
        (dt.date(2014, 6, 10), dt.date(2026, 6, 12), Age(12, 2)),
    ],
)
def test_petition_age_in_whole_years_and_days(started, today, age):
    assert petition_age(started, today) == age
    assert str(Age(1, 3)) == "1年3天" and str(Age(0, 9)) == "9天"
