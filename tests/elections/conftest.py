import pytest

from config.celery import app as celery_app


@pytest.fixture
def worker(celery_worker):
    """The real worker, with the producer pool reset: an earlier eager task may have opened a
    pool on the broker configured before the fixture switched to real Redis, and the task
    would be published there instead of to the worker's queue."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.__dict__.get("amqp") and setattr(celery_app.amqp, "_producer_pool", None)
    yield celery_worker
    celery_app._pool = None
    celery_app.__dict__.get("amqp") and setattr(celery_app.amqp, "_producer_pool", None)
