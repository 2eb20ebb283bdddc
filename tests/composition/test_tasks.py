"""The Celery paths with a REAL worker on the real Redis broker, reading the test database.

Run under PostgreSQL (see docs/composition.md):
CI=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/lty_composition \
CELERY_BROKER_URL=redis://127.0.0.1:6379/3 .venv/bin/pytest tests/composition/test_tasks.py
"""

import datetime as dt
import json
import time

import pytest
from django.db import transaction

from composition.models import CompositionSnapshot, RecomputeRequest
from composition.services import composition_recompute
from composition.tasks import recompute_all_terms_task, recompute_term_task
from elections.choices import SeatEndReason
from elections.models import Seat
from elections.signals import seats_changed

pytestmark = pytest.mark.django_db(transaction=True)


def cross_serving(term):
    row = CompositionSnapshot.objects.filter(term=term, scope_code="141028").first()
    return row.figures["members"]["cross_serving"]["count"] if row else None


def wait_for(predicate, timeout=60, worker=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    pytest.fail("timed out" + (f"; worker log:\n{worker.log()[-3000:]}" if worker else ""))


def end_secretary(village, term):
    with transaction.atomic():
        seat = Seat.objects.get(village=village, term=term, post="secretary")
        seat.ended_on, seat.end_reason = dt.date(2022, 1, 1), SeatEndReason.RESIGNATION
        seat.save()
        seats_changed.send(sender=Seat, term_ids={term.pk}, village_ids={village.pk})


def test_worker_recomputes_after_a_seat_change_commits(celery_worker, small_county):
    term = small_county.t2021
    composition_recompute(term_id=term.pk)
    assert cross_serving(term) == 1
    end_secretary(small_county.v1, term)
    assert RecomputeRequest.objects.filter(term=term).exists()  # pending, shown as such
    wait_for(lambda: cross_serving(term) == 0, worker=celery_worker)
    wait_for(lambda: not RecomputeRequest.objects.filter(term=term).exists())
    assert "recompute_term_task" in celery_worker.log()


def test_nightly_task_runs_on_the_worker(celery_worker, small_county):
    recompute_all_terms_task.delay()
    wait_for(lambda: cross_serving(small_county.t2021) == 1, worker=celery_worker)
    assert CompositionSnapshot.objects.filter(term=small_county.t2018).exists()


def restore_unacked(redis_url, queue):
    """Put back the messages a dead worker had taken from `queue` — what any worker does
    by itself once the broker's visibility timeout (an hour) has passed."""
    from kombu import Connection

    with Connection(redis_url) as conn:
        channel = conn.default_channel
        client = channel.client
        for tag, payload in client.hgetall(channel.unacked_key).items():
            _message, _exchange, routing_key = json.loads(payload)
            if routing_key == queue:
                channel.qos.restore_by_tag(tag.decode(), client)


def test_job_survives_a_worker_killed_mid_task(celery_worker, small_county, redis_url):
    from tests.celery_worker import WorkerProcess

    term = small_county.t2021
    composition_recompute(term_id=term.pk)
    end_secretary_without_signal = Seat.objects.get(
        village=small_county.v1, term=term, post="secretary"
    )
    end_secretary_without_signal.ended_on = dt.date(2022, 1, 1)
    end_secretary_without_signal.end_reason = SeatEndReason.RESIGNATION
    end_secretary_without_signal.save()
    # A worker whose recomputes pause between computing and writing (the test patches it).
    celery_worker.stop()
    held = WorkerProcess(
        redis_url, queue=celery_worker.queue, include=("tests.composition.hold_writes",)
    ).start()
    recompute_term_task.apply_async(args=[term.pk])
    wait_for(lambda: "recompute_term_task" in held.log(), worker=held)
    time.sleep(1.0)  # inside the hold: computed, not yet written
    held.kill()
    assert cross_serving(term) == 1  # the killed run wrote nothing
    replacement = WorkerProcess(redis_url, queue=celery_worker.queue).start()
    try:
        restore_unacked(redis_url, celery_worker.queue)
        wait_for(lambda: cross_serving(term) == 0, worker=replacement)
    finally:
        replacement.stop()
