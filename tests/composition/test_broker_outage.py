"""Redis down while a change commits: the change is kept, nobody sees an error, and the
recompute completes once the broker is back (a real worker on the real broker).

The outage is a broker address nothing listens on, so the Redis that other tests share is
never stopped."""

import datetime as dt
import time

import pytest
from django.db import transaction

from composition.models import CompositionSnapshot, RecomputeRequest
from composition.services import composition_recompute
from composition.tasks import requeue_pending_task
from elections.choices import SeatEndReason
from elections.models import Seat
from elections.signals import seats_changed
from tests.celery_worker import WorkerProcess
from tests.conftest import DEAD_BROKER

pytestmark = pytest.mark.django_db(transaction=True)


def cross_serving(term):
    row = CompositionSnapshot.objects.filter(term=term, scope_code="141028").first()
    return row.figures["members"]["cross_serving"]["count"] if row else None


def test_change_commits_while_redis_is_down_and_is_recomputed_after(
    broker, redis_url, small_county
):
    term = small_county.t2021
    composition_recompute(term_id=term.pk)
    assert cross_serving(term) == 1

    broker(DEAD_BROKER)
    with transaction.atomic():  # what certification or a roster import does
        seat = Seat.objects.get(village=small_county.v1, term=term, post="secretary")
        seat.ended_on, seat.end_reason = dt.date(2022, 1, 1), SeatEndReason.RESIGNATION
        seat.save()
        seats_changed.send(sender=Seat, term_ids={term.pk}, village_ids={small_county.v1.pk})
    assert Seat.objects.get(pk=seat.pk).ended_on == dt.date(2022, 1, 1)  # nothing lost
    assert RecomputeRequest.objects.filter(term=term).exists()  # shown as pending
    assert cross_serving(term) == 1  # not recomputed yet

    worker = WorkerProcess(redis_url).start()  # the broker is back, with a worker
    try:
        broker(redis_url, worker.queue)
        RecomputeRequest.objects.update(queued_at=None)  # as if REQUEUE_AFTER had passed
        requeue_pending_task.delay()  # what beat does every five minutes
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and cross_serving(term) != 0:
            time.sleep(0.3)
        assert cross_serving(term) == 0, worker.log()[-3000:]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and RecomputeRequest.objects.exists():
            time.sleep(0.3)
        assert not RecomputeRequest.objects.exists()
    finally:
        worker.stop()
