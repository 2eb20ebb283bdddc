"""The county the fault tests break things under, and how they read its state afterwards.

`state()` is what a user (or an auditor) would check: every upload's outcome, seats and
people counted, no seat held twice, no recompute left pending, and the stored figures equal
to the figures recomputed from scratch. It runs in the test process, or in a subprocess on
another database (`python -m tests.faults.scenario` with DATABASE_URL set).
"""

from __future__ import annotations

import datetime as dt
import json
import threading

from django.db import connection, transaction
from django.db.models import Count

HEADER = ["乡镇", "村(社区)", "届次", "组织", "职务", "姓名", "公民身份号码"]
TOWNSHIP = "吉昌镇"
COUNTY_CODE = "141028"


def roster(village: str, *, born: dt.date, count: int = 6, year: int = 2021) -> bytes:
    """A party committee for `village`: one secretary, the rest members."""
    from tests.factories import make_id_number
    from tests.spreadsheets import xlsx

    rows = [HEADER]
    for index in range(count):
        number = make_id_number(born + dt.timedelta(days=index))
        post = "书记" if index == 0 else "委员"
        rows.append([TOWNSHIP, village, year, "党支部", post, f"{village}{index}号", number])
    return xlsx(rows)


def _stored(term) -> dict:
    from composition.models import CompositionSnapshot

    return {
        (row.scope_kind, row.scope_code, row.metric): row.value
        for row in CompositionSnapshot.objects.filter(term=term)
    }


def _county_members(term) -> int | None:
    from composition.models import CompositionSnapshot

    for row in CompositionSnapshot.objects.filter(term=term, scope_code=COUNTY_CODE):
        figures = getattr(row, "figures", row.value)
        if "count" in figures.get("members", {}):
            return figures["members"]["count"]
    return None


def figures_are_current(term) -> bool:
    """The stored figures are exactly what a full recompute from the seats would store
    (recomputed in a transaction that is rolled back)."""
    from composition.services import composition_recompute

    stored = _stored(term)
    with transaction.atomic():
        composition_recompute(term_id=term.pk)
        fresh = _stored(term)
        transaction.set_rollback(True)
    return bool(stored) and stored == fresh


def state(year: int = 2021) -> dict:
    from composition.models import RecomputeRequest
    from elections.models import ImportJob, Seat
    from people.models import Person
    from registry.models import Term

    term = Term.objects.get(year=year)
    seats = Seat.objects.filter(term=term)
    active = seats.filter(ended_on__isnull=True)
    held_twice = (
        active.values("person", "village", "body").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    return {
        "jobs": {
            job.filename: {
                "status": job.status,
                "rows": job.total_rows,
                "seats_created": job.seats_created,
                "people_created": job.people_created,
                "errors": job.errors,
                "finished_at": job.finished_at.isoformat() if job.finished_at else None,
            }
            for job in ImportJob.objects.defer("content").order_by("pk")
        },
        "active_seats": dict(
            active.values_list("village__name").annotate(n=Count("id")).order_by()
        ),
        "ended_seats": seats.filter(ended_on__isnull=False).count(),
        "people": Person.objects.count(),
        "seats_held_twice": held_twice,
        "pending_recomputes": list(RecomputeRequest.objects.values_list("term__year", flat=True)),
        "members": _county_members(term),
        "figures_are_current": figures_are_current(term),
    }


class HeldTransaction:
    """Run `work()` in a transaction on a connection of its own (a thread) and keep that
    transaction open — holding its row locks — until `release()`, which rolls it back."""

    def __init__(self, work):
        self.work = work
        self.ready = threading.Event()
        self.done = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        try:
            with transaction.atomic():
                self.work()
                self.ready.set()
                self.done.wait(120)
                transaction.set_rollback(True)
        except BaseException as exc:  # surfaced by __enter__
            self.error = exc
            self.ready.set()
        finally:
            connection.close()

    def __enter__(self) -> HeldTransaction:
        self.thread.start()
        self.ready.wait(60)
        if self.error:
            raise self.error
        return self

    def release(self) -> None:
        self.done.set()
        self.thread.join(60)

    def __exit__(self, *exc):
        self.release()


LOCK_WAITERS = """
    SELECT pid, query FROM pg_stat_activity
    WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()
"""


def lock_waiters(cursor) -> list[tuple[int, str]]:
    """Sessions of this database waiting for a lock: a worker stopped mid-transaction."""
    cursor.execute(LOCK_WAITERS)
    return cursor.fetchall()


def backend_alive(cursor, pid: int) -> bool:
    cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
    return cursor.fetchone() is not None


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(state()))
