"""Writes of the composition app: recompute a term's snapshot, queue a recompute."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.bulk import copy_rows
from core.concurrency import bump_version
from registry.models import Term

from . import counting, figures, selectors
from .choices import Metric, ScopeKind
from .models import CompositionSnapshot, RecomputeOutbox, RecomputeRequest

# Changes that arrive within this many seconds of each other are computed in one run.
COALESCE_SECONDS = 3
# A request whose task has not run for this long is queued again (e.g. the broker lost it).
STALE_AFTER = dt.timedelta(minutes=10)
# A pending recompute still waiting this long after it was queued is queued again.
REQUEUE_AFTER = dt.timedelta(minutes=2)
# Beyond this many changed villages, a full recompute is as cheap as an incremental one.
MAX_INCREMENTAL_VILLAGES = 200


def composition_recompute(*, term_id: int, village_ids=None) -> int:
    """Replace the stored figures of a term; returns the number of scopes written.

    With `village_ids`, only the villages those changes touch and the scopes above them
    are recomputed (their stored counters are corrected by the difference); otherwise
    every scope is. Runs under a lock on the term, so two recomputes of one term never
    interleave; idempotent. Figures are computed first and written last (`_insert`), in
    the one transaction.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        term = Term.objects.select_for_update(no_key=True).get(pk=term_id)
        if village_ids is not None and len(village_ids) <= MAX_INCREMENTAL_VILLAGES:
            written = _recompute_villages(term, set(village_ids))
            if written is not None:
                return written
        now = timezone.now()
        old_rows = CompositionSnapshot.objects.filter(term=term)
        # Counted and written a county at a time (composition.counting): memory stays
        # bounded by the largest county, whatever the number of villages.
        if connection.vendor != "postgresql":  # bulk_create takes the stored form
            deleted, _ = old_rows.delete()
            written = 0
            for batch in counting.scopes(term):
                _insert(term, batch, now)
                written += len(batch)
        elif outermost:
            # Read on a second connection, written by one COPY that pulls each county
            # as it is counted: the database stores a county while Python counts the next.
            # The reader sorts the seats and counts the first county while this connection
            # deletes the old rows.
            with (
                counting.reading_connection() as reader,
                _first_ahead(counting.flat_scopes(term, batch=1, using=reader), reader) as rows,
            ):
                deleted, _ = old_rows.delete()
                written = _insert_counted(term, rows, now)
        else:  # inside a caller's transaction: read what it sees, COPY between reads
            deleted, _ = old_rows.delete()
            written = 0
            for batch in counting.flat_scopes(term):
                _insert(term, batch, now)
                written += len(batch)
        _coverage_after_commit(term.pk, None)  # every county
        if connection.vendor == "postgresql" and written != deleted:
            # A term's rows were replaced by a different number of them (the first
            # recompute, villages added or merged): refresh the planner's statistics so that
            # the incremental path's lookups use the unique index at once. The same scopes
            # again leave the statistics as true as they were. The columns lookups filter on
            # only: no statistics of the counters (jsonb), which nothing filters on.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"ANALYZE {CompositionSnapshot._meta.db_table} "
                    "(term_id, scope_kind, scope_code, metric, parent_code, county_id, township_id)"
                )
        return written


def _recompute_villages(term, village_ids: set) -> int | None:
    """The incremental path; None when it cannot apply (nothing stored yet)."""
    tree, by_village = selectors.village_scopes(term, village_ids)
    if not by_village:
        return 0
    touched: dict[tuple[str, str], selectors.Scope] = {}
    chains = {}
    for village_id in by_village:
        chain = []
        for kind, key in tree.ancestors(village_id):
            scope = tree.scope(kind, key)
            touched[(scope.kind, scope.code)] = scope
            chain.append((scope.kind, scope.code))
        chains[village_id] = chain
    condition = Q()
    for kind, code in touched:
        condition |= Q(scope_kind=kind, scope_code=code)  # the unique index's columns
    stored = {
        (row.scope_kind, row.scope_code): row.value
        for row in CompositionSnapshot.objects.filter(
            condition, term=term, metric=Metric.COUNTERS
        ).only("scope_kind", "scope_code", "value")
    }
    if any(key not in stored for key in touched if key[0] != ScopeKind.VILLAGE):
        return None
    result = {key: figures.empty() for key in touched}
    for key in touched:
        if key[0] != ScopeKind.VILLAGE:
            figures.add(result[key], stored[key])
    for village_id, counters in by_village.items():
        village_key, *above = chains[village_id]
        old = stored.get(village_key)
        figures.add(result[village_key], counters)
        for key in above:
            figures.add(result[key], counters)
            if old is not None:
                figures.add(result[key], old, sign=-1)
    now = timezone.now()
    CompositionSnapshot.objects.filter(condition, term=term).delete()
    _insert(term, [(scope, result[key]) for key, scope in touched.items()], now)
    _coverage_after_commit(
        term.pk, {scope.county_id for scope in touched.values() if scope.kind == ScopeKind.COUNTY}
    )
    return len(touched)


