"""Security tests start with no lockout and no throttle history (django-axes, DRF throttles)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Many users per test: a fast hasher (the real one is PBKDF2; see test_access for it)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_lockouts(db):
    from axes.utils import reset

    cache.clear()
    reset()
    yield
    reset()
    cache.clear()
