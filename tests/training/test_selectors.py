"""Coverage of induction, training records and stale mentoring pairs, as the county reads them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from elections.choices import Body, Post
from tests.factories import PersonFactory, TermFactory, VillageFactory
from tests.factories.elections import SeatFactory
from tests.factories.training import (
    CheckInFactory,
    EnrolmentFactory,
    MentorshipFactory,
    TrainingSessionFactory,
)
from training import selectors
from training.choices import EnrolmentStatus, MentorshipStatus, SessionKind
from training.models import Mentorship, SessionTopic

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour=9):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def inducted(person, county, day, kind=SessionKind.INDUCTION, hour=9):
    session = TrainingSessionFactory(county=county, kind=kind, starts_on=day)
    return EnrolmentFactory(
        session=session,
        person=person,
        status=EnrolmentStatus.ATTENDED,
        checked_in_at=at(day, hour),
        hours_credited=8,
    )


@pytest.fixture
def members(seat, village, other_village):
    """Four members in 吉昌镇 and two in 屯里镇 of the 2021 term (reference date 2021-04-30)."""
    here = [
        seat(village, post).person for post in (Post.SECRETARY, Post.DEPUTY_SECRETARY, Post.MEMBER)
    ]
    here.append(seat(village, Post.DIRECTOR, body=Body.VILLAGERS_COMMITTEE).person)
    there = [seat(other_village, Post.SECRETARY).person, seat(other_village).person]
    return here, there


def test_coverage_window_edges(term, county, members):
    """Day N (30) counts, day N+1 does not, a check-in before the reference date does not,
    and a member without any session is outstanding."""
    here, there = members
    reference = term.reference_date
    inducted(here[0], county, reference + dt.timedelta(days=30), hour=23)  # last day, late
    inducted(here[1], county, reference + dt.timedelta(days=31), hour=0)  # one day late
    inducted(here[2], county, reference - dt.timedelta(days=1))  # before the reference date
    inducted(there[0], county, reference)  # the reference date itself
    inducted(there[1], county, reference + dt.timedelta(days=3), kind=SessionKind.LEAD_GOOSE)

    report = selectors.induction_coverage(term, county=county)

    by_name = {row.name: row for row in report.rows}
    assert (by_name["吉昌镇"].members, by_name["吉昌镇"].completed) == (4, 1)
    assert by_name["吉昌镇"].percent == Decimal("25.00")
    assert (by_name["屯里镇"].members, by_name["屯里镇"].completed) == (2, 1)
    assert (report.total.members, report.total.completed) == (6, 2)
    assert report.total.percent == Decimal("33.33")
    assert report.window_end == dt.date(2021, 5, 30)
    outstanding = {s.person_id for s in selectors.induction_outstanding(term, county=county)}
    assert outstanding == {here[1].pk, here[2].pk, here[3].pk, there[1].pk}


def test_days_parameter_moves_the_window(term, county, members):
    here, _there = members
    inducted(here[0], county, term.reference_date + dt.timedelta(days=45))
    assert selectors.induction_coverage(term, county=county, days=30).total.completed == 0
    assert selectors.induction_coverage(term, county=county, days=45).total.completed == 1


def test_person_with_two_seats_counts_once(term, county, seat, village):
    person = seat(village, Post.SECRETARY).person
    seat(village, Post.DIRECTOR, body=Body.VILLAGERS_COMMITTEE, person=person)
    report = selectors.induction_coverage(term, county=county)
    assert report.total.members == 1


def test_supervision_committee_is_not_counted(term, county, seat, village):
    seat(village, Post.MEMBER, body=Body.SUPERVISION_COMMITTEE)
    assert selectors.induction_coverage(term, county=county).total.members == 0


def test_newcomers_are_those_without_a_seat_in_the_previous_term(term, county, seat, village):
    old = seat(village, Post.SECRETARY).person
    seat(village)
    SeatFactory(village=village, term=TermFactory(year=2018), person=old, post=Post.SECRETARY)
    report = selectors.induction_coverage(term, county=county)
    assert (report.total.members, report.total.newcomers) == (2, 1)


def test_empty_population_has_no_percentage(term, county):
    report = selectors.induction_coverage(term, county=county)
    assert report.total.members == 0 and report.total.percent is None


def test_official_sees_only_their_township(term, county, members, official):
    report = selectors.induction_coverage(term, user=official)
    assert [row.name for row in report.rows] == ["吉昌镇"]
    assert report.total.members == 4


def test_coverage_query_count_does_not_grow_with_townships(
    term, county, seat, django_assert_num_queries
):
    from tests.factories import TownshipFactory

    for _ in range(5):
        village = VillageFactory(township=TownshipFactory(county=county))
        for _ in range(3):
            inducted(seat(village).person, county, term.reference_date + dt.timedelta(days=2))
    # term.previous (1) + grouped (1) + total (1)
    with django_assert_num_queries(3):
        report = selectors.induction_coverage(term, county=county)
    assert report.total.completed == 15 and len(report.rows) == 5
    with django_assert_num_queries(1):  # the previous term is already known
        assert list(selectors.induction_outstanding(term, county=county)) == []


def test_training_record_hours_by_topic(county, village):
    person = PersonFactory(village=village)
    first = inducted(person, county, dt.date(2021, 5, 10))
    SessionTopic.objects.create(session=first.session, topic="party_building")
    SessionTopic.objects.create(session=first.session, topic="finance")
    second = inducted(person, county, dt.date(2021, 9, 10))
    second.hours_credited = 4
    second.save()
    SessionTopic.objects.create(session=second.session, topic="finance")
    EnrolmentFactory(
        person=person, session__county=county, status=EnrolmentStatus.ABSENT, absence_reason="病假"
    )

    record = selectors.training_record(person)

    assert record.sessions_attended == 2 and record.total_hours == Decimal(12)
    hours = {row["topic"]: row["hours"] for row in record.by_topic}
    assert hours == {"party_building": Decimal(8), "finance": Decimal(12)}
    assert len(record.enrolments) == 3


def test_pairs_without_a_check_in_for_60_days_are_stale(county):
    today = dt.date(2022, 1, 1)
    fresh = MentorshipFactory(county=county, started_on=dt.date(2021, 6, 1))
    CheckInFactory(mentorship=fresh, date=today - dt.timedelta(days=60))
    stale = MentorshipFactory(county=county, started_on=dt.date(2021, 6, 1))
    CheckInFactory(mentorship=stale, date=today - dt.timedelta(days=61))
    never = MentorshipFactory(county=county, started_on=today - dt.timedelta(days=61))
    new = MentorshipFactory(county=county, started_on=today - dt.timedelta(days=10))
    MentorshipFactory(
        county=county,
        started_on=dt.date(2021, 1, 1),
        status=MentorshipStatus.ENDED,
        ended_on=dt.date(2021, 3, 1),
        outcome="achieved",
    )
    flagged = set(
        selectors.stale_mentorships(Mentorship.objects.all(), today=today).values_list(
            "pk", flat=True
        )
    )
    assert flagged == {stale.pk, never.pk}
    assert new.pk not in flagged
