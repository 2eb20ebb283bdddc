"""Reads that feed lists, records and the coverage dashboard; every figure is a DB aggregate."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from elections.models import Seat
from registry.models import Term

from .choices import EnrolmentStatus, MentorshipStatus, SessionKind, Topic
from .models import Enrolment
from .services import TWO_COMMITTEES

STALE_AFTER_DAYS = 60
DEFAULT_COVERAGE_DAYS = 30


def percent(count: int, population: int) -> Decimal | None:
    """100 × count / population, rounded half-up to 2 decimals; None for an empty population."""
    if not population:
        return None
    return (Decimal(100) * count / population).quantize(Decimal("0.01"), ROUND_HALF_UP)


# --- sessions ------------------------------------------------------------------------------


def sessions_with_counts(queryset):
    """Sessions with invited / attended / absent counts (one query for a page)."""

    # Correlated counts: PostgreSQL computes them for the page's sessions only, where a
    # join grouped every invitation of the scope first (132,000 for a province: 0.3 s).
    def count(**status):
        rows = Enrolment.objects.filter(session=OuterRef("pk"), **status).order_by()
        return Coalesce(
            Subquery(rows.values("session").annotate(n=Count("pk")).values("n")),
            0,
            output_field=IntegerField(),
        )

    return (
        queryset.select_related("township", "county", "audience_term")
        .annotate(
            invited_count=count(),
            attended_count=count(status=EnrolmentStatus.ATTENDED),
            absent_count=count(status=EnrolmentStatus.ABSENT),
        )
        .order_by("-starts_on", "-pk")
    )


# --- training records ----------------------------------------------------------------------


def hours_by_topic(enrolments) -> list[dict]:
    """Credited hours per topic over attended enrolments; a session's hours count toward each
    of its topics, so the topics may add up to more than the total."""
    rows = (
        enrolments.filter(status=EnrolmentStatus.ATTENDED, session__topics__isnull=False)
        .values(topic=F("session__topics__topic"))
        .annotate(
            hours=Sum("hours_credited"),
            sessions=Count("session", distinct=True),
            people=Count("person", distinct=True),
        )
        .order_by("topic")
    )
    labels = dict(Topic.choices)
    return [{**row, "label": str(labels.get(row["topic"], row["topic"]))} for row in rows]


@dataclass
class TrainingRecord:
    person: object
    enrolments: list
    total_hours: Decimal
    sessions_attended: int
    by_topic: list = field(default_factory=list)


def training_record(person, *, user=None) -> TrainingRecord:
    """Every session the person attended (or was invited to), total hours and hours by topic."""
    enrolments = Enrolment.objects.filter(person=person)
    if user is not None:
        enrolments = Enrolment.objects.for_user(user).filter(person=person)
    totals = enrolments.attended().aggregate(hours=Sum("hours_credited"), sessions=Count("pk"))
    listing = list(
        enrolments.select_related("session__township", "session__county").order_by(
            "-session__starts_on"
        )
    )
    return TrainingRecord(
        person=person,
        enrolments=listing,
        total_hours=totals["hours"] or Decimal(0),
        sessions_attended=totals["sessions"],
        by_topic=hours_by_topic(enrolments),
    )


# --- induction coverage --------------------------------------------------------------------


@dataclass
class CoverageRow:
    township_id: int | None
    name: str
    members: int
    newcomers: int
    completed: int

    @property
    def outstanding(self) -> int:
        return self.members - self.completed

    @property
    def percent(self) -> Decimal | None:
        return percent(self.completed, self.members)


@dataclass
class CoverageReport:
    term: object
    days: int
    window_start: dt.date
    window_end: dt.date
    rows: list[CoverageRow]
    total: CoverageRow


def coverage_window(term, days: int) -> tuple[dt.datetime, dt.datetime]:
    """[reference date 00:00, reference date + days + 1 at 00:00) in local time: day N counts,
    day N+1 and anything before the reference date do not."""
    start = timezone.make_aware(dt.datetime.combine(term.reference_date, dt.time.min))
    end = timezone.make_aware(
        dt.datetime.combine(term.reference_date + dt.timedelta(days=days + 1), dt.time.min)
    )
    return start, end


def previous_term(term):
    """term.previous, looked up once per Term instance."""
    if not hasattr(term, "_training_previous"):
        term._training_previous = term.previous
    return term._training_previous


def term_member_seats(term, *, user=None, county=None, township=None, village=None, counties=None):
    """Current party and villagers' committee seats of the term, within the caller's scope
    (and, given `counties`, ids, within those counties)."""
    seats = Seat.objects.for_user(user) if user is not None else Seat.objects.all()
    seats = seats.current().in_term(term).filter(body__in=TWO_COMMITTEES)
    if county is not None:
        seats = seats.filter(village__township__county=county)
    if counties is not None:
        seats = seats.filter(village__township__county__in=counties)
    if township is not None:
        seats = seats.filter(village__township=township)
    if village is not None:
        seats = seats.filter(village=village)
    return seats


def _inducted(term, days: int):
    """True where the seat's person attended an induction session within the window.

    EXISTS, not `person IN (…)`: PostgreSQL cannot turn a NOT IN into an anti-join, so it
    read every seat of the province to find a county's outstanding (0.2 s for 100 rows)."""
    start, end = coverage_window(term, days)
    return Exists(
        Enrolment.objects.filter(
            person=OuterRef("person"),
            status=EnrolmentStatus.ATTENDED,
            session__kind=SessionKind.INDUCTION,
            checked_in_at__gte=start,
            checked_in_at__lt=end,
        )
    )


