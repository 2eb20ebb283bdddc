"""The Celery application; its settings come from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("lingtouyan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Every worker writes a heartbeat that /health/ reads (core/workers.py).
app.steps["consumer"].add("core.workers:WorkerHeartbeat")
