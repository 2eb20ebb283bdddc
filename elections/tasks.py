"""Celery tasks: thin, take ids, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_roster_task(job_id: int) -> None:
    """Run one roster upload; a job already finished (or claimed) is left alone."""
    services.roster_job_run(job_id=job_id)
