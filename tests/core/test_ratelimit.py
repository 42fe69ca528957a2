"""The public pages' counters (core.ratelimit): at the limit a try passes, one more is refused; every
counter counts even when an earlier one is already over; a try given back frees its place."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from core.ratelimit import counter_key, give_back, over_limit


@pytest.fixture(autouse=True)
def _clean():
    cache.delete_many([counter_key("t:a"), counter_key("t:b")])
    yield
    cache.delete_many([counter_key("t:a"), counter_key("t:b")])


def test_the_limit_itself_passes_and_the_next_try_is_over():
    assert [over_limit([("t:a", 3)], 60) for _ in range(4)] == [False, False, False, True]


def test_every_counter_counts_even_when_one_is_over():
    assert over_limit([("t:a", 0), ("t:b", 5)], 60)
    assert cache.get(counter_key("t:b")) == 1 and cache.get(counter_key("t:a")) == 1


def test_a_try_given_back_frees_its_place_and_an_expired_counter_is_left_alone():
    over_limit([("t:a", 1)], 60)
    give_back(["t:a"])
    assert not over_limit([("t:a", 1)], 60)
    give_back(["t:b"])  # never counted (or expired): no error, nothing created
    assert cache.get(counter_key("t:b")) is None


def test_counter_keys_hold_no_typed_text_and_any_text_makes_a_key():
    """A receipt code or address typed by a visitor is hashed into the key: control characters, spaces and
    100,000 characters still make a valid key of the same length, and the typed text is not in it."""
    typed = "lookup:code:\x00 abc" + "码" * 100_000
    key = counter_key(typed)
    assert len(key) == len(counter_key("lookup:code:ABCD2345")) < 100
    assert "abc" not in key and "\x00" not in key
    assert counter_key(typed) == key != counter_key(typed + "x")
    assert not over_limit([(typed, 1)], 60)
    assert over_limit([(typed, 1)], 60)
    cache.delete(key)
