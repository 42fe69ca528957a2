"""Query-count budgets of the main pages (bench/ measures the same pages at county and city scale)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

BUDGETS = [
    ("village_a1_clerk", "/regions/419901101201/", 22),
    # + 3 for the decisions panel (county rules, one aggregate, supervision objections)
    ("township_a_officer", "/regions/419901101000/", 28),
    ("county_admin", "/regions/419901000000/", 27),
    ("county_admin", "/regions/search/?q=村", 10),
    ("county_admin", "/people/", 10),
    ("township_a_officer", "/", 7),
    ("village_a1_clerk", "/decisions/", 9),
    ("township_a_officer", "/decisions/oversight/?region=419901101000", 21),
    ("county_admin", "/decisions/oversight/?region=419901000000", 21),
    (None, "/bulletin/419901101000/", 6),
    (None, "/bulletin/419901101201/", 6),
]


@pytest.mark.parametrize("username,url,budget", BUDGETS)
def test_page_stays_within_its_query_budget(world, django_assert_max_num_queries, username, url, budget):
    client = world.client_for(getattr(world, username) if username else None)
    client.get(url)  # warm-up: content types, session row
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code in (200, 302)
