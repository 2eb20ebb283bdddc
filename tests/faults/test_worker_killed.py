"""A roster import whose worker is killed (SIGKILL) in the middle of writing: nothing of it
is kept, and once a worker is back the upload is imported exactly once — even when the
broker hands the killed task out again as well (a real worker, real Redis, PostgreSQL).

Run: CI=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/lty_faults \
CELERY_BROKER_URL=redis://127.0.0.1:6379/5 .venv/bin/pytest tests/faults/test_worker_killed.py
"""

import datetime as dt
import json

import pytest
from django.db import connection
from django.urls import reverse

from elections.choices import Body, ImportStatus, Post
from elections.models import ImportJob, Seat
from elections.tasks import import_roster_task, requeue_stale_roster_jobs_task
from people.models import Person
from tests.factories import PersonFactory, TermFactory
from tests.spreadsheets import upload

from .scenario import HeldTransaction, backend_alive, lock_waiters, roster, state
from .servers import Worker, wait_until

ROSTER_TASK = import_roster_task.name

pytestmark = pytest.mark.integration


def restore_unacked(redis_url, queue, task: str | None = None) -> list[str]:
    """Hand out again the messages a dead worker had taken from `queue` (of `task` only, when
    given: a live worker's own in-flight message — a coverage refresh after the recompute —
    is left to it), as the broker does by itself once its visibility timeout (an hour) has
    passed; returns their task ids."""
    from kombu import Connection

    ids = []
    with Connection(redis_url) as conn:
        channel = conn.default_channel
        client = channel.client
        for tag, payload in client.hgetall(channel.unacked_key).items():
            message, _exchange, routing_key = json.loads(payload)
            if routing_key == queue and task in (None, message["headers"]["task"]):
                ids.append(message["headers"]["id"])
                channel.qos.restore_by_tag(tag.decode(), client)
    return ids


def test_roster_import_killed_mid_write_is_imported_once_afterwards(
    postgres, redis_url, send_to, closing, client, official, village
):
    term = TermFactory(year=2021)
    worker = closing(Worker(redis_url)).start()
    send_to(redis_url, worker.queue)
    client.force_login(official)

    # Someone else's uncommitted secretary for this village: the import, which writes the
    # people first and then the seats, stops at the secretary's seat until that transaction
    # ends — a worker caught in the middle of writing, deterministically.
    other = PersonFactory(village=village, name="另一人")

    def uncommitted_secretary():
        Seat.objects.create(
            person=other, village=village, term=term, body=Body.PARTY_COMMITTEE,
            post=Post.SECRETARY, started_on=term.starts_on,
        )  # fmt: skip

    with HeldTransaction(uncommitted_secretary) as blocker:
        response = client.post(
            reverse("elections:roster-import"),
            {"file": upload(roster(village.name, born=dt.date(1970, 1, 1)), "roster.xlsx")},
        )
        assert response.status_code == 302
        job = ImportJob.objects.get()
        with connection.cursor() as cursor:
            waiting = wait_until(
                lambda: lock_waiters(cursor), what="the import to reach the seats", log=worker.log
            )
        (pid, query), = waiting  # fmt: skip
        assert "elections_seat" in query  # the people are written, the seats being written
        job.refresh_from_db()
        assert job.status == ImportStatus.RUNNING

        worker.kill()  # SIGKILL, parent and pool: a crash, an OOM kill, a pulled plug
        blocker.release()
        with connection.cursor() as cursor:  # its database session ends, rolling back
            wait_until(lambda: not backend_alive(cursor, pid), what="the killed session to end")

    # Nothing of the killed run was kept; the job still says it is running.
    assert not Seat.objects.exists()
    assert list(Person.objects.values_list("name", flat=True)) == ["另一人"]
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING

    # A new worker; beat's sweep finds the job whose worker is gone and sends it again.
    replacement = closing(Worker(redis_url, queue=worker.queue)).start()
    requeue_stale_roster_jobs_task.delay()
    wait_until(
        lambda: ImportJob.objects.get(pk=job.pk).is_finished,
        what="the import to finish",
        log=replacement.log,
    )
    after = wait_until(
        lambda: (s := state())["figures_are_current"] and not s["pending_recomputes"] and s,
        what="the figures to be recomputed",
        log=replacement.log,
    )
    assert after["jobs"]["roster.xlsx"] == {
        "status": ImportStatus.SUCCEEDED,
        "rows": 6,
        "seats_created": 6,
        "people_created": 6,
        "errors": [],
        "finished_at": after["jobs"]["roster.xlsx"]["finished_at"],
    }
    assert after["active_seats"] == {village.name: 6}
    assert after["people"] == 7 and after["seats_held_twice"] == 0

    # The broker hands the killed task out again too (its visibility timeout passed): the
    # job is finished, so it is left alone — imported once, not twice.
    redelivered = restore_unacked(redis_url, worker.queue, task=ROSTER_TASK)
    assert len(redelivered) == 1
    wait_until(
        lambda: f"import_roster_task[{redelivered[0]}] succeeded" in replacement.log(),
        what="the redelivered task to run",
        log=replacement.log,
    )
    assert state() == after
