"""Celery tasks: thin, take ids, safe to run twice (a rerun recomputes again)."""

from celery import shared_task
from django.db import DatabaseError

from registry.models import Term

from . import coverage, services

RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


@shared_task(**RETRY)
def recompute_term_task(term_id: int) -> None:
    """Recompute one term's figures (what is pending for it, or everything)."""
    again = services.composition_run_pending(term_id=term_id)
    if again:
        recompute_term_task.apply_async(args=[term_id], countdown=services.coalesce_seconds())


@shared_task(**RETRY)
def recompute_all_terms_task() -> None:
    """Nightly safety net: every term, fully."""
    for term_id in Term.objects.order_by("year").values_list("pk", flat=True):
        services.composition_run_pending(term_id=term_id, full=True)


@shared_task(**RETRY)
def requeue_pending_task() -> None:
    """Every few minutes (beat): queue again the recomputes whose queueing failed while the
    broker was down, or whose worker died, so that they complete once it is back."""
    services.composition_requeue_pending()


@shared_task(**RETRY)
def refresh_coverage_task(term_id: int, county_id: int) -> None:
    """Count and store the training coverage of a county and its townships in a term
    (`composition.coverage`), after a recompute or a change to training attendance."""
    coverage.run_queued(term_id, county_id)