def induction_coverage(
    term,
    *,
    user=None,
    county=None,
    township=None,
    village=None,
    counties=None,
    days: int = DEFAULT_COVERAGE_DAYS,
) -> CoverageReport:
    """Share of the term's members who attended an induction session (新任“两委”履职培训)
    within `days` days of the term's reference date, per township and for the whole scope.

    Two queries whatever the size of the county: one grouped by township, one for the total
    (a person seated in two townships counts once in the total).
    """
    seats = term_member_seats(
        term, user=user, county=county, township=township, village=village, counties=counties
    )
    seats = seats.annotate(inducted=_inducted(term, days))
    previous = previous_term(term)
    if previous is not None:
        seats = seats.annotate(
            held_before=Exists(
                Seat.objects.filter(
                    term=previous, body__in=TWO_COMMITTEES, person=OuterRef("person")
                )
            )
        )
        newcomer = Q(held_before=False)
    else:
        newcomer = Q(pk__isnull=False)
    aggregates = {
        "members": Count("person", distinct=True),
        "newcomers": Count("person", distinct=True, filter=newcomer),
        "completed": Count("person", distinct=True, filter=Q(inducted=True)),
    }
    grouped = (
        seats.values("village__township", "village__township__name", "village__township__code")
        .annotate(**aggregates)
        .order_by("village__township__code")
    )
    rows = [
        CoverageRow(
            township_id=row["village__township"],
            name=row["village__township__name"],
            members=row["members"],
            newcomers=row["newcomers"],
            completed=row["completed"],
        )
        for row in grouped
    ]
    total = seats.aggregate(**aggregates)
    return CoverageReport(
        term=term,
        days=days,
        window_start=term.reference_date,
        window_end=term.reference_date + dt.timedelta(days=days),
        rows=rows,
        total=CoverageRow(
            None,
            str(village or township or county or "") or _("合计"),
            total["members"],
            total["newcomers"],
            total["completed"],
        ),
    )


def induction_outstanding(
    term, *, user=None, county=None, township=None, days: int = DEFAULT_COVERAGE_DAYS
):
    """Seats of members who have not completed induction within the window (one query).

    One row per seat, ordered by township and village, with `is_newcomer` and the person's
    latest induction check-in (if any, e.g. one that came too late).
    """
    seats = term_member_seats(term, user=user, county=county, township=township)
    latest_induction = (
        Enrolment.objects.filter(
            person=OuterRef("person"),
            status=EnrolmentStatus.ATTENDED,
            session__kind=SessionKind.INDUCTION,
        )
        .order_by("-checked_in_at")
        .values("checked_in_at")[:1]
    )
    previous = previous_term(term)
    held_before = (
        Exists(
            Seat.objects.filter(term=previous, body__in=TWO_COMMITTEES, person=OuterRef("person"))
        )
        if previous is not None
        else Value(False)
    )
    return (
        seats.exclude(_inducted(term, days))
        .select_related("person", "village__township")
        .annotate(held_before=held_before, last_induction_at=Subquery(latest_induction))
        .order_by("village__township__code", "village__code", "body", "post", "person__name")
    )


# --- mentoring -----------------------------------------------------------------------------


def mentorships_with_activity(queryset, *, today: dt.date | None = None):
    """Mentorships with their last check-in date and `is_stale`: active, and no check-in
    (or, before the first one, no start) for more than 60 days."""
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=STALE_AFTER_DAYS)
    return (
        queryset.annotate(
            last_checkin_on=Max("checkins__date"),
            checkin_count=Count("checkins", distinct=True),
            last_activity_on=Coalesce(
                Max("checkins__date"), F("started_on"), output_field=DateField()
            ),
        )
        .annotate(
            is_stale=ExpressionWrapper(
                Q(status=MentorshipStatus.ACTIVE, last_activity_on__lt=cutoff),
                output_field=BooleanField(),
            ),
        )
        .order_by("-started_on", "-pk")
    )


def stale_mentorships(queryset, *, today: dt.date | None = None):
    return mentorships_with_activity(queryset, today=today).filter(is_stale=True)


def village_latest_coverage(village, *, user, days: int = DEFAULT_COVERAGE_DAYS):
    """Induction coverage of the village's members in the term in force (None without one)."""
    term = Term.objects.in_force()
    if term is None:
        return None
    return induction_coverage(term, user=user, village=village, days=days)
