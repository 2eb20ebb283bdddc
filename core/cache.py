"""Django's Redis cache, with one client object per connection pool instead of one per call.

`django.core.cache.backends.redis.RedisCacheClient.get_client()` builds a new `redis.Redis`
for every cache operation, and each builds its table of ~170 response callbacks: about a
twentieth of a cached dashboard's CPU (issue 18, fifty users). A `redis.Redis` is safe to
share (its pool hands out connections), so one is kept per pool. `config.settings` selects
this backend whenever `CACHE_URL` names Redis.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
