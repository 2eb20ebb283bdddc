"""Reads of the round's command centre: the progress board (each village's status on each
step, derived from the data the portal holds, as of today or any past date from history),
the plan of a village, the ledger's counts and the printed lines.

`board()` runs a fixed number of queries whatever the number of villages
(tests/rounds/test_board.py pins it at 20 and 200 villages)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.choices import OPEN_STAGES, Stage
from candidates.models import VETTED_BODIES, Candidacy
from core import policy
from core.roles import Role
from elections.choices import BODY_POSTS, Body, ElectionRound, ElectionState, Post
from elections.models import Election, Seat
from registry.choices import RiskClass
from registry.models import Village
from training.choices import EnrolmentStatus
from training.models import Enrolment

from .choices import CLOSED_STATES, ProblemState, StepSource, StepStatus
from .models import (
    AttachedUnit,
    Liaison,
    Problem,
    Round,
    RoundStep,
    Screening,
    StepRecord,
    StepWindow,
    VillageTeam,
    VisitLog,
)

ELECTION_BODIES = {
    StepSource.PARTY_ELECTION: Body.PARTY_COMMITTEE,
    StepSource.VILLAGERS_ELECTION: Body.VILLAGERS_COMMITTEE,
    StepSource.SUPERVISION_ELECTION: Body.SUPERVISION_COMMITTEE,
}
STATUS_ORDER = [s.value for s in StepStatus]


def end_of(day: dt.date) -> dt.datetime:
    """The last moment of `day` in the portal's time zone (what "as of that day" reads)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def _rows(model, as_of: dt.date | None):
    """The model's rows today, or as they stood at the end of `as_of` (from history)."""
    if as_of is None:
        return model.objects.all()
    return model.history.as_of(end_of(as_of))


def _objects(model, as_of: dt.date | None, **lookup) -> list:
    """The model's rows matching `lookup` today, or as they stood at the end of `as_of`.
    Instances from history are built from the historical rows' values: simple-history's own
    (`as_instances`) read each row's untracked `updated_at` with a query of their own."""
    if as_of is None:
        return list(model.objects.filter(**lookup))
    names = [field.attname for field in model.history.model.tracked_fields]
    return [model(**row) for row in _rows(model, as_of).filter(**lookup).values(*names)]


def with_risk_class_as_of(villages, as_of: dt.date | None):
    """`villages` annotated with `risk_then`: the risk class at the end of `as_of` from the
    village's history (the latest row by then; before its history began, the earliest row;
    with no history at all, today's class), else today's class. One query, whatever the
    number of villages: the history is read in subqueries."""
    if as_of is None:
        return villages.annotate(risk_then=F("risk_class"))
    rows = Village.history.model.objects.filter(id=OuterRef("pk"))
    then = rows.filter(history_date__lte=end_of(as_of)).order_by("-history_date", "-history_id")
    first = rows.order_by("history_date", "history_id")
    return villages.annotate(
        risk_then=Coalesce(
            Subquery(then.values("risk_class")[:1]),
            Subquery(first.values("risk_class")[:1]),
            F("risk_class"),
        )
    )


def visible_villages(user, round_: Round):
    """The villages of the round's county `user` may see (a liaison leader: theirs)."""
    if is_leader(user):  # registry's villages know no liaison: theirs by the rule's list
        villages = Village.objects.filter(
            pk__in=Liaison.objects.filter(leader_id=user.pk).values("village_id")
        )
    else:
        villages = Village.objects.for_user(user)
    return villages.filter(township__county_id=round_.county_id, is_active=True).select_related(
        "township"
    )


def visible_villages_for(user):
    """The villages `user` may see, whatever the round (a liaison leader: theirs)."""
    if is_leader(user):
        return Village.objects.filter(
            pk__in=Liaison.objects.filter(leader_id=user.pk).values("village_id")
        )
    return Village.objects.for_user(user)


def current_round(user, year: int | None = None) -> Round | None:
    """The round of `year` (else the latest) of the county `user` may see."""
    rounds = Round.objects.select_related("term", "county")
    if getattr(user, "county_id", None):  # every role of a county follows its round
        rounds = rounds.filter(county_id=user.county_id)
    elif not (policy.is_system(user) or policy.is_admin(user)):
        return None
    if year:
        rounds = rounds.filter(term__year=year)
    return rounds.order_by("-term__year", "county__code").first()


# --- the facts each status is derived from -------------------------------------------


