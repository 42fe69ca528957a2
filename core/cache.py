"""Django's Redis cache with one client object per connection pool, which a Redis outage cannot break.

Django's RedisCacheClient builds a new ``redis.Redis`` for every cache operation; with redis-py 8 that
object is costly to build (it sets up its response callbacks each time), which made the dozen cache reads
of a home page cost more CPU than the page's queries. A client per pool is safe to share: redis-py's
clients are thread-safe and take a connection from the pool for each command.

A cache outage costs freshness or speed, never a page or a write (issue 11): every Redis error is logged
and passed over, and the cache then behaves as an empty one that keeps nothing -- ``get`` gives the
default, ``add`` False, ``incr`` ValueError (the key is missing, as Django's contract says), writes are
dropped. Django's own RedisCache has no such option (django-redis' IGNORE_EXCEPTIONS answers ``incr`` with
None, which the rate limiter would compare, and logs a traceback per call). After an error the cache is
passed over for ``RETRY_AFTER`` seconds without being asked, so a Redis that hangs rather than refuses
costs one socket timeout per process in that time, not one per cache call, and the log gets one line.

When Redis answers again, what was dropped is made good: the keys whose ``set`` or ``delete`` was dropped
are deleted, and the counters whose ``incr`` was dropped are incremented by as much (those that still
exist: a missing one is not created without its expiry). A Redis that was unreachable but kept its data
must not serve a session ended, a grant revoked or a bulletin changed during the outage.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER = 5.0
# Keys to delete on recovery, per process; past this many the oldest ones go (their entries expire anyway).
MAX_DROPPED_KEYS = 10_000


class PooledClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


_INCR_IF_EXISTS = (
    "if redis.call('exists', KEYS[1]) == 1 then return redis.call('incrby', KEYS[1], ARGV[1]) end"
)


def _missing(key):
    raise ValueError(f"Key '{key}' not found (the cache is unavailable).")


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledClientRedisCacheClient
        self._passed_over_until = 0.0
        self._dropped: dict[str, None] = {}  # made keys to delete, oldest first
        self._unbumped: dict[str, int] = {}  # made keys of counters -> the increments dropped
        self._lock = threading.Lock()

    def ping(self) -> None:
        """Asks Redis itself (for /healthz/): raises whatever the connection raises."""
        self._cache.get_client().ping()

    def _guarded(self, operation, fallback, dropped=None):
        """``operation()``, or ``fallback()`` when Redis fails or is being passed over; then ``dropped()``
        (the made keys of a write, or a counter's made key and increment) is made good once Redis answers."""
        if time.monotonic() < self._passed_over_until:
            self._drop(dropped)
            return fallback()
        try:
            if self._dropped or self._unbumped:
                self._make_good()
            return operation()
        except RedisError as exc:
            self._passed_over_until = time.monotonic() + RETRY_AFTER
            logger.warning(
                "The cache is unavailable, passed over for %s s: %s: %s", RETRY_AFTER, type(exc).__name__, exc
            )
            self._drop(dropped)
            return fallback()

    def _drop(self, dropped) -> None:
        if dropped is None:
            return
        keys = dropped()
        with self._lock:
            if isinstance(keys, tuple):  # (counter, increment)
                key, delta = keys
                self._unbumped[key] = self._unbumped.get(key, 0) + delta
            else:
                for key in keys:
                    self._dropped.pop(key, None)
                    self._dropped[key] = None
            for pending in (self._dropped, self._unbumped):
                while len(pending) > MAX_DROPPED_KEYS:
                    del pending[next(iter(pending))]

    def _make_good(self) -> None:
        with self._lock:
            dropped, self._dropped = self._dropped, {}
            unbumped, self._unbumped = self._unbumped, {}
        # A counter whose incr failed and whose reset (region_cache's set) failed too is incremented, not
        # deleted: a version that went back to 1 could meet entries cached under 1.
        deleted = [key for key in dropped if key not in unbumped]
        try:
            client = self._cache.get_client(write=True)
            if deleted:
                client.delete(*deleted)
            for key, delta in unbumped.items():
                client.eval(_INCR_IF_EXISTS, 1, key, delta)
        except RedisError:
            with self._lock:
                self._dropped = dropped | self._dropped
                for key, delta in unbumped.items():
                    self._unbumped[key] = self._unbumped.get(key, 0) + delta
            raise
        logger.warning(
            "The cache answers again: %d keys written during the outage deleted, %d counters incremented.",
            len(deleted),
            len(unbumped),
        )

    def _key(self, key, version):
        return self.make_and_validate_key(key, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(lambda: super(RedisCache, self).add(key, value, timeout, version), bool)

    def get(self, key, default=None, version=None):
        return self._guarded(lambda: super(RedisCache, self).get(key, default, version), lambda: default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guarded(
            lambda: super(RedisCache, self).set(key, value, timeout, version),
            lambda: None,
            lambda: [self._key(key, version)],
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(lambda: super(RedisCache, self).touch(key, timeout, version), bool)

    def delete(self, key, version=None):
        return self._guarded(
            lambda: super(RedisCache, self).delete(key, version), bool, lambda: [self._key(key, version)]
        )

    def get_many(self, keys, version=None):
        return self._guarded(lambda: super(RedisCache, self).get_many(keys, version), dict)

    def has_key(self, key, version=None):
        return self._guarded(lambda: super(RedisCache, self).has_key(key, version), bool)

    def incr(self, key, delta=1, version=None):
        return self._guarded(
            lambda: super(RedisCache, self).incr(key, delta, version),
            lambda: _missing(key),
            lambda: (self._key(key, version), delta),
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            lambda: super(RedisCache, self).set_many(data, timeout, version),
            lambda: list(data),
            lambda: [self._key(key, version) for key in data],
        )

    def delete_many(self, keys, version=None):
        keys = list(keys)
        self._guarded(
            lambda: super(RedisCache, self).delete_many(keys, version),
            lambda: None,
            lambda: [self._key(key, version) for key in keys],
        )

    def clear(self):
        return self._guarded(lambda: super(RedisCache, self).clear(), bool)
