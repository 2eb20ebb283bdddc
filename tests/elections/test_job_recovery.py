"""Roster uploads survive a broker outage and a worker that died mid-import (a real kill of a\nreal worker mid-import: tests/faults/test_worker_killed.py)."""

import datetime as dt
from contextlib import nullcontext

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from elections import services
from elections.choices import ImportStatus
from elections.models import ImportJob, Seat
from elections.tasks import requeue_stale_roster_jobs_task
from tests.celery_worker import WorkerProcess
from tests.conftest import DEAD_BROKER
from tests.factories import TermFactory
from tests.faults.scenario import HeldTransaction
from tests.spreadsheets import upload

from .test_tasks import roster, wait_for


@pytest.mark.django_db(transaction=True)
def test_upload_while_redis_is_down_is_kept_and_imported_once_it_is_back(
    broker, redis_url, client, official, village
):
    TermFactory(year=2021)
    client.force_login(official)
    broker(DEAD_BROKER)
    response = client.post(
        reverse("elections:roster-import"), {"file": upload(roster(), "roster.xlsx")}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == ImportStatus.QUEUED  # no 500
    ImportJob.objects.update(created_at=timezone.now() - dt.timedelta(minutes=3))

    worker = WorkerProcess(redis_url).start()  # the broker is back, with a worker
    try:
        broker(redis_url, worker.queue)
        requeue_stale_roster_jobs_task.delay()  # what beat does every five minutes
        job = wait_for(job)
        assert job.status == ImportStatus.SUCCEEDED, job.errors or worker.log()[-2000:]
        assert Seat.objects.filter(village=village).count() == 6
    finally:
        worker.stop()


@pytest.mark.django_db(transaction=True)
def test_job_whose_worker_died_is_run_again_and_a_live_one_is_left_alone(official, village):
    """A running job's worker holds the job's lock for as long as its database session lives
    (PostgreSQL); a job "running" with nobody holding it lost its worker and is re-run at once.
    Without such locks (SQLite) a running job counts as lost after RUNNING_STALE_AFTER."""
    TermFactory(year=2021)
    content = roster()  # the same file uploaded twice
    dead = ImportJob.objects.create(created_by=official, filename="a.xlsx", content=content)
    live = ImportJob.objects.create(created_by=official, filename="b.xlsx", content=content)
    started = timezone.now() - dt.timedelta(minutes=1)
    if connection.vendor != "postgresql":
        ImportJob.objects.filter(pk=dead.pk).update(
            started_at=timezone.now() - services.RUNNING_STALE_AFTER - dt.timedelta(minutes=1)
        )
    ImportJob.objects.filter(pk__in=[dead.pk, live.pk]).update(status=ImportStatus.RUNNING)
    ImportJob.objects.filter(started_at__isnull=True).update(started_at=started)

    def live_worker():  # its own database session, holding the job's lock
        assert services._job_lock(live)

    with HeldTransaction(live_worker) if connection.vendor == "postgresql" else nullcontext():
        assert services.roster_jobs_requeue_stale() == [dead.pk]  # tasks run in-process here
        assert services.roster_job_run(job_id=live.pk).status == ImportStatus.RUNNING
    dead.refresh_from_db()
    live.refresh_from_db()
    assert dead.status == ImportStatus.SUCCEEDED and dead.seats_created == 6
    assert live.status == ImportStatus.RUNNING
    assert Seat.objects.filter(village=village).count() == 6
    if connection.vendor == "postgresql":  # its worker is gone now: the sweep re-runs it
        assert services.roster_jobs_requeue_stale() == [live.pk]
        live.refresh_from_db()
        assert live.status == ImportStatus.SUCCEEDED and live.seats_unchanged == 6
        assert Seat.objects.filter(village=village).count() == 6  # not imported twice
