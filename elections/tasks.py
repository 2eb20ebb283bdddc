"""Celery tasks: thin, take ids, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_roster_task(job_id: int) -> None:
    """Run one roster upload; a job already finished (or claimed) is left alone."""
    services.roster_job_run(job_id=job_id)


@shared_task
def requeue_stale_roster_jobs_task() -> None:
    """Every few minutes (beat): send again the uploads whose queueing failed while the broker
    was down, and re-run those whose worker died mid-import."""
    services.roster_jobs_requeue_stale()
