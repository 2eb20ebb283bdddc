"""The stored training coverage (issue 17 §4): the dashboard's card reads a stored row per
term and county or township, the same card `induction_coverage` gives live, kept current
after a recompute and after a check-in, counted live only when no row is stored."""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from composition import coverage, demo
from composition.choices import ScopeKind
from composition.models import CompositionSnapshot, TrainingCoverage
from composition.services import composition_recompute
from elections.choices import Body, Post, SeatEndReason
from elections.models import Seat
from tests.composition.test_views import coverage_on
from tests.factories import TownshipFactory
from tests.factories.training import EnrolmentFactory, TrainingSessionFactory
from training.selectors import induction_coverage
from training.services import enrolment_check_in

BEIJING = dt.timezone(dt.timedelta(hours=8))


def check_in(person, county, actor, at=dt.datetime(2021, 5, 10, 9, tzinfo=BEIJING)):
    enrolment = EnrolmentFactory(session=TrainingSessionFactory(county=county), person=person)
    enrolment_check_in(enrolment=enrolment, actor=actor, at=at)


def card(html: str) -> str:
    return html[html.index('<section class="card training-coverage-summary"') :].split(
        "</section>"
    )[0]


def live_card(term, row) -> str:
    report = induction_coverage(term, county=row.county, township=row.township)
    return card(render_to_string("training/_coverage_summary.html", {"coverage": report}))


@pytest.fixture
def stored(small_county, organizer, django_capture_on_commit_callbacks):
    """Figures and coverage stored as a recompute leaves them (its refresh runs after the
    commit; Celery is eager in tests); two members inducted in time, one too late."""
    cache.clear()
    TownshipFactory(county=small_county.county, code="141028102", name="空镇")  # nobody
    party = Seat.objects.current().filter(term=small_county.t2021, body=Body.PARTY_COMMITTEE)
    check_in(party[0].person, small_county.county, organizer)
    check_in(small_county.p9, small_county.county, organizer)
    late = dt.datetime(2021, 7, 1, 9, tzinfo=BEIJING)
    check_in(party[1].person, small_county.county, organizer, at=late)
    with django_capture_on_commit_callbacks(execute=True):
        composition_recompute(term_id=small_county.t2018.pk)
        composition_recompute(term_id=small_county.t2021.pk)
    return small_county


def rows_of(term):
    return list(
        CompositionSnapshot.objects.filter(
            term=term, scope_kind__in=[ScopeKind.COUNTY, ScopeKind.TOWNSHIP]
        )
    )


def test_stored_report_is_the_live_report_for_every_scope(stored):
    for term in (stored.t2018, stored.t2021):
        rows = rows_of(term)
        assert {row.scope_kind for row in rows} == {ScopeKind.COUNTY, ScopeKind.TOWNSHIP}
        for row in rows:
            report = coverage.stored_report(term, row)
            assert report == induction_coverage(term, county=row.county, township=row.township)
    county = coverage.stored_report(stored.t2021, rows_of(stored.t2021)[0])
    assert (county.total.completed, county.total.members) == (2, 8)  # the late one is not
    empty = TrainingCoverage.objects.get(term=stored.t2021, scope_code="141028102")
    assert (empty.members, empty.rows) == (0, [])


def test_cold_dashboard_reads_the_stored_card(client, organizer, official, stored):
    """Cache cleared: the card comes from its row, no query on seats or enrolments, and it
    reads as the live card — for the county and for a township."""
    for user, scope in ((organizer, ""), (official, ""), (organizer, "&scope=141028101")):
        client.force_login(user)
        client.get("/composition/?term=2021")  # the session
        cache.clear()
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(f"/composition/?term=2021{scope}").content.decode()
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        assert "composition_trainingcoverage" in sql
        assert "elections_seat" not in sql and "training_enrolment" not in sql
        if scope:
            code = scope.split("=")[1]
        else:
            code = user.township.code if user == official else stored.county.code
        row = CompositionSnapshot.objects.get(term=stored.t2021, scope_code=code)
        assert card(html) == live_card(stored.t2021, row)
    assert coverage_on(html) == (1, 2)  # 屯里镇: the secretary of 西坪村 came in time


def test_without_a_stored_row_the_card_is_counted_live(client, organizer, stored):
    TrainingCoverage.objects.all().delete()
    cache.clear()
    client.force_login(organizer)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/composition/?term=2021").content.decode()
    assert "elections_seat" in " ".join(q["sql"] for q in queries.captured_queries)
    assert coverage_on(html) == (2, 8)


