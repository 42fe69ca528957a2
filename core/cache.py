"""Django's Redis cache with one client object per connection pool.

Django's RedisCacheClient builds a new ``redis.Redis`` for every cache operation; with redis-py 8 that
object is costly to build (it sets up its response callbacks each time), which made the dozen cache reads
of a home page cost more CPU than the page's queries. A client per pool is safe to share: redis-py's
clients are thread-safe and take a connection from the pool for each command.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


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


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledClientRedisCacheClient
