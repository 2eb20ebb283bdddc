"""The administrators' line of the home page's work list: background work waiting for a
worker (HEALTH_QUEUED_WORK, as /health/ reads it), an alert once the oldest has waited past
HEALTH_QUEUE_MAX_AGE_MINUTES — the sign that no worker is consuming the queue."""

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import ui
from .roles import Role


def queued_work() -> tuple[int, float | None]:
    """(jobs waiting, seconds the oldest has waited): one query per kind of queued work."""
    waiting, oldest = 0, None
    for label, filters, field in settings.HEALTH_QUEUED_WORK.values():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        row = model._default_manager.filter(**filters).aggregate(n=Count("pk"), at=Min(field))
        waiting += row["n"]
        if row["at"] is not None and (oldest is None or row["at"] < oldest):
            oldest = row["at"]
    age = None if oldest is None else (timezone.now() - oldest).total_seconds()
    return waiting, age


def work_items(user) -> list[ui.WorkItem]:
    waiting, age = queued_work()
    stale = age is not None and age > settings.HEALTH_QUEUE_MAX_AGE_MINUTES * 60
    label = _("后台任务等待过久，请检查后台进程") if stale else _("排队中的后台任务")
    return [
        ui.WorkItem(
            "queued-work", label, waiting, reverse("health"), "alert" if stale else "figure"
        )
    ]


def register() -> None:
    ui.register_work("core.workers", work_items, roles={Role.ADMIN}, order=90)
