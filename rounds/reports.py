"""The daily report and weekly dispatch (日报告、周调度): built from the board of the day and
the board of the day (or week) before, stored as built and never changed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core import policy

from . import selectors
from .choices import STATUS_LABELS_KEYS, ReportKind, StepStatus
from .models import Problem, Report, Round, VillageTeam


def _first_open_step(row) -> str | None:
    for step, status, _window in row.cells:
        if status not in (StepStatus.DONE, StepStatus.NOT_APPLICABLE):
            return step.code
    return None


def _step_counts(steps, rows) -> list:
    counts = [
        {"code": step.code, "label": step.label, **{s: 0 for s in STATUS_LABELS_KEYS}}
        for step in steps
    ]
    for row in rows:
        for entry, (_step, status, _window) in zip(counts, row.cells, strict=True):
            entry[status] += 1
    return counts


def _done_before(steps, before_rows, ids) -> dict:
    """Villages done on each of today's steps a week before (a step the plan had not yet
    added then: 0)."""
    done = {step.code: 0 for step in steps}
    for row in before_rows:
        if row.village.pk in ids:
            for step, status, _window in row.cells:
                if step.code in done:
                    done[step.code] += status == StepStatus.DONE
    return done


def _content(rows, before_rows, board, kind, day, problems, cadres) -> dict:
    before = {row.village.pk: row for row in before_rows}
    moved, overdue, stuck = [], [], []
    for row in rows:
        previous = before.get(row.village.pk)
        village = {
            "code": row.village.code,
            "name": row.village.name,
            "township": row.village.township.name,
        }
        # The day before's plan may have had other steps (added or dropped since): match by
        # code.
        earlier = previous.statuses if previous else {}
        for step, status, window in row.cells:
            old = earlier.get(step.code)
            if old is not None and old != status and status == StepStatus.DONE:
                moved.append({**village, "step": step.label, "from": old, "to": status})
            if status == StepStatus.OVERDUE:
                overdue.append(
                    {
                        **village,
                        "step": step.label,
                        "days": (day - window[1]).days,
                        "leaders": row.leaders,
                        "cadre": cadres.get(row.village.pk, ""),
                    }
                )
        if kind == ReportKind.WEEKLY and previous is not None:
            code = _first_open_step(row)
            if code is not None and code == _first_open_step(previous):
                label = next(step.label for step, _s, _w in row.cells if step.code == code)
                stuck.append({**village, "step": label})
    ids = {row.village.pk for row in rows}
    return {
        "steps": _step_counts(board.steps, rows),
        "done_a_week_before": _done_before(board.steps, before_rows, ids)
        if kind == ReportKind.WEEKLY
        else None,
        "moved": moved,
        "overdue": sorted(overdue, key=lambda item: -item["days"]),
        "stuck": stuck,
        "problems": problems(ids),
        "villages": len(rows),
    }


def _problem_ages(day):
    def count(ids) -> dict:
        rows = list(
            Problem.objects.filter(village_id__in=ids).open().values_list("reported_on", "deadline")
        )
        return {
            "open": len(rows),
            "overdue": sum(1 for _r, deadline in rows if deadline < day),
            "week": sum(1 for reported, _d in rows if (day - reported).days <= 7),
            "month": sum(1 for reported, _d in rows if 7 < (day - reported).days <= 30),
            "older": sum(1 for reported, _d in rows if (day - reported).days > 30),
        }

    return count


@policy.requires_actor
@transaction.atomic
def report_build(
    *, round_: Round, kind: str = ReportKind.DAILY, day: dt.date | None = None, actor
) -> list[Report]:
    """Build and store the county's report and each township's for `day` (today)."""
    policy.ensure(actor, "round.plan", round_)
    day = day or timezone.localdate()
    span = 7 if kind == ReportKind.WEEKLY else 1
    board = selectors.board(round_, user=policy.SYSTEM, as_of=day)
    before = selectors.board(round_, user=policy.SYSTEM, as_of=day - dt.timedelta(days=span))
    cadres = dict(
        VillageTeam.objects.filter(round=round_).values_list("village_id", "township_cadre")
    )
    problems = _problem_ages(day)
    built_at = timezone.now()
    reports = [
        Report(
            county_id=round_.county_id,
            round=round_,
            kind=kind,
            date=day,
            built_at=built_at,
            data={
                "scope": str(round_.county),
                **_content(board.rows, before.rows, board, kind, day, problems, cadres),
            },
        )
    ]
    for township, _counts, _villages, _late in board.township_counts:
        rows = [row for row in board.rows if row.village.township_id == township.pk]
        reports.append(
            Report(
                county_id=round_.county_id,
                township=township,
                round=round_,
                kind=kind,
                date=day,
                built_at=built_at,
                data={
                    "scope": township.name,
                    **_content(rows, before.rows, board, kind, day, problems, cadres),
                },
            )
        )
    return Report.objects.bulk_create(reports)


def reports_build_all(kind: str = ReportKind.DAILY) -> int:
    """Every county's report of the latest round (the evening job)."""
    built = 0
    for round_ in Round.objects.select_related("county", "term").order_by("county", "-term__year"):
        if round_.starts_on <= timezone.localdate() <= round_.ends_on + dt.timedelta(days=30):
            built += len(report_build(round_=round_, kind=kind, actor=policy.SYSTEM))
    return built
