"""Dashboard fragments rendered once and kept in Django's cache (issue 18, fifty users).

A dashboard's body — targets, headline figures, the training coverage card, the chart data —
is a function of the snapshot row on screen, the term, the training data and the language.
The coverage card is read from its stored row (`composition.coverage`, one query; counted
live, two grouped queries over the scope's seats and check-ins, only when no row is
stored); the rest is the figures derived from the stored counters and their templates. The body is cached under a key made of everything it
is computed from, so a changed figure is a new key and never a stale page:

* the snapshot row (its id and `computed_at`): every recompute that touches the scope
  rewrites the row, and seats change only through services that queue a recompute;
* the term (`updated_at`: its reference date, hence the coverage window);
* a training version, bumped after the commit of any change to an enrolment or a session
  (`composition.receivers`) and again once the stored coverage is refreshed
  (`composition.coverage`), so a check-in shows on the next view after its refresh;
* the language.

With a cache shared by the web processes (Redis, `CACHE_URL`) that is exact. With a
per-process cache (local memory, the development default) another process's bump is not
seen: there `FRAGMENT_SECONDS` bounds how long a card may lag a check-in.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from training import selectors as training_selectors

from . import coverage
from .choices import ScopeKind

FRAGMENT_SECONDS = 600
TRAINING_VERSION_KEY = "composition:training-version"
COVERAGE_SCOPES = {ScopeKind.COUNTY, ScopeKind.TOWNSHIP}

logger = logging.getLogger(__name__)


def training_version() -> int:
    """The current training version; a fresh one (never used before: the clock in
    nanoseconds) if the cache lost it, so that no old fragment can match."""
    version = cache.get(TRAINING_VERSION_KEY)
    if version is None:
        cache.add(TRAINING_VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(TRAINING_VERSION_KEY)
    return version


def training_changed() -> None:
    """Retire every cached fragment that shows training data (call after the commit)."""
    try:
        try:
            cache.incr(TRAINING_VERSION_KEY)
        except ValueError:  # Not in the cache: the next read starts a fresh version.
            cache.add(TRAINING_VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:  # After the commit: the change stands; entries expire on their own.
        logger.error("dashboard cache unavailable: training version not bumped", exc_info=True)


def fragment_key(name: str, term, row) -> str:
    return (
        f"composition:{name}:{row.scope_kind}:{row.scope_code}:{term.pk}:"
        f"{term.updated_at.isoformat()}:{row.pk}:{row.computed_at.isoformat()}:"
        f"{training_version()}:{get_language()}"
    )


def reader_scope(user) -> str:
    """What of a fragment depends on its reader: the rows below a scope they may see (a
    table's children are read `for_user`), by role and the reader's county and township."""
    return f"{user.role}:{user.county_id}:{user.township_id}:{int(user.is_superuser)}"


def cached_fragment(name: str, term, row, render: Callable[[], str], reader: str = "") -> str:
    """`render()` (HTML from an autoescaped template) for this scope's figures, from the
    cache when nothing it depends on has changed.

    The row was read for the user (`selectors.scope_row`), and what is rendered counts the
    whole scope: the same for everyone who may see the row, hence one entry per scope —
    unless what is rendered also reads rows for the user (a table of the scopes below):
    then `reader` (`reader_scope`) is part of the key.
    """
    try:
        key = fragment_key(name, term, row) + (f":{reader}" if reader else "")
        html = cache.get(key)
    except Exception:  # The cache is down: slower, not broken.
        logger.warning("dashboard cache unavailable", exc_info=True)
        return mark_safe(str(render()))
    if html is None:
        html = str(render())
        try:
            cache.set(key, html, FRAGMENT_SECONDS)
        except Exception:
            logger.warning("dashboard cache unavailable", exc_info=True)
    return mark_safe(html)  # Rendered by `render` from an autoescaped template.


def coverage_card(term, row) -> str:
    """The training coverage card of the scope of `row` (a county or a township; "" for
    other scopes), counted for the whole scope: from its stored row, live when none is."""
    if row.scope_kind not in COVERAGE_SCOPES:
        return ""
    report = coverage.stored_report(term, row)
    if report is None:
        report = training_selectors.induction_coverage(
            term, county=row.county, township=row.township
        )
    return render_to_string("training/_coverage_summary.html", {"coverage": report})
