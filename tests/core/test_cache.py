"""The Redis cache keeps one client per connection pool (core/cache.py) and works as Django's."""

import redis

from core.cache import RedisCache


def test_redis_cache_reuses_its_client_and_stores(redis_url):
    url = redis_url.rsplit("/", 1)[0] + "/13"
    cache = RedisCache(url, {"KEY_PREFIX": "test-core-cache"})
    try:
        first = cache._cache.get_client(write=True)
        assert cache._cache.get_client(write=False) is first
        assert isinstance(first, redis.Redis)
        cache.set("k", {"figures": [1, 2]}, 30)
        assert cache.get("k") == {"figures": [1, 2]}
        assert cache.get_many(["k", "missing"]) == {"k": {"figures": [1, 2]}}
        cache.delete("k")
        assert cache.get("k") is None
    finally:
        cache.clear()


def test_settings_choose_it_for_a_redis_url(monkeypatch):
    import environ

    found = environ.Env.cache_url_config("rediscache://127.0.0.1:6379/1")
    assert found["BACKEND"] == "django.core.cache.backends.redis.RedisCache"  # what base.py swaps
