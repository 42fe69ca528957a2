"""Query-count budgets of the main pages (bench/ measures the same pages at county and city scale)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

BUDGETS = [
    ("village_a1_clerk", "/regions/419901101201/", 22),
    ("township_a_officer", "/regions/419901101000/", 26),
    ("county_admin", "/regions/419901000000/", 26),
    ("county_admin", "/regions/search/?q=村", 10),
    ("county_admin", "/people/", 10),
    ("township_a_officer", "/", 7),
]


@pytest.mark.parametrize("username,url,budget", BUDGETS)
def test_page_stays_within_its_query_budget(world, django_assert_max_num_queries, username, url, budget):
    client = world.client_for(getattr(world, username))
    client.get(url)  # warm-up: content types, session row
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code in (200, 302)