@dataclass
class Facts:
    """What the portal holds about each village, keyed by village id (one query each)."""

    screened: set = field(default_factory=set)
    records: set = field(default_factory=set)  # (step id, village id)
    elections: dict = field(default_factory=dict)  # (village id, body) -> certified?
    planned: dict = field(default_factory=dict)  # (village id, body) -> {post: seats}
    vetting: dict = field(default_factory=dict)  # village id -> "done" / "started"
    secretary: set = field(default_factory=set)  # villages with a sitting secretary
    trained_on: dict = field(default_factory=dict)  # village id -> [session start dates]


def planned_posts(body: str, seats_chair: int, seats_deputy: int, seats_member: int) -> dict:
    """{post: seats} an election of `body` is to fill (its 应选名额 per post)."""
    seats = (seats_chair, seats_deputy, seats_member)
    return {post: n for post, n in zip(BODY_POSTS[body], seats, strict=False) if n}


def _vetting(round_, ids, as_of, planned: dict) -> dict:
    """Village id -> "done" when its candidacies of the term have all ended and every
    planned post has as many approved candidates as it has seats, else "started".

    A body's planned posts are the seats of its first-round election of the term where one
    is recorded (`planned`); else the body's chair (书记, 主任: every committee has one) and
    every post a candidacy of the body was nominated for, one seat each."""
    rows = (
        _rows(Candidacy, as_of)
        .filter(term_id=round_.term_id, village_id__in=ids)
        .values("village_id", "body", "post")
        .annotate(
            open=Count("pk", filter=Q(stage__in=OPEN_STAGES)),
            approved=Count("pk", filter=Q(stage=Stage.APPROVED)),
        )
    )
    open_count: Counter = Counter()
    approved: dict = defaultdict(Counter)  # (village id, body) -> {post: approved}
    for row in rows:
        open_count[row["village_id"]] += row["open"]
        approved[(row["village_id"], row["body"])][row["post"]] += row["approved"]
    state: dict = {}
    for village_id in open_count:
        done = open_count[village_id] == 0
        for body in VETTED_BODIES:
            nominated = approved.get((village_id, body))
            seats = planned.get((village_id, body))
            if seats is None:
                if nominated is None:
                    continue  # the body is not vetted in this village
                seats = {post: 1 for post in nominated} | {BODY_POSTS[body][0]: 1}
            have = nominated or Counter()
            done = done and all(have[post] >= n for post, n in seats.items())
        state[village_id] = "done" if done else "started"
    return state


def _training(round_, ids, as_of, facts: Facts) -> None:
    seats = (
        _rows(Seat, as_of)
        .filter(
            term_id=round_.term_id,
            village_id__in=ids,
            body=Body.PARTY_COMMITTEE,
            post=Post.SECRETARY,
            ended_on__isnull=True,
        )
        .values_list("village_id", "person_id")
    )
    people = defaultdict(set)
    for village_id, person_id in seats:
        facts.secretary.add(village_id)
        people[person_id].add(village_id)
    if not people:
        return
    enrolments = (
        _rows(Enrolment, as_of)
        .filter(person_id__in=list(people), status=EnrolmentStatus.ATTENDED)
        .values_list("person_id", "session__starts_on")
    )
    for person_id, starts_on in enrolments:
        for village_id in people[person_id]:
            facts.trained_on.setdefault(village_id, []).append(starts_on)


def _elections(round_, ids, as_of, facts: Facts) -> None:
    """Each village's elections of the term: certified per body, and the seats per post
    its first-round elections are to fill (the planned posts vetting must fill)."""
    elections = (
        _rows(Election, as_of)
        .filter(term_id=round_.term_id, village_id__in=ids)
        .values_list(
            "village_id", "body", "state", "round", "seats_chair", "seats_deputy", "seats_member"
        )
    )
    for village_id, body, state, election_round, chair, deputy, member in elections:
        key = (village_id, body)
        facts.elections[key] = facts.elections.get(key, False) or (state == ElectionState.CERTIFIED)
        if election_round == ElectionRound.FIRST and body in VETTED_BODIES:
            facts.planned[key] = planned_posts(body, chair, deputy, member)


