"""Redis really stopped and started again (a private redis-server, no persistence: the
restart loses every queued message), with a real worker and PostgreSQL.

While Redis is down the portal keeps saving (no 500; the pending recompute and the upload
are rows in the database). When it is back on the same port the same worker reconnects by
itself, and beat's two sweeps send again what the restart lost: every upload is imported
exactly once and the figures are recomputed.

Run: CI=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/lty_faults \
CELERY_BROKER_URL=redis://127.0.0.1:6379/5 .venv/bin/pytest tests/faults/test_redis_restart.py
"""

import datetime as dt
import json

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from composition import services as composition_services
from composition.models import RecomputeRequest
from composition.tasks import recompute_term_task as recompute_task
from composition.tasks import requeue_pending_task
from elections import services as election_services
from elections.choices import ImportStatus, Post, SeatEndReason
from elections.models import ImportJob, Seat
from elections.tasks import requeue_stale_roster_jobs_task
from registry.models import Term
from tests.factories import TermFactory, VillageFactory
from tests.spreadsheets import upload

from .scenario import HeldTransaction, lock_waiters, roster, state
from .servers import Worker, wait_until

pytestmark = pytest.mark.integration


def end_seat(client, seat):
    return client.post(
        reverse("elections:seat-end", args=[seat.pk]),
        {"ended_on": "2022-01-01", "reason": SeatEndReason.RESIGNATION, "note": ""},
    )


def upload_roster(client, content, name):
    response = client.post(reverse("elections:roster-import"), {"file": upload(content, name)})
    return response, ImportJob.objects.filter(filename=name).first()


def test_redis_stopped_and_restarted_loses_no_work_and_does_none_twice(
    postgres, private_redis, send_to, closing, client, official, village, township
):
    earlier, term = TermFactory(year=2018), TermFactory(year=2021)
    south = VillageFactory(township=township, code="141028100202", name="南街村")
    north = VillageFactory(township=township, code="141028100203", name="北街村")
    # The county as it stands: 东关村's committee imported, its figures computed.
    election_services.roster_job_create(
        actor=official,
        filename="东关村.xlsx",
        content=roster(village.name, born=dt.date(1970, 1, 1)),
    )
    assert state()["figures_are_current"] and state()["active_seats"] == {village.name: 6}

    worker = closing(Worker(private_redis.url)).start()  # one process: one task at a time
    send_to(private_redis.url, worker.queue)
    client.force_login(official)
    leaving = list(Seat.objects.filter(village=village, post=Post.MEMBER).order_by("pk")[:2])

    # Work in flight when Redis stops: the worker is in the middle of an upload of the 2018
    # committee (held at the 2018 term's lock), and a recompute of 2021 waits in Redis.
    def hold_earlier_term():
        list(Term.objects.select_for_update().filter(pk=earlier.pk))

    with HeldTransaction(hold_earlier_term) as term_lock:
        response, south_job = upload_roster(
            client, roster(south.name, born=dt.date(1971, 1, 1), year=2018), "南街村.xlsx"
        )
        assert response.status_code == 302
        with connection.cursor() as cursor:
            wait_until(lambda: lock_waiters(cursor), what="the import to start", log=worker.log)
        assert end_seat(client, leaving[0]).status_code == 302
        waiting = private_redis.client().lrange(worker.queue, 0, -1)  # not yet taken
        assert [json.loads(m)["headers"]["task"] for m in waiting] == [recompute_task.name]
        lost = json.loads(waiting[0])["headers"]["id"]

        private_redis.stop()

        # Redis is down: saving still works, and what must happen later is in the database.
        assert end_seat(client, leaving[1]).status_code == 302  # saved, not a 500
        ended = Seat.objects.filter(pk__in=[s.pk for s in leaving], ended_on__isnull=False)
        assert ended.count() == 2
        assert RecomputeRequest.objects.filter(term=term).exists()  # shown as pending
        response, north_job = upload_roster(
            client, roster(north.name, born=dt.date(1972, 1, 1)), "北街村.xlsx"
        )
        assert response.status_code == 302 and north_job.status == ImportStatus.QUEUED
        if settings.CELERY_BROKER_URL:
            health = client.get("/health/")
            assert (health.status_code, health.json()["broker"]) == (503, "error")
        term_lock.release()  # the running import goes on: it needs the database, not Redis

    wait_until(
        lambda: ImportJob.objects.get(pk=south_job.pk).is_finished,
        what="the running import to finish",
        log=worker.log,
    )
    south_done = ImportJob.objects.get(pk=south_job.pk)
    assert (south_done.status, south_done.seats_created) == (ImportStatus.SUCCEEDED, 6)

    private_redis.start()  # same port, empty: the queued recompute died with the old one
    wait_until(
        lambda: worker.log().count("Connected to redis://") >= 2,
        what="the worker to reconnect by itself",
        log=worker.log,
    )
    assert worker.process.poll() is None  # the same worker, never restarted
    if settings.CELERY_BROKER_URL:
        assert client.get("/health/").status_code == 200

    # Beat's sweeps, as they run every five minutes (their waiting times taken as passed).
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    assert long_ago < timezone.now() - composition_services.REQUEUE_AFTER
    assert long_ago < timezone.now() - election_services.QUEUED_STALE_AFTER
    RecomputeRequest.objects.update(queued_at=long_ago)
    ImportJob.objects.filter(status=ImportStatus.QUEUED).update(created_at=long_ago)
    requeue_pending_task.delay()
    requeue_stale_roster_jobs_task.delay()

    final = wait_until(
        lambda: (
            (s := state())["jobs"]["北街村.xlsx"]["status"] == ImportStatus.SUCCEEDED
            and not s["pending_recomputes"]
            and s["figures_are_current"]
            and s
        ),
        what="the lost work to complete",
        log=worker.log,
    )
    assert final["active_seats"] == {village.name: 4, north.name: 6}
    assert final["ended_seats"] == 2 and final["members"] == 10
    assert final["people"] == 18 and final["seats_held_twice"] == 0
    for name in ("东关村.xlsx", "南街村.xlsx", "北街村.xlsx"):
        job = final["jobs"][name]
        assert (job["status"], job["seats_created"], job["people_created"]) == (
            ImportStatus.SUCCEEDED, 6, 6,
        )  # fmt: skip
    # The recompute that waited in Redis was lost with it (never delivered): the sweep's did it.
    assert lost not in worker.log()
    # The upload that was running when Redis stopped was not imported a second time.
    assert final["jobs"]["南街村.xlsx"]["finished_at"] == south_done.finished_at.isoformat()
    before = state(2018)
    assert before["active_seats"] == {south.name: 6} and before["figures_are_current"]
