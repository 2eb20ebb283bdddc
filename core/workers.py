"""Whether background work gets done: the workers' heartbeat and the age of queued work.

Each Celery worker writes "alive at t" into the broker (Redis) for every queue it consumes,
every WORKER_HEARTBEAT_SECONDS (`WorkerHeartbeat`, a consumer bootstep added in
config/celery.py); a worker that stops cleanly removes itself. `/health/` reads the newest
heartbeat of the queue the web sends to (`worker_last_seen`) and the oldest job still
waiting in the database (`oldest_queued_seconds`), both cheap enough for every probe.
"""

import logging
import time

from celery import bootsteps

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "lty:workers:{queue}"
# A queue nobody consumes any more forgets its workers after a day.
HEARTBEAT_KEY_TTL = 24 * 3600


def heartbeat_key(queue: str) -> str:
    return HEARTBEAT_KEY.format(queue=queue)


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Writes this worker's heartbeat from its event loop's timer (as Celery's own Heart),
    so it stops when the worker stops or hangs, not when one task runs long."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, parent, **kwargs):
        super().__init__(parent, **kwargs)
        self.timer_ref = None
        self.connection = None
        self.queues: list[str] = []

    def start(self, c):
        from django.conf import settings

        self.hostname = c.hostname
        self.queues = sorted(c.app.amqp.queues.consume_from) or [c.app.conf.task_default_queue]
        self.beat(c)
        self.timer_ref = c.timer.call_repeatedly(
            settings.WORKER_HEARTBEAT_SECONDS, self.beat, (c,), priority=10
        )

    def _client(self, c):
        if self.connection is None:
            self.connection = c.app.connection_for_write()
        return self.connection.default_channel.client

    def beat(self, c):
        try:
            pipe = self._client(c).pipeline()
            now = time.time()
            for queue in self.queues:
                pipe.zadd(heartbeat_key(queue), {self.hostname: now})
                pipe.expire(heartbeat_key(queue), HEARTBEAT_KEY_TTL)
            pipe.execute()
        except Exception:  # the broker is away: the worker reconnects, so will the next beat
            log.warning("worker heartbeat not written", exc_info=True)
            self._close()

    def stop(self, c):
        if self.timer_ref is not None:
            self.timer_ref.cancel()
            self.timer_ref = None
        try:
            pipe = self._client(c).pipeline()
            for queue in self.queues:
                pipe.zrem(heartbeat_key(queue), self.hostname)
            pipe.execute()
        except Exception:
            pass  # a stale entry ages out by itself
        self._close()

    def _close(self):
        if self.connection is not None:
            try:
                self.connection.release()
            except Exception:
                pass
            self.connection = None


def worker_last_seen(connection, queue: str) -> float | None:
    """Seconds since a worker of `queue` last wrote its heartbeat; None if none ever did."""
    newest = connection.default_channel.client.zrevrange(
        heartbeat_key(queue), 0, 0, withscores=True
    )
    return max(0.0, time.time() - newest[0][1]) if newest else None


def oldest_queued_seconds() -> float | None:
    """Seconds the oldest job of HEALTH_QUEUED_WORK has waited; None when nothing waits."""
    from django.apps import apps
    from django.conf import settings
    from django.db.models import Min
    from django.utils import timezone

    oldest = None
    for label, filters, field in settings.HEALTH_QUEUED_WORK.values():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        since = model._default_manager.filter(**filters).aggregate(oldest=Min(field))["oldest"]
        if since is not None and (oldest is None or since < oldest):
            oldest = since
    return None if oldest is None else max(0.0, (timezone.now() - oldest).total_seconds())