def gather_facts(round_: Round, ids, steps, as_of: dt.date | None) -> Facts:
    facts = Facts()
    sources = {step.source for step in steps}
    if StepSource.SCREENING in sources:
        screenings = _rows(Screening, as_of).filter(round_id=round_.pk, village_id__in=ids)
        facts.screened = set(screenings.values_list("village_id", flat=True))
    if StepSource.MANUAL in sources:
        records = _rows(StepRecord, as_of).filter(
            step_id__in=[step.pk for step in steps], village_id__in=ids
        )
        facts.records = set(records.values_list("step_id", "village_id"))
    if sources & (set(ELECTION_BODIES) | {StepSource.VETTING}):
        _elections(round_, ids, as_of, facts)
    if StepSource.VETTING in sources:
        facts.vetting = _vetting(round_, ids, as_of, facts.planned)
    if StepSource.TRAINING in sources:
        _training(round_, ids, as_of, facts)
    return facts


def _evidence(step, village_id, facts: Facts, window_start) -> tuple[bool, bool]:
    """(done, started) of `village_id` on `step` from the facts."""
    source = step.source
    if source == StepSource.MANUAL:
        done = (step.pk, village_id) in facts.records
        return done, done
    if source == StepSource.SCREENING:
        done = village_id in facts.screened
        return done, done
    if source in ELECTION_BODIES:
        certified = facts.elections.get((village_id, ELECTION_BODIES[source]))
        return bool(certified), certified is not None
    if source == StepSource.VETTING:
        state = facts.vetting.get(village_id)
        return state == "done", state is not None
    # Training: the new secretary trained once the window opened.
    dates = facts.trained_on.get(village_id, ())
    done = any(day >= window_start for day in dates)
    return done, village_id in facts.secretary


def step_status(done, started, window, today) -> str:
    starts_on, ends_on, not_applicable = window
    if not_applicable:
        return StepStatus.NOT_APPLICABLE
    if done:
        return StepStatus.DONE
    if ends_on < today:
        return StepStatus.OVERDUE
    if started or starts_on <= today:
        return StepStatus.IN_PROGRESS
    return StepStatus.NOT_STARTED


# --- the board -----------------------------------------------------------------------------


@dataclass
class BoardRow:
    village: Village
    cells: list  # [(step, status, window)] in the plan's order
    leaders: list = field(default_factory=list)
    missing_four: list = field(default_factory=list)
    open_problems: int = 0
    overdue_problems: int = 0

    @property
    def statuses(self) -> dict:
        return {step.code: status for step, status, _window in self.cells}

    @property
    def is_late(self) -> bool:
        return any(status == StepStatus.OVERDUE for _s, status, _w in self.cells)


@dataclass
class Board:
    round: Round
    steps: list
    rows: list
    as_of: dt.date
    from_history: bool  # a past day's board, read from history
    step_counts: list  # [(step, Counter)]
    township_counts: list  # [(township, Counter of statuses, villages, late villages)]

    @property
    def step_table(self) -> list:
        """[(step, [count of each status in StepStatus order])] for the page."""
        return [(step, [c[s] for s in STATUS_ORDER]) for step, c in self.step_counts]

    @property
    def township_table(self) -> list:
        return [
            (township, villages, late, [c[s] for s in STATUS_ORDER])
            for township, c, villages, late in self.township_counts
        ]


