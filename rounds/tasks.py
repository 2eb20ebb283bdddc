"""The evening job: every round's daily report, and on Fridays the weekly dispatch."""

from celery import shared_task
from django.utils import timezone

from .choices import ReportKind
from .reports import reports_build_all


@shared_task(acks_late=True)
def round_reports_task() -> int:
    """Build today's daily reports (and the weekly dispatch on Fridays)."""
    built = reports_build_all(ReportKind.DAILY)
    if timezone.localdate().weekday() == 4:
        built += reports_build_all(ReportKind.WEEKLY)
    return built
