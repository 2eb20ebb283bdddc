import pytest
from kombu import pools

from config.celery import app as celery_app


def _fresh_producer_pools():
    """Drop every cached broker connection: an earlier test may have left a pool open on
    another broker (an eager task acquires one too) or closed one that is still cached, and
    the next send would then go to the wrong broker or fail with 'Acquire on closed pool'."""
    pools.reset()
    celery_app._pool = None
    if "amqp" in celery_app.__dict__:
        celery_app.amqp._producer_pool = None


@pytest.fixture(autouse=True)
def _producer_pools():
    _fresh_producer_pools()
    yield


@pytest.fixture
def worker(celery_worker):
    """The real worker, sent to through pools opened on its broker."""
    _fresh_producer_pools()
    yield celery_worker
    _fresh_producer_pools()
