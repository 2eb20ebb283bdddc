"""Fault tests need PostgreSQL (and some Redis); on a SQLite laptop they skip, under CI they fail.

The servers a test stops and restarts are private to it (tests/faults/servers.py): the
machine's shared PostgreSQL and Redis are never stopped.
"""

import shutil

import pytest
from django.db import connection

from config.celery import app as celery_app
from tests.conftest import _forget_celery_routing, need

from .servers import PrivatePostgres, PrivateRedis, postgres_bindir


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        need("PostgreSQL", "set DATABASE_URL=postgres://postgres@127.0.0.1:5432/lty_security")
    return connection.settings_dict


@pytest.fixture
def closing():
    """closing(thing) -> thing; every thing's close() runs at the end, even on failure, last
    opened first (a worker before the server it talks to)."""
    things = []

    def keep(thing):
        things.append(thing)
        return thing

    yield keep
    errors = []
    for thing in reversed(things):
        try:
            thing.close()
        except Exception as exc:  # close the rest, then report
            errors.append(exc)
    if errors:
        raise errors[0]


@pytest.fixture
def private_redis(closing):
    """A Redis of this test's own, which it may stop and start again on the same port."""
    if not shutil.which("redis-server"):
        need("redis-server", "apt-get install redis-server")
    return closing(PrivateRedis()).start()


@pytest.fixture
def private_postgres(postgres, closing):
    """A PostgreSQL cluster of this test's own, which it may restart (never the shared one)."""
    if postgres_bindir() is None:
        need("PostgreSQL server binaries", "initdb/pg_ctl under /usr/lib/postgresql/*/bin")
    cluster = closing(PrivatePostgres()).init()
    cluster.start()
    return cluster


@pytest.fixture
def send_to(monkeypatch):
    """send_to(broker_url, queue): tasks this process sends go to that broker and queue for
    real, with the production publish settings (no shortened timeouts)."""
    saved = (celery_app.conf.broker_url, celery_app.conf.task_default_queue)

    def use(url, queue):
        # Celery reads the environment variable before its own setting.
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        celery_app.conf.task_always_eager = False
        celery_app.conf.broker_url = url
        celery_app.conf.task_default_queue = queue
        _forget_celery_routing()

    yield use
    celery_app.conf.broker_url, celery_app.conf.task_default_queue = saved
    celery_app.conf.task_always_eager = True
    _forget_celery_routing()