def _coverage_after_commit(term_id: int, county_ids) -> None:
    """Seats changed: after the commit, queue a refresh of the stored training coverage of
    the counties the recompute touched (None: every county of the term)."""
    from . import coverage

    transaction.on_commit(lambda: coverage.request_refresh(term_id, county_ids), robust=True)


@contextlib.contextmanager
def _first_ahead(batches: Iterator, reader):
    """`batches` (a generator reading through `reader` only), its first item made in a
    thread while the caller works on its own connection; the rest made as it is pulled."""
    reader.inc_thread_sharing()
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            first = pool.submit(next, batches, None)

            def rows():
                head = first.result()
                if head is not None:
                    yield head
                    yield from batches

            yield rows()
            first.result()  # the thread is done before the reader is closed
    finally:
        reader.dec_thread_sharing()


def _insert_counted(term, batches, now) -> int:
    """`_insert` every row of `batches` (lists of rows) in one COPY; the number of rows."""
    written = 0

    def rows():
        nonlocal written
        for batch in batches:
            written += len(batch)
            yield from batch

    _insert(term, rows(), now)
    return written


SNAPSHOT_FIELDS = (
    "scope_kind",
    "scope_code",
    "scope_name",
    "parent_code",
    "county_id",
    "township_id",
    "value",
)


def _insert(term, items, now) -> None:
    """Insert one snapshot row per (Scope, packed counters) of `items` (any iterable,
    consumed as it goes) with core.bulk's COPY writer: hundreds of thousands of rows at
    nation scale. The counters go in as `_counters_json` writes them."""
    copy_rows(
        CompositionSnapshot,
        SNAPSHOT_FIELDS,
        (
            (
                scope.kind,
                scope.code,
                scope.name[:50],
                scope.parent_code,
                scope.county_id,
                scope.township_id,
                counters,
            )
            for scope, counters in items
        ),
        constants={"term_id": term.pk, "metric": Metric.COUNTERS.value, "computed_at": now},
        renderers={"value": _counters_json},
    )


def _counters_json(counters) -> str:
    """The packed counters as JSON text (integers only: no escaping needed); the same
    document `json.dumps` gives, written without its per-value dispatch. `counters`: a
    dict ({side: {pop: list}}), or the full recompute's flat tuple (`counting.flatten`
    order), written with one %-format."""
    if isinstance(counters, tuple):
        return counting.FLAT_JSON % counters
    sides = []
    for side, pops in counters.items():
        lists = ",".join(f'"{pop}":[{",".join(map(str, values))}]' for pop, values in pops.items())
        sides.append(f'"{side}":{{{lists}}}')
    return "{" + ",".join(sides) + "}"


def _terms_affected(term_ids) -> list[int]:
    """The terms whose figures change: those terms, and the term after each (its
    `previous` figures read them)."""
    years = dict(Term.objects.values_list("pk", "year"))
    ordered = sorted(years, key=years.get)
    out = set()
    for term_id in term_ids:
        if term_id in years:
            out.add(term_id)
            index = ordered.index(term_id)
            if index + 1 < len(ordered):
                out.add(ordered[index + 1])
    return sorted(out)


def composition_request_recompute(*, term_ids, village_ids=None) -> list[int]:
    """Record that `term_ids` need recomputing (only `village_ids`, if given) and queue one
    task per term unless one is already waiting; returns the term ids queued.

    Call it after the change has committed (the receivers use `transaction.on_commit`).
    """
    from .tasks import recompute_term_task

    queued = []
    for term_id in _terms_affected(term_ids):
        ids = sorted(set(village_ids)) if village_ids is not None else None
        if ids is not None and len(ids) > MAX_INCREMENTAL_VILLAGES:
            ids = None
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    now = timezone.now()
                    request = (
                        RecomputeRequest.objects.select_for_update().filter(term_id=term_id).first()
                    )
                    if request is None:
                        request = RecomputeRequest(term_id=term_id, village_ids=ids)
                        queue = True
                    else:
                        if request.village_ids is None or ids is None:
                            request.village_ids = None
                        else:
                            merged = sorted(set(request.village_ids) | set(ids))
                            too_many = len(merged) > MAX_INCREMENTAL_VILLAGES
                            request.village_ids = None if too_many else merged
                        bump_version(request)
                        queue = request.queued_at is None or request.queued_at < now - STALE_AFTER
                    request.requested_at = now
                    if queue:
                        request.queued_at = now
                    request.full_clean(exclude=["term"])
                    request.save()
                    if queue:
                        # robust: with the broker down the change still commits and the
                        # pending row stays; composition_requeue_pending picks it up later.
                        transaction.on_commit(
                            lambda t=term_id: recompute_term_task.apply_async(
                                args=[t], countdown=coalesce_seconds()
                            ),
                            robust=True,
                        )
                        queued.append(term_id)
                break
            except IntegrityError:
                continue  # Created by someone else meanwhile: update theirs.
    return queued


