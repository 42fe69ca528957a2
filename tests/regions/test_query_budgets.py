"""Query-count budgets of the main pages (bench/ measures the same pages at county and city scale).

Each page is measured twice: with the region's panels (and the public bulletin) served from the region
cache, the usual visit, and computed, the first visit after a change below the region bumped the cache.
Each budget is what the page cost when it was set: a change that costs a query more fails here and has
to say why. Home pages (the region pages every role lands on) must cost at most HOME_PAGE_CEILING."""

from __future__ import annotations

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

HOME_PAGE_CEILING = 15

# (user, page, cached, computed); the budget before the regions/centers split (no panel cache) after #.
BUDGETS = [
    ("village_a1_clerk", "/regions/419901101201/", 10, 19),  # 22
    ("township_a_officer", "/regions/419901101000/", 9, 25),  # 28
    ("county_admin", "/regions/419901000000/", 9, 25),  # 27
    ("county_admin", "/regions/search/?q=村", 9, 9),  # 10
    ("county_admin", "/people/", 9, 9),  # 10
    ("township_a_officer", "/", 6, 6),  # 7
    ("village_a1_clerk", "/decisions/", 9, 9),  # 9
    ("township_a_officer", "/decisions/oversight/?region=419901101000", 20, 21),  # 21
    ("county_admin", "/decisions/oversight/?region=419901000000", 20, 21),  # 21
    (None, "/bulletin/419901101000/", 1, 2),  # 6
    (None, "/bulletin/419901101201/", 1, 2),  # 6
]
HOME_PAGES = [budget for budget in BUDGETS if budget[1].startswith("/regions/4199")]


@pytest.mark.parametrize("username,url,cached,computed", BUDGETS)
def test_page_stays_within_its_query_budget(world, django_assert_max_num_queries, username, url, cached, computed):
    client = world.client_for(getattr(world, username) if username else None)
    status = 302 if url == "/" else 200
    client.get(url)  # warm-up: content types, session row, the region cache
    with django_assert_max_num_queries(cached):
        assert client.get(url).status_code == status
    cache.clear()  # as after a change below the region: panels, county settings and bulletin computed again
    with django_assert_max_num_queries(computed):
        assert client.get(url).status_code == status


@pytest.mark.parametrize("username,url,cached,computed", HOME_PAGES)
def test_home_pages_served_from_the_cache_stay_within_the_ceiling(username, url, cached, computed):
    assert cached <= HOME_PAGE_CEILING


@pytest.mark.xfail(strict=True, reason="computed home pages cost 19 (village), 25 (township), 25 (county) "
                                       "queries when measured; the ceiling is 15")
@pytest.mark.parametrize("username,url,cached,computed", HOME_PAGES)
def test_home_pages_computed_stay_within_the_ceiling(username, url, cached, computed):
    assert computed <= HOME_PAGE_CEILING
