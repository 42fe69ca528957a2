"""Pages and panels cached per region under a version that every change below the region bumps.

``touch(topic, region)`` bumps the topic's version of the region and of every region above it (a change in
a village changes its township's and county's figures too); it runs now and again after commit, so a page
rendered between the two cannot keep the old figures. Cached entries also expire after their TTL, so
figures that move with the date alone (overdue today, "公示中") are never older than that. Used by the
home-page panels (core.registry.Panel.cache_topic) and the public bulletin.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

PANEL_TTL = 120


def _version_key(topic: str, prefix: str) -> str:
    return f"region-cache:v:{topic}:{prefix}"


def _prefixes(prefix: str) -> list[str]:
    return [prefix[:n] for n in (2, 4, 6, 9, 12) if n <= len(prefix)]


def touch(topic: str, region) -> None:
    """Marks the topic's cached entries of ``region`` and its ancestors as stale."""

    def bump() -> None:
        for prefix in _prefixes(region.prefix):
            try:
                cache.incr(_version_key(topic, prefix))
            except ValueError:
                cache.set(_version_key(topic, prefix), 2, None)

    bump()
    transaction.on_commit(bump, robust=True)


def key(topic: str, region, name: str) -> str:
    """The cache key of ``name`` for the region under the topic's current version."""
    version = cache.get_or_set(_version_key(topic, region.prefix), 1, None)
    return f"region-cache:{topic}:{region.prefix}:{version}:{name}"


def cached(topic: str, name: str, region, compute, ttl: int = PANEL_TTL):
    """``compute()`` once per (name, region, version) within the TTL."""
    entry_key = key(topic, region, name)
    value = cache.get(entry_key)
    if value is None:
        value = compute()
        cache.set(entry_key, value, ttl)
    return value
