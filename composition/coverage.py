"""The stored training coverage of each county and township (issue 17 §4).

The dashboard's coverage card used to be counted on every cold view
(`training.selectors.induction_coverage`: two grouped queries over the scope's seats and
induction check-ins, 120-550 ms at province scale). It is now counted once per change and
stored (`TrainingCoverage`, one row per term and county or township); the card reads the row
(`stored_report`) and is counted live only when there is none, or when the term's reference
date has changed since (the window moved).

What keeps the rows current, a county at a time (`refresh_county`: one `induction_coverage`
of the county gives its own card and every township's):

* a composition recompute of a term (seats changed): after its commit, the counties it
  touched (`services.composition_recompute`; every county on a full recompute, hence also
  nightly);
* a change to an enrolment or a session (`receivers`): after the commit, the counties where
  the people concerned hold a current seat, in each term;
* `manage.py composition_coverage` (existing data) and the demo, synchronously.

Each refresh runs as a Celery task (`tasks.refresh_coverage_task`, eager without a broker),
coalesced: a county already waiting is not queued twice (`PENDING_KEY` in the cache). After
writing, the task retires the cached dashboard bodies (the training version,
`fragments.training_changed`), so a page cached in the meantime is not kept. A refresh that
started before the stored one is not written (the newer count stands).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from core import policy
from elections.models import Seat
from registry.models import County, Term, Township
from training import selectors as training_selectors
from training.services import TWO_COMMITTEES

from .choices import Metric, ScopeKind
from .models import CompositionSnapshot, TrainingCoverage

logger = logging.getLogger(__name__)

COVERAGE_SCOPES = {ScopeKind.COUNTY, ScopeKind.TOWNSHIP}
PENDING_KEY = "composition:coverage-pending:{term_id}:{county_id}"
# A queued refresh that has not started after this long (its message was lost) no longer
# stops the next change from queueing one.
PENDING_SECONDS = 300
CHUNK = 1000


# --- reading -------------------------------------------------------------------------------


def stored_report(term, row) -> training_selectors.CoverageReport | None:
    """The coverage of the scope of `row` (a snapshot row: county or township) as stored, the
    object `induction_coverage` returns; None when nothing valid is stored (one query)."""
    stored = TrainingCoverage.objects.filter(
        term=term, scope_kind=row.scope_kind, scope_code=row.scope_code
    ).first()
    if (
        stored is None
        or stored.reference_date != term.reference_date
        or stored.days != training_selectors.DEFAULT_COVERAGE_DAYS
    ):
        return None
    return report_of(term, stored)


def report_of(term, stored: TrainingCoverage) -> training_selectors.CoverageReport:
    """The `CoverageReport` of a stored row, field for field as `induction_coverage` gives."""
    return training_selectors.CoverageReport(
        term=term,
        days=stored.days,
        window_start=stored.reference_date,
        window_end=stored.reference_date + dt.timedelta(days=stored.days),
        rows=[training_selectors.CoverageRow(*line) for line in stored.rows],
        total=training_selectors.CoverageRow(
            None, stored.name, stored.members, stored.newcomers, stored.completed
        ),
    )


def scope_report(term, *, user, days: int) -> training_selectors.CoverageReport | None:
    """The coverage page's table for everything `user` sees, from the stored rows of its
    counties: the townships' lines of each county, and the counties' totals added up (a
    member seated in two counties counts in each; the live count counts them once). Counties
    without a valid stored row are counted live, together. None — count the whole scope
    live — when the window is not the stored one, when `user` sees part of a county only (a
    township official, a liaison leader), or when nothing is stored.

    A province's administrator: 1.0-1.3 s counted live (a distinct count of 150,000
    members grouped by 1,460 townships); two queries here (a county's organizer: one)."""
    if days != training_selectors.DEFAULT_COVERAGE_DAYS:
        return None
    scope = policy.scope_filter(user, county_lookup="pk", township_lookup=None)
    if scope is None or (scope is not policy.ALL and set(scope) != {"pk"}):
        return None
    stored = TrainingCoverage.objects.filter(
        term=term, scope_kind=ScopeKind.COUNTY, reference_date=term.reference_date, days=days
    ).order_by("scope_code")
    if scope is not policy.ALL:
        stored = stored.filter(county_id=scope["pk"])
    stored = list(stored)
    if not stored:
        return None
    # (county code, position, line): each county's lines are in township code order.
    lines = [
        (row.scope_code, index, training_selectors.CoverageRow(*line))
        for row in stored
        for index, line in enumerate(row.rows)
    ]
    totals = list(stored)
    if scope is policy.ALL:
        missing = dict(
            County.objects.exclude(pk__in=[row.county_id for row in stored]).values_list(
                "pk", "code"
            )
        )
        if missing:
            live = training_selectors.induction_coverage(term, counties=list(missing), days=days)
            county_of = dict(
                Township.objects.filter(pk__in=[line.township_id for line in live.rows])
                .values_list("pk", "county__code")
            )  # fmt: skip
            lines += [
                (county_of[line.township_id], index, line) for index, line in enumerate(live.rows)
            ]
            totals.append(live.total)
    lines.sort(key=lambda item: item[:2])
    return training_selectors.CoverageReport(
        term=term,
        days=days,
        window_start=term.reference_date,
        window_end=term.reference_date + dt.timedelta(days=days),
        rows=[line for _code, _index, line in lines],
        total=training_selectors.CoverageRow(
            None,
            gettext("合计") if scope is policy.ALL else stored[0].name,
            sum(total.members for total in totals),
            sum(total.newcomers for total in totals),
            sum(total.completed for total in totals),
        ),
    )


# --- writing -------------------------------------------------------------------------------


def refresh_county(term_id: int, county_id: int) -> int:
    """Count the coverage of a county and of each of its townships in a term and store it;
    the number of rows written (0 when a newer count is stored, or the term or the county is
    gone). Two queries to count, whatever the number of townships."""
    started = timezone.now()
    term = Term.objects.filter(pk=term_id).first()
    county = County.objects.filter(pk=county_id).first()
    if term is None or county is None:
        return 0
    days = training_selectors.DEFAULT_COVERAGE_DAYS
    report = training_selectors.induction_coverage(term, county=county, days=days)
    lines = {line.township_id: line for line in report.rows}
    common = {
        "term_id": term.pk,
        "county_id": county.pk,
        "reference_date": term.reference_date,
        "days": days,
        "computed_at": started,
    }
    items = [
        TrainingCoverage(
            scope_kind=ScopeKind.COUNTY,
            scope_code=county.code,
            township_id=None,
            name=report.total.name,
            members=report.total.members,
            newcomers=report.total.newcomers,
            completed=report.total.completed,
            rows=[_line(line) for line in report.rows],
            **common,
        )
    ]
    # A township's card is its line of the county's table (the same distinct count of the
    # same seats); a township without members shows an empty table and 0 / 0.
    for township in Township.objects.filter(county=county).only("pk", "code", "name"):
        line = lines.get(township.pk)
        items.append(
            TrainingCoverage(
                scope_kind=ScopeKind.TOWNSHIP,
                scope_code=township.code,
                township_id=township.pk,
                name=str(township),
                members=line.members if line else 0,
                newcomers=line.newcomers if line else 0,
                completed=line.completed if line else 0,
                rows=[_line(line)] if line else [],
                **common,
            )
        )
    for _attempt in range(2):
        try:
            written = _store(term, county, items, started)
            break
        except IntegrityError:  # Another refresh inserted meanwhile: compare with theirs.
            continue
    else:
        return 0
    if written:
        from . import fragments

        transaction.on_commit(fragments.training_changed)
    return written


def _line(line) -> list:
    return [line.township_id, line.name, line.members, line.newcomers, line.completed]


def _store(term, county, items, started) -> int:
    codes = [item.scope_code for item in items]
    with transaction.atomic():
        current = (
            TrainingCoverage.objects.select_for_update()
            .filter(term=term, scope_kind=ScopeKind.COUNTY, scope_code=county.code)
            .values_list("computed_at", flat=True)
            .first()
        )
        if current is not None and current > started:
            return 0  # A refresh that started later (it read newer data) stored already.
        TrainingCoverage.objects.filter(
            Q(county_id=county.pk) | Q(scope_code__in=codes), term=term
        ).delete()
        TrainingCoverage.objects.bulk_create(items)
    return len(items)


def term_counties(term_id: int) -> list[int]:
    """The counties of a term's stored figures."""
    return sorted(
        CompositionSnapshot.objects.filter(
            term_id=term_id, metric=Metric.COUNTERS, scope_kind=ScopeKind.COUNTY
        )
        .exclude(county_id=None)
        .values_list("county_id", flat=True)
    )


def refresh_term(term_id: int) -> int:
    """Every county of a term, now (the fill command, the demo); rows written."""
    return sum(refresh_county(term_id, county_id) for county_id in term_counties(term_id))


# --- queueing ------------------------------------------------------------------------------


def request_refresh(term_id: int, county_ids=None) -> list[int]:
    """Queue a refresh of the counties (every county of the term's figures if None) unless
    one is waiting already; the county ids queued. Call after the commit."""
    from .services import coalesce_seconds
    from .tasks import refresh_coverage_task

    if county_ids is None:
        county_ids = term_counties(term_id)
    queued = []
    for county_id in sorted(set(county_ids) - {None}):
        key = PENDING_KEY.format(term_id=term_id, county_id=county_id)
        try:
            if not cache.add(key, 1, PENDING_SECONDS):
                continue  # Queued and not started: it will read this change too.
        except Exception:  # The cache is down: queue without coalescing.
            logger.warning("dashboard cache unavailable", exc_info=True)
        try:
            refresh_coverage_task.apply_async(
                args=[term_id, county_id], countdown=coalesce_seconds()
            )
        except Exception:
            # The broker is down: the stored card stays as it was until the next change
            # to the county or the nightly recompute.
            logger.error("coverage refresh not queued", exc_info=True)
            _forget(key)
            continue
        queued.append(county_id)
    return queued


def run_queued(term_id: int, county_id: int) -> int:
    """The task's body: a change from now on queues another refresh; this one reads it."""
    _forget(PENDING_KEY.format(term_id=term_id, county_id=county_id))
    return refresh_county(term_id, county_id)


def _forget(key: str) -> None:
    try:
        cache.delete(key)
    except Exception:
        logger.warning("dashboard cache unavailable", exc_info=True)


def people_changed(person_ids) -> dict[int, set[int]]:
    """After the commit of a change to these people's training: queue a refresh of the
    counties where they hold a current seat, in each term; {term id: county ids}."""
    person_ids = sorted(set(person_ids) - {None})
    counties: dict[int, set[int]] = {}
    for start in range(0, len(person_ids), CHUNK):
        pairs = (
            Seat.objects.current()
            .filter(person_id__in=person_ids[start : start + CHUNK], body__in=TWO_COMMITTEES)
            .values_list("term_id", "village__township__county_id")
            .distinct()
        )
        for term_id, county_id in pairs:
            counties.setdefault(term_id, set()).add(county_id)
    for term_id, ids in sorted(counties.items()):
        request_refresh(term_id, ids)
    return counties


_pending = threading.local()


def note_training_change(person_ids) -> None:
    """Record, inside the current transaction, that these people's training changed: one
    refresh request after the commit, however many enrolments the transaction wrote (a
    demo, a session's check-ins): the first callback to run takes every person noted so
    far, the others find nothing left. At once outside a transaction."""
    person_ids = set(person_ids) - {None}
    if not person_ids:
        return
    if not transaction.get_connection().in_atomic_block:
        people_changed(person_ids)
        return
    if not hasattr(_pending, "people"):
        _pending.people = set()
    _pending.people |= person_ids
    transaction.on_commit(_flush, robust=True)


def _flush() -> None:
    people, _pending.people = getattr(_pending, "people", set()), set()
    if people:
        # People noted in a transaction that rolled back come along: a refresh too many.
        people_changed(people)
