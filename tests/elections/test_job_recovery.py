"""Roster uploads survive a broker outage and a worker that died mid-import (a real kill of a\nreal worker mid-import: tests/faults/test_worker_killed.py)."""

import datetime as dt
from contextlib import nullcontext

import pytest
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from core.access import Role
from elections.choices import ImportStatus
from elections.models import ImportJob, Seat
from elections.services import roster_jobs
from elections.tasks import requeue_stale_roster_jobs_task
from tests.celery_worker import WorkerProcess
from tests.conftest import DEAD_BROKER
from tests.factories import CountyFactory, TermFactory
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
            started_at=timezone.now() - roster_jobs.RUNNING_STALE_AFTER - dt.timedelta(minutes=1)
        )
    ImportJob.objects.filter(pk__in=[dead.pk, live.pk]).update(status=ImportStatus.RUNNING)
    ImportJob.objects.filter(started_at__isnull=True).update(started_at=started)

    def live_worker():  # its own database session, holding the job's lock
        assert roster_jobs._job_lock(live)

    with HeldTransaction(live_worker) if connection.vendor == "postgresql" else nullcontext():
        assert roster_jobs.roster_jobs_requeue_stale() == [dead.pk]  # tasks run in-process here
        assert roster_jobs.roster_job_run(job_id=live.pk).status == ImportStatus.RUNNING
    dead.refresh_from_db()
    live.refresh_from_db()
    assert dead.status == ImportStatus.SUCCEEDED and dead.seats_created == 6
    assert live.status == ImportStatus.RUNNING
    assert Seat.objects.filter(village=village).count() == 6
    if connection.vendor == "postgresql":  # its worker is gone now: the sweep re-runs it
        assert roster_jobs.roster_jobs_requeue_stale() == [live.pk]
        live.refresh_from_db()
        assert live.status == ImportStatus.SUCCEEDED and live.seats_unchanged == 6
        assert Seat.objects.filter(village=village).count() == 6  # not imported twice


# -- issue 18: a job whose workers keep dying, and cancelling a job ---------------------------


def _as_if_its_worker_died(job):
    """What a worker killed mid-import leaves: "running", its start long ago (SQLite has no
    session locks, so a stale start stands for "nobody holds it"), the attempt counted."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING,
        started_at=timezone.now() - roster_jobs.RUNNING_STALE_AFTER - dt.timedelta(minutes=1),
    )


@pytest.mark.django_db
def test_a_job_whose_workers_keep_dying_is_failed_and_its_redelivery_does_nothing(
    official, village
):
    """Acknowledged late and requeued when its worker dies, a message that kills every worker
    would come back for ever; each start is counted on the job, and the start after
    MAX_JOB_ATTEMPTS dead ones fails it with a message. Then the message does nothing."""
    TermFactory(year=2021)
    job = ImportJob.objects.create(created_by=official, filename="a.xlsx", content=roster())
    for _dead_worker in range(roster_jobs.MAX_JOB_ATTEMPTS):
        _as_if_its_worker_died(job)  # each start counted (test_each_start_of_a_job_is_counted)
        ImportJob.objects.filter(pk=job.pk).update(attempts=F("attempts") + 1)

    job = roster_jobs.roster_job_run(job_id=job.pk)  # the redelivered message, once more
    assert job.status == ImportStatus.FAILED
    assert job.errors == [
        "导入已中断 3 次（文件可能已损坏或过大），未保存任何数据；请检查文件后重新上传"
    ]
    assert Seat.objects.count() == 0
    again = roster_jobs.roster_job_run(job_id=job.pk)  # and again: nothing changes
    assert again.status == ImportStatus.FAILED and again.attempts == roster_jobs.MAX_JOB_ATTEMPTS
    assert Seat.objects.count() == 0


@pytest.mark.django_db
def test_each_start_of_a_job_is_counted(official, village):
    TermFactory(year=2021)
    job = ImportJob.objects.create(created_by=official, filename="a.xlsx", content=roster())
    assert roster_jobs.roster_job_run(job_id=job.pk).attempts == 1
    _as_if_its_worker_died(job)
    job = roster_jobs.roster_job_run(job_id=job.pk)
    assert job.attempts == 2 and job.status == ImportStatus.SUCCEEDED


@pytest.mark.django_db
def test_an_organizer_cancels_a_queued_job_from_its_page_and_it_never_runs(
    client, official, organizer, village
):
    TermFactory(year=2021)
    job = ImportJob.objects.create(created_by=official, filename="a.xlsx", content=roster())
    client.force_login(organizer)
    page = client.get(job.get_absolute_url()).content.decode()
    cancel = reverse("elections:import-job-cancel", args=[job.pk])
    assert f'action="{cancel}"' in page and "取消导入" in page

    response = client.post(cancel)
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED and job.cancelled_by == organizer
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'data-testid="job-status">已取消<' in page
    assert f"已由 {organizer} 于" in page and "取消，不会再运行，未保存任何数据" in page
    assert "已取消该导入任务，未保存任何数据" in page
    assert 'data-testid="job-cancel"' not in page

    roster_jobs.roster_job_run(job_id=job.pk)  # its message, delivered after all
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED and job.attempts == 0
    assert Seat.objects.count() == 0
    assert client.post(cancel).status_code == 302  # twice: "已结束，无法取消", no change
    job.refresh_from_db()
    assert job.cancelled_by == organizer


@pytest.mark.django_db
def test_who_may_not_cancel_gets_403_or_404(client, official, viewer, make_user, village):
    job = ImportJob.objects.create(created_by=official, filename="a.xlsx", content=roster())
    cancel = reverse("elections:import-job-cancel", args=[job.pk])
    elsewhere = make_user(Role.COUNTY_ORGANIZER, county=CountyFactory())
    for user, status in ((official, 403), (viewer, 403), (elsewhere, 404)):
        client.force_login(user)
        assert client.post(cancel).status_code == status, user.role
        assert 'data-testid="job-cancel"' not in client.get(job.get_absolute_url()).content.decode()
    client.logout()
    assert client.post(cancel).status_code == 302  # to the login page
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED


@pytest.mark.django_db
def test_a_job_cancelled_while_it_runs_saves_nothing(official, admin_user_, village):
    """The cancel wins over an import under way: the import rolls back at its end."""
    TermFactory(year=2021)
    job = ImportJob.objects.create(created_by=official, filename="a.xlsx", content=roster())
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    running = ImportJob.objects.select_related("created_by").get(pk=job.pk)
    roster_jobs.roster_job_cancel(job=job, actor=admin_user_)
    finished = roster_jobs._job_import(running)  # the worker reaches the end of its import
    assert finished.status == ImportStatus.CANCELLED
    assert Seat.objects.count() == 0


@pytest.mark.django_db
def test_the_admin_cancels_jobs_with_an_action(client, official, admin_user_, village):
    job = ImportJob.objects.create(created_by=official, filename="a.xlsx", content=roster())
    client.force_login(admin_user_)
    response = client.post(
        reverse("admin:elections_importjob_changelist"),
        {"action": "cancel_jobs", "_selected_action": [job.pk]},
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED and job.cancelled_by == admin_user_
