"""Demo: compute the composition figures of the demo terms once elections has seated people
(this app's demo runs last)."""

from . import coverage
from .models import RecomputeRequest
from .services import composition_recompute


def build(ctx):
    terms = sorted(getattr(ctx, "terms", {}).values(), key=lambda term: term.year)
    for term in terms:
        scopes = composition_recompute(term_id=term.pk)
        ctx.stdout.write(f"结构统计：{term.year} 年届 {scopes} 个范围已计算")
        # The dashboards' coverage cards, stored now (the recompute's refresh is queued
        # after the demo's commit: with a broker, a worker would fill them later).
        coverage.refresh_term(term.pk)
    # Everything is fresh now; requests queued while the demo seated people are moot.
    RecomputeRequest.objects.filter(term__in=terms).delete()