def test_a_moved_reference_date_is_counted_live(client, organizer, stored):
    """The window moved: the stored count is of the old window, the card of the new one."""
    stored.t2021.reference_date = dt.date(2021, 6, 15)  # the 10 May check-ins are before it
    stored.t2021.save()
    cache.clear()
    client.force_login(organizer)
    html = client.get("/composition/?term=2021").content.decode()
    assert coverage_on(html) == (1, 8)  # only the 1 July check-in is inside


def test_a_check_in_refreshes_the_stored_row(
    client, organizer, stored, django_capture_on_commit_callbacks
):
    client.force_login(organizer)
    assert coverage_on(client.get("/composition/?term=2021").content.decode()) == (2, 8)
    person = Seat.objects.current().filter(term=stored.t2021, body=Body.VILLAGERS_COMMITTEE)[0]
    with django_capture_on_commit_callbacks(execute=True):
        check_in(person.person, stored.county, organizer)
    row = TrainingCoverage.objects.get(term=stored.t2021, scope_code=stored.county.code)
    assert (row.completed, row.members) == (3, 8)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/composition/?term=2021").content.decode()
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "training_enrolment" not in sql and "elections_seat" not in sql
    assert coverage_on(html) == (3, 8)


def test_a_session_of_check_ins_refreshes_once(
    stored, organizer, monkeypatch, django_capture_on_commit_callbacks
):
    """Ten enrolments in one transaction: one refresh of the county after the commit."""
    calls = []
    real = coverage.refresh_county
    monkeypatch.setattr(coverage, "refresh_county", lambda *a: calls.append(a) or real(*a))
    seats = Seat.objects.current().filter(term=stored.t2021, body__in=[Body.PARTY_COMMITTEE])
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            session = TrainingSessionFactory(county=stored.county)
            for seat in seats:
                EnrolmentFactory(session=session, person=seat.person)
    assert calls == [(stored.t2021.pk, stored.county.pk)]


def test_a_recompute_refreshes_the_county_it_touched(
    client, organizer, stored, django_capture_on_commit_callbacks
):
    seat = (
        Seat.objects.current()
        .filter(term=stored.t2021, body=Body.VILLAGERS_COMMITTEE, post=Post.MEMBER)
        .first()
    )
    Seat.objects.filter(pk=seat.pk).update(
        ended_on=dt.date(2022, 1, 1), end_reason=SeatEndReason.RESIGNATION
    )
    with django_capture_on_commit_callbacks(execute=True):
        composition_recompute(term_id=stored.t2021.pk, village_ids=[seat.village_id])
    row = TrainingCoverage.objects.get(term=stored.t2021, scope_code=stored.county.code)
    assert row.members == 7
    town = TrainingCoverage.objects.get(term=stored.t2021, scope_code=stored.township.code)
    assert town.members == 5
    client.force_login(organizer)
    assert coverage_on(client.get("/composition/?term=2021").content.decode()) == (2, 7)


def test_an_older_count_does_not_replace_a_newer_one(stored):
    row = TrainingCoverage.objects.get(term=stored.t2021, scope_code=stored.county.code)
    TrainingCoverage.objects.filter(pk=row.pk).update(
        computed_at=row.computed_at + dt.timedelta(hours=1), completed=5
    )
    assert coverage.refresh_county(stored.t2021.pk, stored.county.pk) == 0
    assert TrainingCoverage.objects.get(pk=row.pk).completed == 5


def test_the_command_fills_existing_data(small_county):
    composition_recompute(term_id=small_county.t2021.pk)  # in the test's transaction: queued
    assert not TrainingCoverage.objects.exists()
    out = io.StringIO()
    call_command("composition_coverage", "--term", "2021", stdout=out)
    assert TrainingCoverage.objects.filter(term=small_county.t2021).count() == 3
    assert "2021 年届 3 个范围已保存" in out.getvalue()


def test_the_demo_ends_with_the_cards_stored(small_county):
    ctx = SimpleNamespace(
        terms={2018: small_county.t2018, 2021: small_county.t2021}, stdout=io.StringIO()
    )
    demo.build(ctx)  # inside the test's transaction, as inside load_demo's
    for term in (small_county.t2018, small_county.t2021):
        for row in rows_of(term):
            assert coverage.stored_report(term, row) == induction_coverage(
                term, county=row.county, township=row.township
            )
