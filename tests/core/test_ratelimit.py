"""The public pages' counters (core.ratelimit): at the limit a try passes, one more is refused; every
counter counts even when an earlier one is already over; a try given back frees its place."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from core.ratelimit import give_back, over_limit


@pytest.fixture(autouse=True)
def _clean():
    cache.delete_many(["t:a", "t:b"])
    yield
    cache.delete_many(["t:a", "t:b"])


def test_the_limit_itself_passes_and_the_next_try_is_over():
    assert [over_limit([("t:a", 3)], 60) for _ in range(4)] == [False, False, False, True]


def test_every_counter_counts_even_when_one_is_over():
    assert over_limit([("t:a", 0), ("t:b", 5)], 60)
    assert cache.get("t:b") == 1 and cache.get("t:a") == 1


def test_a_try_given_back_frees_its_place_and_an_expired_counter_is_left_alone():
    over_limit([("t:a", 1)], 60)
    give_back(["t:a"])
    assert not over_limit([("t:a", 1)], 60)
    give_back(["t:b"])  # never counted (or expired): no error, nothing created
    assert cache.get("t:b") is None
