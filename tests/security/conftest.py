"""Security tests start with no lockout and no throttle history (django-axes, DRF throttles)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_lockouts(db):
    from axes.utils import reset

    cache.clear()
    reset()
    yield
    reset()
    cache.clear()
