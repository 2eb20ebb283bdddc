"""The training coverage card that dashboards of other apps show."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("training/_coverage_summary.html", takes_context=True)
def training_coverage_summary(
    context, term, county=None, township=None, days=selectors.DEFAULT_COVERAGE_DAYS
):
    """`{% training_coverage_summary term county=… township=… %}`: the coverage card of a
    county or a township (a dashboard's scope), within the current user's scope."""
    request = context.get("request")
    user = getattr(request, "user", None)
    coverage = None
    if term:
        coverage = selectors.induction_coverage(
            term, user=user, county=county, township=township, days=days
        )
    return {"coverage": coverage, "request": request, "user": user}
