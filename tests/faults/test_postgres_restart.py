"""PostgreSQL really restarted and really stopped — a private cluster of the test's own, never
the shared one — under a real gunicorn web process and a real Celery worker (on the real
Redis), both holding persistent database connections (CONN_MAX_AGE=60).

The county is built in the test database and copied into the private cluster; the web and
the worker run on the copy; its state is read back with `python -m tests.faults.scenario`.

Run: CI=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/lty_faults \
CELERY_BROKER_URL=redis://127.0.0.1:6379/5 .venv/bin/pytest tests/faults/test_postgres_restart.py
"""

import datetime as dt
import json
import os
import re
import subprocess
import sys
import uuid

import psycopg2
import pytest
from django.urls import reverse

from elections import services as election_services
from elections.choices import ImportStatus, Post, SeatEndReason
from elections.models import Seat
from tests.celery_worker import ROOT
from tests.factories import TermFactory, VillageFactory

from .scenario import LOCK_WAITERS, roster, state
from .servers import Browser, WebProcess, Worker, wait_until

pytestmark = pytest.mark.integration

# Both the web and the worker keep their connections between requests and tasks: the case
# where a restart leaves them holding dead ones.
PERSISTENT = {"CONN_MAX_AGE": "60"}


@pytest.fixture
def county(postgres, official, village, township):
    """2021: 东关村's committee imported (6 seats), figures computed; 南街村 still empty."""
    TermFactory(year=2021)
    south = VillageFactory(township=township, code="141028100202", name="南街村")
    election_services.roster_job_create(
        actor=official,
        filename="东关村.xlsx",
        content=roster(village.name, born=dt.date(1970, 1, 1)),
    )
    leaving = list(
        Seat.objects.filter(village=village, post=Post.MEMBER)
        .order_by("pk")
        .values_list("pk", flat=True)[:2]
    )
    assert state()["figures_are_current"]
    return {"official": official, "village": village, "south": south, "leaving": leaving}


@pytest.fixture
def cluster(private_postgres, postgres, county):
    """The private cluster, holding a copy of the county."""
    url = private_postgres.copy_database(postgres, "lty_private")
    private_postgres.db_url = url
    return private_postgres


