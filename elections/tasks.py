"""Celery tasks: thin, take ids, safe to run twice."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(
    # The database restarting or a connection cut mid-import: the import rolled back and the
    # job has no live worker any more, so trying again imports it (once).
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=12,
    acks_late=True,
    reject_on_worker_lost=True,
)
def import_roster_task(job_id: int) -> None:
    """Run one roster upload; a job finished, or being imported by a live worker, is left
    alone."""
    services.roster_job_run(job_id=job_id)


@shared_task
def requeue_stale_roster_jobs_task() -> None:
    """Every few minutes (beat): send again the uploads whose queueing failed while the broker
    was down, and re-run those whose worker died mid-import."""
    services.roster_jobs_requeue_stale()