class _OutboxBatch:
    """What this thread has put in its transaction's outbox row, to extend it in place."""

    __slots__ = ("token", "whole", "villages")

    def __init__(self):
        self.token = uuid.uuid4().hex
        self.whole: set[int] = set()
        self.villages: dict[int, set[int]] = {}

    def add(self, term_ids, village_ids) -> None:
        for term_id in term_ids:
            if village_ids is None:
                self.whole.add(term_id)
            else:
                self.villages.setdefault(term_id, set()).update(village_ids)

    def columns(self) -> dict:
        return {
            "whole": sorted(self.whole),
            "villages": {
                str(term_id): sorted(ids)
                for term_id, ids in sorted(self.villages.items())
                if term_id not in self.whole
            },
        }


_outbox = threading.local()


def recompute_outbox_add(*, term_ids, village_ids=None) -> None:
    """Record, inside the current transaction, that `term_ids` (only `village_ids`, if
    given) need recomputing: every change of one transaction extends one outbox row, which
    commits or rolls back with the change and becomes requests after the commit."""
    batch = getattr(_outbox, "batch", None)
    if batch is not None:
        batch.add(term_ids, village_ids)
        if RecomputeOutbox.objects.filter(token=batch.token).update(**batch.columns()):
            return
    # No row of this thread in this transaction: the first change, or the last row was
    # rolled back or already flushed. Start a new one.
    batch = _outbox.batch = _OutboxBatch()
    batch.add(term_ids, village_ids)
    RecomputeOutbox.objects.create(token=batch.token, **batch.columns())
    transaction.on_commit(lambda: recompute_outbox_flush(token=batch.token), robust=True)


def recompute_outbox_flush(*, token: str | None = None, older_than=None) -> int:
    """Turn committed outbox rows into recompute requests, one per term; returns how many
    rows. `token`: that row only (after its commit); `older_than`: rows left behind."""
    batch = getattr(_outbox, "batch", None)
    if token is not None and batch is not None and batch.token == token:
        _outbox.batch = None
    rows = RecomputeOutbox.objects.order_by("pk")
    if token is not None:
        rows = rows.filter(token=token)
    if older_than is not None:
        rows = rows.filter(created_at__lt=timezone.now() - older_than)
    flushed = 0
    for row in rows:
        # Whoever deletes the row requests its recomputes (a sweep may race the commit hook).
        if not RecomputeOutbox.objects.filter(pk=row.pk).delete()[0]:
            continue
        flushed += 1
        for term_id in row.whole:
            composition_request_recompute(term_ids={term_id}, village_ids=None)
        for term_id, village_ids in row.villages.items():
            composition_request_recompute(term_ids={int(term_id)}, village_ids=village_ids)
    return flushed


def composition_requeue_pending(*, older_than: dt.timedelta = REQUEUE_AFTER) -> list[int]:
    """Queue again every pending recompute whose task should have run by now (its queueing
    failed while the broker was down, or its worker died); returns the term ids queued.
    A duplicate run is harmless: the task recomputes from the database."""
    from .tasks import recompute_term_task

    recompute_outbox_flush(older_than=older_than)
    cutoff = timezone.now() - older_than
    stale = RecomputeRequest.objects.filter(Q(queued_at__isnull=True) | Q(queued_at__lt=cutoff))
    term_ids = list(stale.values_list("term_id", flat=True))
    for term_id in term_ids:
        recompute_term_task.apply_async(args=[term_id])
        RecomputeRequest.objects.filter(term_id=term_id).update(queued_at=timezone.now())
    return term_ids


def coalesce_seconds() -> float:
    return getattr(settings, "COMPOSITION_COALESCE_SECONDS", COALESCE_SECONDS)


def composition_run_pending(*, term_id: int, full: bool = False) -> bool:
    """Run the pending recompute of a term; True when another change arrived meanwhile
    (the caller queues the task again). Safe to run twice: a rerun recomputes again."""
    request = RecomputeRequest.objects.filter(term_id=term_id).first()
    if not Term.objects.filter(pk=term_id).exists():
        RecomputeRequest.objects.filter(term_id=term_id).delete()
        return False
    village_ids = None if (full or request is None) else request.village_ids
    composition_recompute(term_id=term_id, village_ids=village_ids)
    if request is None:
        return False
    with transaction.atomic():
        deleted, _rows = RecomputeRequest.objects.filter(
            term_id=term_id, version=request.version
        ).delete()
        if deleted:
            return False
        return RecomputeRequest.objects.filter(term_id=term_id).update(queued_at=timezone.now()) > 0
