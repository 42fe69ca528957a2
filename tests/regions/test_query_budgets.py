"""Query-count budgets of the main pages (bench/ measures the same pages at county and city scale).

Each page is measured twice: with the region's panels (and the public bulletin) served from the region
cache, the usual visit, and computed, the first visit after a change below the region bumped the cache
(the test clears the whole cache, county settings and sessions included). Each budget is what the page cost when it
was set: a change that costs a query more fails here and has to say why. Served from the cache, every
page costs at most PAGE_CEILING; computed, a home page adds its panels' queries (at most two each, the
children table two more per registered column)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

PAGE_CEILING = 15

# (user, page, cached, computed); the budget before the restructuring (no panel cache) after #.
BUDGETS = [
    ("village_a1_clerk", "/regions/419901101201/", 5, 13),  # 22
    ("township_a_officer", "/regions/419901101000/", 4, 18),  # 28
    ("county_admin", "/regions/419901000000/", 4, 18),  # 27
    ("county_admin", "/regions/search/?q=村", 5, 6),  # 10
    ("county_admin", "/people/", 5, 6),  # 10
    ("township_a_officer", "/", 2, 3),  # 7
    ("village_a1_clerk", "/decisions/", 5, 6),  # 9
    ("village_a1_clerk", "/requests/", 4, 6),
    ("township_a_officer", "/decisions/oversight/?region=419901101000", 14, 16),  # 21
    ("county_admin", "/decisions/oversight/?region=419901000000", 14, 16),  # 21
    (None, "/bulletin/419901101000/", 1, 2),  # 6
    (None, "/bulletin/419901101201/", 1, 2),  # 6
]


@pytest.mark.parametrize("username,url,cached,computed", BUDGETS)
def test_page_stays_within_its_query_budget(
    world, django_assert_max_num_queries, username, url, cached, computed
):
    assert cached <= PAGE_CEILING
    client = world.client_for(getattr(world, username) if username else None)
    status = 302 if url == "/" else 200
    client.get(url)  # warm-up: content types, the session's refresh, the region cache
    with django_assert_max_num_queries(cached):
        assert client.get(url).status_code == status
    cache.clear()  # as after a change below the region: panels, county settings and bulletin computed again
    with django_assert_max_num_queries(computed):
        assert client.get(url).status_code == status
