"""Pages, panels and page parts cached under versions that every change bumps.

A version belongs to a topic and a scope: a region prefix (``touch(topic, region)`` bumps the region's, its
ancestors' and the global one, since a change in a village changes its township's and county's figures
too), or one record (``touch_record(topic, pk)``, e.g. a matter's page). A bump runs after commit: a page
rendered before it is keyed by the old version (whatever it read), one rendered after reads the committed
change; and a cache that fails then cannot undo the write (its error is logged and passed over, in
core.cache, and by on_commit's ``robust``). Cached entries also expire after
their TTL, so what moves with the date alone (overdue today, "公示中") is never older than that; a version
key lives much longer than any entry, so one that expired and restarted cannot meet an old entry.

Used by the home-page panels (core.registry.Panel.cache_topic), the public bulletin, the request list
and the matter page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction

PANEL_TTL = 120
VERSION_TTL = 7 * 24 * 3600
GLOBAL = "*"  # the scope of a user who sees every region (a superuser)


def _version_key(topic: str, scope: str) -> str:
    return f"region-cache:v:{topic}:{scope}"


def _scopes(prefix: str) -> list[str]:
    return [GLOBAL, *(prefix[:n] for n in (2, 4, 6, 9, 12) if n <= len(prefix))]


def _bump(keys: list[str]) -> None:
    def bump() -> None:
        for version_key in keys:
            try:
                cache.incr(version_key)
            except ValueError:
                cache.set(version_key, 2, VERSION_TTL)

    transaction.on_commit(bump, robust=True)


def touch(topic: str, region) -> None:
    """Marks the topic's cached entries of ``region``, its ancestors and the global scope as stale."""
    _bump([_version_key(topic, scope) for scope in _scopes(region.prefix)])


def touch_everywhere(topic: str) -> None:
    """Marks the topic's entries cached for the global scope (``cached_for_scope`` of everything) as stale."""
    _bump([_version_key(topic, GLOBAL)])


def touch_record(topic: str, pk) -> None:
    """Marks the cached entries of one record (e.g. a matter's page) as stale."""
    _bump([_version_key(topic, f"#{pk}")])


def _versions(keys: list[str]) -> dict[str, int]:
    versions = cache.get_many(keys)
    for version_key in set(keys) - set(versions):
        cache.add(version_key, 1, VERSION_TTL)
        versions[version_key] = cache.get(version_key, 1)
    return versions


def _get_or_compute(keyed: list[tuple[str, Callable]], ttl: int) -> list:
    found = cache.get_many([entry_key for entry_key, _ in keyed])
    computed = {entry_key: compute() for entry_key, compute in keyed if entry_key not in found}
    if computed:
        cache.set_many(computed, ttl)
    return [found[entry_key] if entry_key in found else computed[entry_key] for entry_key, _ in keyed]


def key(topic: str, region, name: str) -> str:
    """The cache key of ``name`` for the region under the topic's current version."""
    version_key = _version_key(topic, region.prefix)
    return f"region-cache:{topic}:{region.prefix}:{_versions([version_key])[version_key]}:{name}"


def cached(topic: str, name: str, region, compute: Callable, ttl: int = PANEL_TTL):
    """``compute()`` once per (name, region, version) within the TTL."""
    return cached_many(region, [(topic, name, compute)], ttl)[0]


def cached_many(region, entries: list[tuple[str, str, Callable]], ttl: int = PANEL_TTL) -> list:
    """``cached`` for several (topic, name, compute) entries of one region in two cache round trips (the
    versions, then the entries), plus one write for whatever had to be computed."""
    version_keys = {topic: _version_key(topic, region.prefix) for topic, _, _ in entries}
    versions = _versions(list(set(version_keys.values())))
    return _get_or_compute(
        [
            (f"region-cache:{topic}:{region.prefix}:{versions[version_keys[topic]]}:{name}", compute)
            for topic, name, compute in entries
        ],
        ttl,
    )


def cached_for_scope(topic: str, prefixes: Iterable[str], name: str, compute: Callable, ttl: int = PANEL_TTL):
    """``compute()`` once per (name, versions of every prefix of a user's scope) within the TTL: a list of
    what the user may see is stale as soon as anything changes in one of their regions ("" = everything)."""
    scopes = sorted(prefix or GLOBAL for prefix in prefixes)
    version_keys = [_version_key(topic, scope) for scope in scopes]
    versions = _versions(version_keys)
    stamp = ".".join(
        f"{scope}:{versions[version_key]}" for scope, version_key in zip(scopes, version_keys, strict=True)
    )
    return _get_or_compute([(f"region-cache:{topic}:[{stamp}]:{name}", compute)], ttl)[0]


def cached_for_record(topic: str, pk, name: str, compute: Callable, ttl: int = PANEL_TTL):
    """``compute()`` once per (name, the record's version) within the TTL."""
    version_key = _version_key(topic, f"#{pk}")
    version = _versions([version_key])[version_key]
    return _get_or_compute([(f"region-cache:{topic}:#{pk}:{version}:{name}", compute)], ttl)[0]
