"""Training pages at a province's size (issue 17 §4, bench/pages_every.py): the mentor pool,
the coverage page and its API read the same number of queries for N and 3N villages, as the
county organizer and as the administrator; the API's outstanding list comes a page at a time."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from elections.choices import Body, Post
from tests.factories import PersonFactory, TermFactory, VillageFactory
from tests.factories.elections import SeatFactory
from tests.factories.training import (
    EnrolmentFactory,
    MentorPoolEntryFactory,
    TrainingSessionFactory,
)
from tests.scale import assert_flat
from training.choices import EnrolmentStatus
from training.models import MentorPoolEntry

URLS = [
    "/training/mentors/",
    "/training/coverage/?term=2021",
    "/api/v1/training/coverage/?term=2021",
    "/training/sessions/new/",
    "/training/",
    "/api/v1/training/records/",
]


@pytest.fixture
def grow(county, township):
    """grow(n): n more villages, each with two 2021 members invited to the county's
    induction: one checked in within the window, one not; the first also in the mentor pool."""
    term = TermFactory(year=2021)
    session = TrainingSessionFactory(county=county, starts_on=dt.date(2021, 5, 10))
    checked_in = timezone.make_aware(dt.datetime(2021, 5, 10, 9))

    def add(n):
        for _ in range(n):
            village = VillageFactory(township=township)
            for index, post in enumerate((Post.DIRECTOR, Post.MEMBER)):
                person = PersonFactory(village=village)
                SeatFactory(
                    village=village,
                    term=term,
                    person=person,
                    body=Body.VILLAGERS_COMMITTEE,
                    post=post,
                )
                if index == 0:
                    EnrolmentFactory(
                        session=session,
                        person=person,
                        status=EnrolmentStatus.ATTENDED,
                        checked_in_at=checked_in,
                        hours_credited=8,
                    )
                    MentorPoolEntryFactory(person=person)
                else:
                    EnrolmentFactory(session=session, person=person)

    return add


@pytest.mark.parametrize("role", ["organizer", "admin_user_"])
def test_training_pages_read_the_same_queries_for_n_and_3n_villages(client, grow, role, request):
    user = request.getfixturevalue(role)
    client.force_login(user)
    assert_flat(client, URLS, grow, first=2, then=4, most=12)


def test_the_coverage_api_lists_the_outstanding_a_page_at_a_time(api, organizer, grow, monkeypatch):
    """A province's administrator got all 150,000 outstanding in one answer (34 MB, and a
    query per person for the village's name); now a page of 100 and their number."""
    monkeypatch.setattr("training.api.views.OUTSTANDING_PAGE", 2)
    grow(3)
    client = api(organizer)
    first = client.get("/api/v1/training/coverage/?term=2021").json()
    assert first["total"]["members"] == 6 and first["total"]["completed"] == 3
    assert first["outstanding_count"] == 3 and first["outstanding_page"] == 1
    assert len(first["outstanding"]) == 2
    assert all(row["person"]["village_name"] for row in first["outstanding"])
    second = client.get("/api/v1/training/coverage/?term=2021&page=2").json()
    assert second["outstanding_page"] == 2 and len(second["outstanding"]) == 1
    names = {row["person"]["id"] for row in first["outstanding"] + second["outstanding"]}
    assert len(names) == 3


def test_the_mentor_picker_offers_only_people_not_yet_in_the_pool(client, organizer, grow):
    grow(2)
    client.force_login(organizer)
    html = client.get("/training/mentors/").content.decode()
    select = html.split('name="person"', 1)[1].split("</select>", 1)[0]
    pooled = set(MentorPoolEntry.objects.values_list("person_id", flat=True))
    offered = {int(v) for v in re.findall(r'<option value="(\d+)"', select)}
    assert offered and not offered & pooled


def test_the_session_form_lists_the_audience_villages_and_keeps_the_chosen(
    client, organizer, county, township
):
    """The audience select is written from values (core.forms.QuickSelectMultiple): a
    province's 20,328 villages took the template a second."""
    villages = [VillageFactory(township=township) for _ in range(3)]
    session = TrainingSessionFactory(county=county)
    session.audience_villages.set(villages[:2])
    client.force_login(organizer)
    html = client.get(f"/training/sessions/{session.pk}/edit/").content.decode()
    select = re.search(r'<select name="audience_villages"[^>]*>.*?</select>', html, re.S).group(0)
    assert "multiple" in select.split(">", 1)[0]
    options = re.findall(r'<option value="(\d+)"( selected)?>([^<]*)</option>', select)
    assert {(pk, name) for pk, _s, name in options} == {(str(v.pk), v.name) for v in villages}
    assert {pk for pk, selected, _n in options if selected} == {str(v.pk) for v in villages[:2]}


def test_the_records_list_counts_each_persons_sessions_and_hours(api, organizer, grow):
    """Correlated counts now (a join grouped by person took a province's administrator a
    second): the one who attended has 1 session and 8 hours, the one invited 0 and 0."""
    grow(1)
    rows = api(organizer).get("/api/v1/training/records/").json()["results"]
    figures = sorted((row["sessions_attended"], str(row["total_hours"])) for row in rows)
    assert figures == [(0, "0.0"), (1, "8.0")]


def test_the_session_list_counts_each_sessions_invitations(api, organizer, grow):
    """Correlated counts (a join grouped every invitation of the scope first)."""
    grow(3)
    session = api(organizer).get("/api/v1/training/sessions/").json()["results"][0]
    assert (session["invited_count"], session["attended_count"], session["absent_count"]) == (
        6,
        3,
        0,
    )
