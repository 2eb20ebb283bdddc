"""The Celery application; its settings come from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("lingtouyan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Every worker writes a heartbeat that /health/ reads (core/workers.py).
app.steps["consumer"].add("core.workers:WorkerHeartbeat")


@app.on_after_configure.connect
def _evening_schedule(sender, **kwargs):
    """Every evening at 20:30 (Beijing time) the round's daily reports are built, and the
    weekly dispatch on Fridays (rounds/tasks.py)."""
    from celery.schedules import crontab

    sender.add_periodic_task(
        crontab(hour=20, minute=30),
        sender.signature("rounds.tasks.round_reports_task"),
        name="rounds-evening-reports",
    )
