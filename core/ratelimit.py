"""Counters that limit what the public pages accept (lookups, suggestions, objections): one place for the
counting, so every public form counts the same way.

A try is counted before the work is done, so that tries sent at the same moment cannot all pass under the
limit; a try that should not count (a right answer, an input refused for a typo) is given back."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache


def over_limit(limits: Iterable[tuple[str, int]], window: int) -> bool:
    """Counts one try under each (key, limit); True when any counter is over its limit. Every counter is
    incremented (not stopping at the first over it), and each expires ``window`` seconds after its first try."""
    over = False
    for key, limit in limits:
        cache.add(key, 0, window)
        over = cache.incr(key) > limit or over
    return over


def give_back(keys: Iterable[str]) -> None:
    """Takes one try back from each counter (one that expired meanwhile is left alone)."""
    for key in keys:
        try:
            cache.decr(key)
        except ValueError:
            pass
