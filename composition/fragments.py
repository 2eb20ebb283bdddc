"""Dashboard fragments that are costly to build, rendered once and kept in Django's cache.

The training coverage card counts a county's seats and induction check-ins (two grouped
queries, 100-200 ms at province scale): the dashboard shows it from the cache, keyed by
everything it is computed from, so a changed figure is a new key and never a stale card:

* the snapshot row on screen (its id and `computed_at`): every recompute that touches the
  scope rewrites the row, and seats change only through services that queue a recompute;
* the term (`updated_at`: reference date, hence the coverage window);
* a training version, bumped after the commit of any change to an enrolment or a session
  (`composition.receivers`), so a check-in shows on the next view;
* the language.

With a cache shared by the web processes (Redis, `CACHE_URL`) that is exact. With a
per-process cache (local memory, the default for development) another process's bump is not
seen: there `FRAGMENT_SECONDS` bounds how long a card may lag a check-in.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from training import selectors as training_selectors

from .choices import ScopeKind

FRAGMENT_SECONDS = 600
TRAINING_VERSION_KEY = "composition:training-version"
COVERAGE_SCOPES = {ScopeKind.COUNTY, ScopeKind.TOWNSHIP}


def training_version() -> int:
    """The current training version; a fresh one (never used before: the clock in
    nanoseconds) if the cache lost it, so that no old card can match."""
    version = cache.get(TRAINING_VERSION_KEY)
    if version is None:
        cache.add(TRAINING_VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(TRAINING_VERSION_KEY)
    return version


def training_changed() -> None:
    """Retire every cached coverage card (call after the change has committed)."""
    try:
        cache.incr(TRAINING_VERSION_KEY)
    except ValueError:  # Not in the cache: the next read starts a fresh version.
        cache.add(TRAINING_VERSION_KEY, time.time_ns(), timeout=None)


def coverage_card_key(term, row) -> str:
    computed = row.computed_at.isoformat()
    return (
        f"composition:coverage:{row.scope_kind}:{row.scope_code}:{term.pk}:"
        f"{term.updated_at.isoformat()}:{row.pk}:{computed}:{training_version()}:"
        f"{get_language()}"
    )


def coverage_card(term, row) -> str:
    """The rendered training coverage card of the scope of `row` (a county or a township;
    "" for other scopes), from the cache when nothing it depends on has changed.

    The row was read for the user (`selectors.scope_row`), so the card counts the whole
    scope: the same for everyone who may see the row, hence one cache entry per scope.
    """
    if row.scope_kind not in COVERAGE_SCOPES:
        return ""
    key = coverage_card_key(term, row)
    html = cache.get(key)
    if html is None:
        coverage = training_selectors.induction_coverage(
            term, county=row.county, township=row.township
        )
        html = render_to_string("training/_coverage_summary.html", {"coverage": coverage})
        cache.set(key, html, FRAGMENT_SECONDS)
    return mark_safe(html)  # Rendered by this module from an autoescaped template.
