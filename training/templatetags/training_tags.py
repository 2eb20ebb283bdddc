"""Template tags that let other apps' pages show training data (person page, dashboards)."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def training_record_for(context, person):
    """The person's training record as the current user may see it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return selectors.training_record(person, user=user)


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


@register.simple_tag(takes_context=True)
def training_village_coverage(context, village, days=selectors.DEFAULT_COVERAGE_DAYS):
    """Induction coverage of the village's members in the latest term (None without one)."""
    from registry.models import Term

    term = Term.objects.latest_first().first()
    if term is None:
        return None
    request = context.get("request")
    user = getattr(request, "user", None)
    return selectors.induction_coverage(term, user=user, village=village, days=days)