def villages_with_unit(round_: Round, village_ids, as_of: dt.date | None) -> set:
    """Which of `village_ids` an attached unit of the round had at the end of `as_of`
    (each unit's latest historical row by then and the villages recorded with it; a unit
    deleted by then has none), else today. One query either way."""
    if as_of is None:
        rows = AttachedUnit.villages.through.objects.filter(
            attachedunit__round=round_, village_id__in=village_ids
        )
        return set(rows.values_list("village_id", flat=True))
    units = AttachedUnit.history.model.objects
    latest = (
        units.filter(id=OuterRef("history__id"), history_date__lte=end_of(as_of))
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    rows = (
        AttachedUnit.history.model.villages.model.objects.filter(
            history__round_id=round_.pk, village_id__in=village_ids
        )
        .filter(history_id=Subquery(latest))
        .exclude(history__history_type="-")
    )
    return set(rows.values_list("village_id", flat=True))


def _four_ones(round_, ids, difficult_ids, as_of) -> tuple[dict, dict]:
    """Leader names per village; and for difficult villages which of their four is missing
    (liaisons, teams and units' villages as of `as_of`)."""
    leaders = defaultdict(list)
    liaisons = _rows(Liaison, as_of).filter(round_id=round_.pk, village_id__in=ids)
    for village_id, full_name, username in liaisons.values_list(
        "village_id", "leader__full_name", "leader__username"
    ).order_by("village_id", "id"):
        leaders[village_id].append(full_name or username)
    missing = {}
    if difficult_ids:
        with_unit = villages_with_unit(round_, difficult_ids, as_of)
        teams = {
            row[0]: row[1:]
            for row in _rows(VillageTeam, as_of)
            .filter(round_id=round_.pk, village_id__in=difficult_ids)
            .values_list("village_id", "township_cadre", "work_group")
        }
        for village_id in difficult_ids:
            cadre, group = teams.get(village_id, ("", ""))
            gaps = [
                label
                for label, present in (
                    (_("县级领导"), village_id in leaders),
                    (_("乡镇干部"), bool(cadre)),
                    (_("工作组"), bool(group)),
                    (_("包村单位"), village_id in with_unit),
                )
                if not present
            ]
            if gaps:
                missing[village_id] = gaps
    return leaders, missing


def _problem_counts(ids, today, as_of) -> dict:
    rows = (
        _rows(Problem, as_of)
        .filter(village_id__in=ids)
        .exclude(state__in=CLOSED_STATES)
        .values("village_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today)))
    )
    return {row["village_id"]: (row["open"], row["overdue"]) for row in rows}


def plan_steps(round_: Round, as_of: dt.date | None = None) -> list:
    """The round's steps in order, as the plan stood at the end of `as_of` (from history:
    renamed, added, dropped and their windows moved since), else today's."""
    steps = _objects(RoundStep, as_of, round_id=round_.pk)
    return sorted(steps, key=lambda step: (step.order, step.pk))


def board(
    round_: Round,
    *,
    user,
    as_of: dt.date | None = None,
    township=None,
    risk_class: str = "",
    leader=None,
    overdue_only: bool = False,
    step_code: str = "",
    status: str = "",
    village=None,
) -> Board:
    """Each visible village's status on each step of the round, with counts per step and
    per township. `as_of` a past day reads everything the round holds — its plan (steps,
    windows, 一村一策), liaisons and teams, records and problems — the elections,
    candidacies, seats and training it derives from, and each village's risk class (the
    filter, the difficult villages' "四个一", with the units' villages) as they stood at the
    end of that day. Which villages exist is today's (docs/rounds.md)."""
    today = as_of or timezone.localdate()
    history_day = as_of if as_of and as_of < timezone.localdate() else None
    steps = plan_steps(round_, history_day)
    villages = visible_villages(user, round_)
    if township is not None:
        villages = villages.filter(township=township)
    if village is not None:  # one village's page
        villages = villages.filter(pk=village.pk)
    villages = with_risk_class_as_of(villages, history_day)
    if risk_class:
        villages = villages.filter(risk_then=risk_class)
    if leader is not None:
        theirs = _rows(Liaison, history_day).filter(round_id=round_.pk, leader_id=leader.pk)
        villages = villages.filter(pk__in=theirs.values("village_id"))
    villages = list(villages.order_by("township__code", "code"))
    for row in villages:  # the board, the command and the API show the class of that day
        row.risk_class = row.risk_then
    ids = [village.pk for village in villages]
    facts = gather_facts(round_, ids, steps, history_day)
    windows = {
        (w.step_id, w.village_id): w
        for w in _objects(
            StepWindow, history_day, step_id__in=[step.pk for step in steps], village_id__in=ids
        )
    }
    difficult = [v.pk for v in villages if v.risk_class == RiskClass.DIFFICULT]
    leaders, missing = _four_ones(round_, ids, difficult, history_day)
    problems = _problem_counts(ids, today, history_day)
    rows = []
    for village in villages:
        cells = []
        for step in steps:
            own = windows.get((step.pk, village.pk))
            window = (
                (own.starts_on if own and own.starts_on else step.starts_on),
                (own.ends_on if own and own.ends_on else step.ends_on),
                bool(own and own.not_applicable),
            )
            done, started = _evidence(step, village.pk, facts, window[0])
            cells.append((step, step_status(done, started, window, today), window))
        open_count, overdue_count = problems.get(village.pk, (0, 0))
        rows.append(
            BoardRow(
                village=village,
                cells=cells,
                leaders=leaders.get(village.pk, []),
                missing_four=missing.get(village.pk, []),
                open_problems=open_count,
                overdue_problems=overdue_count,
            )
        )
    if overdue_only:
        rows = [row for row in rows if row.is_late]
    if step_code and status:
        rows = [row for row in rows if row.statuses.get(step_code) == status]
    return Board(
        round=round_,
        steps=steps,
        rows=rows,
        as_of=today,
        from_history=history_day is not None,
        step_counts=_step_counts(steps, rows),
        township_counts=_township_counts(rows),
    )


def _step_counts(steps, rows) -> list:
    counts = {step.code: Counter() for step in steps}
    for row in rows:
        for step, status, _window in row.cells:
            counts[step.code][status] += 1
    return [(step, counts[step.code]) for step in steps]


def _township_counts(rows) -> list:
    by_township: dict = {}
    for row in rows:
        township = row.village.township
        entry = by_township.setdefault(township.pk, [township, Counter(), 0, 0])
        for _step, status, _window in row.cells:
            entry[1][status] += 1
        entry[2] += 1
        entry[3] += 1 if row.is_late else 0
    return list(by_township.values())


def board_json(result: Board) -> dict:
    """The board as `manage.py round_board --json` and the API print it."""
    return {
        "steps": [
            {
                "code": step.code,
                "label": step.label,
                **{status: counts.get(status, 0) for status in STATUS_ORDER},
            }
            for step, counts in result.step_counts
        ],
        "villages": [
            {
                "code": row.village.code,
                "name": row.village.name,
                "risk_class": row.village.risk_class,
                "steps": row.statuses,
            }
            for row in result.rows
        ],
    }


# --- the printed lines -------------------------------------------------------------------


def visit_totals(villages, start: dt.date | None = None, end: dt.date | None = None) -> dict:
    """Households, people, forums and analysis meetings of the visits to `villages` in the
    period, and the difficult villages among those screened in it."""
    visits = VisitLog.objects.filter(village__in=villages)
    screenings = Screening.objects.filter(village__in=villages)
    if start:
        visits = visits.filter(visited_on__gte=start)
        screenings = screenings.filter(screened_on__gte=start)
    if end:
        visits = visits.filter(visited_on__lte=end)
        screenings = screenings.filter(screened_on__lte=end)
    totals = visits.aggregate(
        households=Sum("households"),
        people=Sum("people"),
        forums=Sum("forums"),
        meetings=Sum("analysis_meetings"),
    )
    totals = {key: value or 0 for key, value in totals.items()}
    totals["difficult"] = (
        screenings.filter(village__risk_class=RiskClass.DIFFICULT)
        .values("village_id")
        .distinct()
        .count()
    )
    return totals


def visit_line(totals: dict) -> str:
    """ "走访699户、1831人，召开座谈会73次、分析研判会37次，排查重难点村11个"."""
    return (
        _(
            "走访%(households)s户、%(people)s人，召开座谈会%(forums)s次、分析研判会%(meetings)s次，"
            "排查重难点村%(difficult)s个"
        )
        % totals
    )


def resolved_count(problems, start=None, end=None) -> int:
    rows = problems.filter(state__in=CLOSED_STATES)
    if start:
        rows = rows.filter(resolved_on__gte=start)
    if end:
        rows = rows.filter(resolved_on__lte=end)
    return rows.count()


def resolved_line(count: int) -> str:
    """ "集中化解问题23个"."""
    return _("集中化解问题%(count)s个") % {"count": count}


def problem_counts(problems, today=None) -> dict:
    """Counts of the ledger by state, category, township and age (open rows)."""
    today = today or timezone.localdate()
    by_state = dict(problems.values_list("state").annotate(n=Count("pk")))
    by_category = dict(problems.values_list("category").annotate(n=Count("pk")))
    by_township = list(
        problems.values("village__township__name")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=~Q(state__in=CLOSED_STATES)),
            overdue=Count("pk", filter=~Q(state__in=CLOSED_STATES) & Q(deadline__lt=today)),
        )
        .order_by("village__township__name")
    )
    open_rows = problems.exclude(state__in=CLOSED_STATES)
    week, month = today - dt.timedelta(days=7), today - dt.timedelta(days=30)
    by_age = open_rows.aggregate(
        week=Count("pk", filter=Q(reported_on__gte=week)),
        month=Count("pk", filter=Q(reported_on__lt=week, reported_on__gte=month)),
        older=Count("pk", filter=Q(reported_on__lt=month)),
    )
    return {
        "by_state": by_state,
        "by_category": by_category,
        "by_township": by_township,
        "by_age": by_age,
        "overdue": open_rows.filter(deadline__lt=today).count(),
        "open": open_rows.count(),
        "assigned": by_state.get(ProblemState.ASSIGNED, 0),
    }


def leader_villages(user, round_):
    return Liaison.objects.filter(round=round_, leader=user).values("village_id")


def is_leader(user) -> bool:
    return getattr(user, "role", None) == Role.LIAISON_LEADER
