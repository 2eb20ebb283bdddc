"""The county's coverage page: induction within N days, outstanding members, hours by topic."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views import View

from composition.coverage import scope_report
from core.permissions import RoleRequiredMixin
from registry.models import Term

from .. import selectors
from ..forms import CoverageForm
from ..models import Enrolment


def coverage_params(request):
    """(term, days) from ?term=<year>&days=<n>; the term in force and 30 days by default."""
    form = CoverageForm(request.GET or None)
    term, days = None, selectors.DEFAULT_COVERAGE_DAYS
    if form.is_bound and form.is_valid():
        term = form.cleaned_data["term"]
        if form.cleaned_data["days"] is not None:
            days = form.cleaned_data["days"]
    if term is None:
        term = Term.objects.in_force()
    if not form.is_bound:
        form = CoverageForm(initial={"term": term.year if term else None, "days": days})
    return form, term, days


class CoverageView(RoleRequiredMixin, View):
    def get(self, request):
        form, term, days = coverage_params(request)
        context = {"form": form, "term": term, "days": days}
        if term is not None:
            context["coverage"] = scope_report(
                term, user=request.user, days=days
            ) or selectors.induction_coverage(term, user=request.user, days=days)
            outstanding = selectors.induction_outstanding(term, user=request.user, days=days)
            context["outstanding"] = Paginator(outstanding, 100).get_page(request.GET.get("page"))
            enrolments = Enrolment.objects.for_user(request.user).filter(
                session__starts_on__gte=term.reference_date
            )
            if term.ends_on:
                enrolments = enrolments.filter(session__starts_on__lte=term.ends_on)
            context["by_topic"] = selectors.hours_by_topic(enrolments)
        return render(request, "training/coverage.html", context)
