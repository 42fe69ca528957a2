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

The keys whose ``set`` or ``delete`` was dropped are deleted as soon as Redis answers again: a Redis that
was unreachable but kept its data must not serve a session ended, or settings changed, during the outage.
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


def _missing(key):
    raise ValueError(f"Key '{key}' not found (the cache is unavailable).")


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledClientRedisCacheClient
        self._passed_over_until = 0.0
        self._dropped: dict[str, None] = {}  # made keys, oldest first
        self._lock = threading.Lock()

    def ping(self) -> None:
        """Asks Redis itself (for /healthz/): raises whatever the connection raises."""
        self._cache.get_client().ping()

    def _guarded(self, operation, fallback, dropped_keys=None):
        """``operation()``, or ``fallback()`` when Redis fails or is being passed over; then the made keys
        ``dropped_keys()`` names (of a write) are deleted once Redis answers again."""
        if time.monotonic() < self._passed_over_until:
            self._drop(dropped_keys)
            return fallback()
        try:
            if self._dropped:
                self._delete_dropped()
            return operation()
        except RedisError as exc:
            self._passed_over_until = time.monotonic() + RETRY_AFTER
            logger.warning(
                "The cache is unavailable, passed over for %s s: %s: %s", RETRY_AFTER, type(exc).__name__, exc
            )
            self._drop(dropped_keys)
            return fallback()

    def _drop(self, dropped_keys) -> None:
        if dropped_keys is None:
            return
        keys = dropped_keys() if callable(dropped_keys) else dropped_keys
        with self._lock:
            for key in keys:
                self._dropped.pop(key, None)
                self._dropped[key] = None
            while len(self._dropped) > MAX_DROPPED_KEYS:
                del self._dropped[next(iter(self._dropped))]

    def _delete_dropped(self) -> None:
        with self._lock:
            keys, self._dropped = list(self._dropped), {}
        try:
            self._cache.delete_many(keys)
        except RedisError:
            self._drop(keys)
            raise
        logger.warning("The cache answers again: %d keys written during the outage deleted.", len(keys))

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
        return self._guarded(lambda: super(RedisCache, self).incr(key, delta, version), lambda: _missing(key))

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
