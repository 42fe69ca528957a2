"""Counters that limit what the public pages accept (lookups, suggestions, objections): one place for the
counting, so every public form counts the same way.

A try is counted before the work is done, so that tries sent at the same moment cannot all pass under the
limit; a try that should not count (a right answer, an input refused for a typo) is given back.

When the shared cache cannot count (Redis is down: core.cache passes it over, and ``incr`` finds no key),
the try is counted in this process instead: the limits still hold during an outage, per worker (so at most
workers x limit tries in a window), and no villager is refused a page because the cache is down. Failing
open would leave receipt codes and the objection form unguarded for the outage; a database counter
would put a write on every lookup for a fault that lasts seconds."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

# The counters of this process while the shared cache cannot count.
_local = LocMemCache("core.ratelimit", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def counter_key(key: str) -> str:
    """Keys hold what a visitor typed (a receipt code, an address): hashed, so that any text makes a valid,
    bounded cache key (memcached-safe, no control characters) and no typed value sits in the cache."""
    return "ratelimit:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _count(key: str, window: int) -> int:
    key = counter_key(key)
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # the shared cache is down (or the counter expired this instant)
        _local.add(key, 0, window)
        return _local.incr(key)


def over_limit(limits: Iterable[tuple[str, int]], window: int) -> bool:
    """Counts one try under each (key, limit); True when any counter is over its limit. Every counter is
    incremented (not stopping at the first over it), and each expires ``window`` seconds after its first try."""
    over = False
    for key, limit in limits:
        over = _count(key, window) > limit or over
    return over


def give_back(keys: Iterable[str]) -> None:
    """Takes one try back from each counter (one that expired meanwhile is left alone)."""
    for key in map(counter_key, keys):
        for counters in (cache, _local):
            try:
                counters.decr(key)
                break
            except ValueError:
                pass