def private_state(cluster) -> dict:
    """The county's state read by the application itself, on the private database."""
    env = {
        **os.environ,
        "DATABASE_URL": cluster.db_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    out = subprocess.run(
        [sys.executable, "-m", "tests.faults.scenario"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def query(cluster, sql, params=()):
    """One query on the private database in a new session; None while it is down."""
    try:
        conn = psycopg2.connect(cluster.db_url, connect_timeout=3)
    except psycopg2.OperationalError:
        return None
    try:
        with conn, conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    except psycopg2.OperationalError:
        return None
    finally:
        conn.close()


def finished(cluster):
    """The upload done and no recompute pending (read straight from the database)."""
    jobs = query(cluster, "SELECT status FROM elections_importjob WHERE filename = '南街村.xlsx'")
    pending = query(cluster, "SELECT count(*) FROM composition_recomputerequest")
    return jobs == [(ImportStatus.SUCCEEDED,)] and pending == [(0,)]


def retried(task, worker) -> bool:
    return re.search(rf"{task}\[[-0-9a-f]+\] retry: Retry in", worker.log()) is not None


def end_seat(browser, pk):
    path = reverse("elections:seat-end", args=[pk])
    status, _ = browser.get(path)
    assert status == 200
    return browser.post(
        path, {"ended_on": "2022-01-01", "reason": SeatEndReason.RESIGNATION, "note": ""}
    )[0]


def upload_south_roster(browser, south):
    path = reverse("elections:roster-import")
    browser.get(path)
    content = roster(south.name, born=dt.date(1971, 1, 1))
    return browser.post(path, {}, files={"file": ("南街村.xlsx", content)})[0]


def start_web(cluster, closing, redis_url, queue) -> Browser:
    web = closing(
        WebProcess(
            {
                "DATABASE_URL": cluster.db_url,
                "CELERY_BROKER_URL": redis_url,
                "CELERY_TASK_DEFAULT_QUEUE": queue,
                **PERSISTENT,
            }
        )
    ).start()
    browser = Browser(web.base)
    browser.log = web.log
    return browser


def assert_outcome(cluster, county):
    final = private_state(cluster)
    assert final["jobs"]["南街村.xlsx"] == {
        "status": ImportStatus.SUCCEEDED,
        "rows": 6,
        "seats_created": 6,
        "people_created": 6,
        "errors": [],
        "finished_at": final["jobs"]["南街村.xlsx"]["finished_at"],
    }  # imported once: had the first try been kept, the second would have created nothing
    assert final["active_seats"] == {county["village"].name: 4, county["south"].name: 6}
    assert final["ended_seats"] == 2 and final["people"] == 12
    assert final["seats_held_twice"] == 0
    assert final["pending_recomputes"] == [] and final["figures_are_current"]
    assert final["members"] == 10


def test_restart_while_the_worker_is_mid_task_and_the_web_holds_old_connections(
    cluster, closing, redis_url, county
):
    worker = closing(
        Worker(redis_url, database_url=cluster.db_url, env=PERSISTENT, concurrency=2)
    ).start()
    browser = start_web(cluster, closing, redis_url, worker.queue)
    browser.login(county["official"].username)
    status, body = browser.get("/health/")  # the web process now holds a connection
    assert (status, json.loads(body)["database"]) == (200, "ok")

    # Hold the term so that both tasks stop inside their transactions. NO KEY UPDATE: it
    # keeps out the tasks' FOR UPDATE, not the web's inserts that reference the term.
    lock = psycopg2.connect(cluster.db_url)
    closing(lock)
    with lock.cursor() as cursor:
        cursor.execute("SELECT 1 FROM registry_term WHERE year = 2021 FOR NO KEY UPDATE")
    assert end_seat(browser, county["leaving"][0]) == 302  # a recompute is queued
    assert upload_south_roster(browser, county["south"]) == 302  # an import is queued
    wait_until(
        lambda: len(query(cluster, LOCK_WAITERS) or []) == 2,
        what="the recompute and the import to be mid-transaction",
        log=worker.log,
    )

    cluster.restart()  # fast: every session is ended, every open transaction rolled back

    # The web process recovers at once: its dead connection is noticed, a new one opened.
    status, body = browser.get("/health/")
    assert (status, json.loads(body)["database"]) == (200, "ok"), browser.log()[-3000:]
    assert browser.get(reverse("elections:seat-list"))[0] == 200
    assert end_seat(browser, county["leaving"][1]) == 302  # a change saves, not a 500

    # The interrupted tasks are tried again and complete, each exactly once.
    wait_until(lambda: finished(cluster), what="the work to complete", log=worker.log)
    assert_outcome(cluster, county)
    # Both did fail on the restart, and were tried again.
    assert retried("import_roster_task", worker) and retried("recompute_term_task", worker)


def test_work_queued_while_postgres_is_down_completes_once_it_is_back(
    cluster, closing, redis_url, county
):
    queue = f"lty-test-pg-down-{uuid.uuid4().hex[:8]}"
    browser = start_web(cluster, closing, redis_url, queue)
    browser.login(county["official"].username)
    assert end_seat(browser, county["leaving"][0]) == 302
    assert upload_south_roster(browser, county["south"]) == 302
    # Both tasks wait in Redis: no worker yet.

    cluster.stop()
    status, body = Browser(browser.base).get("/health/")  # as the load balancer asks it
    assert (status, json.loads(body)["database"]) == (503, "error")  # reported, not a crash
    status, body = browser.get("/health/")  # and as a signed-in browser (a session cookie)
    assert (status, json.loads(body)["database"]) == (503, "error")

    # A worker starts while the database is down and takes the queued work: each task fails
    # to reach the database and is retried later instead of being dropped.
    worker = closing(
        Worker(redis_url, queue=queue, database_url=cluster.db_url, env=PERSISTENT)
    ).start()
    wait_until(
        lambda: retried("import_roster_task", worker),
        what="the import to be tried and put off",
        log=worker.log,
    )
    assert query(cluster, "SELECT 1") is None  # still down

    cluster.start()
    wait_until(lambda: finished(cluster), what="the work to complete", log=worker.log)
    assert end_seat(browser, county["leaving"][1]) == 302  # and the web works again
    wait_until(lambda: finished(cluster), what="the last recompute", log=worker.log)
    assert_outcome(cluster, county)
