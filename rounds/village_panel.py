"""The round's panel on the village page: its plan, problems and timeline."""

from django.utils import timezone

from .choices import StepStatus
from .models import Problem, Round, StepRecord, VisitLog
from .selectors import board


def context(user, village):
    """The village's steps in the latest round of its county, its open problems and the
    latest events; None (no panel) when its county runs no round."""
    round_ = (
        Round.objects.filter(county_id=village.township.county_id)
        .select_related("term")
        .order_by("-term__year")
        .first()
    )
    if round_ is None:
        return None
    result = board(round_, user=user, village=village)
    row = next(iter(result.rows), None)
    if row is None:
        return None
    problems = list(Problem.objects.filter(village=village).order_by("state", "deadline")[:10])
    timeline = sorted(
        [
            (record.done_on, record.step.label, record.done_by)
            for record in StepRecord.objects.filter(
                village=village, step__round=round_
            ).select_related("step")
        ]
        + [
            (visit.visited_on, str(visit._meta.verbose_name), visit.visitors)
            for visit in VisitLog.objects.filter(village=village)[:10]
        ],
        reverse=True,
    )[:15]
    return {
        "round": round_,
        "row": row,
        "problems": problems,
        "timeline": timeline,
        "today": timezone.localdate(),
        "statuses": StepStatus.choices,
    }
