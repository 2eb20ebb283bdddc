"""Roster uploads survive a broker outage and a worker that died mid-import."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from elections import services
from elections.choices import ImportStatus
from elections.models import ImportJob, Seat
from elections.tasks import requeue_stale_roster_jobs_task
from tests.celery_worker import WorkerProcess
from tests.conftest import DEAD_BROKER
from tests.factories import TermFactory
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


@pytest.mark.django_db
def test_job_whose_worker_died_is_run_again_and_a_live_one_is_left_alone(official, village):
    TermFactory(year=2021)
    dead = services.roster_job_create(actor=official, filename="a.xlsx", content=roster())
    live = services.roster_job_create(actor=official, filename="b.xlsx", content=roster())
    long_ago = timezone.now() - dt.timedelta(minutes=31)
    ImportJob.objects.filter(pk=dead.pk).update(status=ImportStatus.RUNNING, started_at=long_ago)
    ImportJob.objects.filter(pk=live.pk).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    assert services.roster_jobs_requeue_stale() == [dead.pk]  # tasks run in-process here
    dead.refresh_from_db()
    live.refresh_from_db()
    assert dead.status == ImportStatus.SUCCEEDED
    assert live.status == ImportStatus.RUNNING
    assert Seat.objects.filter(village=village).count() == 6
