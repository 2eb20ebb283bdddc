"""The API: scoping, filters incl. updated_since, writes by role, no ID numbers for clients."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIRequestFactory

from core.access import Role
from elections.api.serializers import SeatSerializer
from elections.choices import Body, ElectionState, Post
from elections.models import Election, Seat
from people.choices import Gender
from tests.factories import PersonFactory, TermFactory, VillageFactory
from tests.factories.elections import ElectionCandidateFactory, ElectionFactory, SeatFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def term():
    return TermFactory(year=2021)


def test_api_client_reads_seats_without_id_numbers(api, api_user, village, term):
    SeatFactory(village=village, term=term, body=Body.PARTY_COMMITTEE, post=Post.SECRETARY)
    data = api(api_user).get("/api/v1/seats/").json()
    assert data["count"] == 1
    assert data["results"][0]["person"]["id_number"] is None
    assert data["results"][0]["post"] == "secretary"
    election = ElectionFactory(village=village, term=term)
    ElectionCandidateFactory(election=election, votes=500)
    results = api(api_user).get("/api/v1/election-results/").json()["results"]
    assert results[0]["person"]["id_number"] is None
    detail = api(api_user).get(f"/api/v1/elections/{election.pk}/").json()
    assert detail["candidates"][0]["person"]["id_number"] is None


def test_staff_see_masked_id_numbers(api, viewer, village, term):
    seat = SeatFactory(village=village, term=term)
    shown = api(viewer).get("/api/v1/seats/").json()["results"][0]["person"]["id_number"]
    assert shown == seat.person.id_number_masked


def test_api_client_cannot_write(api, api_user, village, term):
    response = api(api_user).post(
        "/api/v1/elections/",
        {
            "village": village.pk,
            "term": 2021,
            "body": "party",
            "held_on": "2021-03-01",
        },
        format="json",
    )
    assert response.status_code == 403


def test_filters_and_updated_since(api, organizer, village, other_village, term):
    old_term = TermFactory(year=2018)
    SeatFactory(village=village, term=term, body=Body.PARTY_COMMITTEE, post=Post.SECRETARY)
    SeatFactory(village=other_village, term=term, body=Body.VILLAGERS_COMMITTEE, post=Post.DIRECTOR)
    SeatFactory(village=village, term=old_term)
    client = api(organizer)
    assert client.get("/api/v1/seats/", {"term": 2021}).json()["count"] == 2
    assert client.get("/api/v1/seats/", {"post": "director"}).json()["count"] == 1
    assert client.get("/api/v1/seats/", {"body": "party"}).json()["count"] == 2
    assert client.get("/api/v1/seats/", {"village": village.pk}).json()["count"] == 2
    assert (
        client.get("/api/v1/seats/", {"township": other_village.township_id}).json()["count"] == 1
    )
    assert client.get("/api/v1/seats/", {"county": "141028"}).json()["count"] == 3
    later = timezone.now() + dt.timedelta(seconds=1)
    assert client.get("/api/v1/seats/", {"updated_since": later.isoformat()}).json()["count"] == 0
    Seat.objects.filter(village=other_village).update(updated_at=later + dt.timedelta(minutes=1))
    assert client.get("/api/v1/seats/", {"updated_since": later.isoformat()}).json()["count"] == 1


def test_seat_list_query_count(api, organizer, village, term, django_assert_max_num_queries):
    for _ in range(20):
        SeatFactory(village=village, term=term)
    with django_assert_max_num_queries(8):
        response = api(organizer).get("/api/v1/seats/")
    assert response.json()["count"] == 20


def test_election_list_query_count(api, organizer, township, term, django_assert_max_num_queries):
    for index in range(10):
        code = f"{township.code}{400 + index:03d}"
        election = ElectionFactory(village=VillageFactory(township=township, code=code), term=term)
        ElectionCandidateFactory(election=election, votes=10)
    with django_assert_max_num_queries(10):
        response = api(organizer).get("/api/v1/elections/")
    assert response.json()["count"] == 10


def test_official_is_scoped_to_township(api, official, village, other_village, term):
    ElectionFactory(village=village, term=term)
    theirs = ElectionFactory(village=other_village, term=term)
    client = api(official)
    assert client.get("/api/v1/elections/").json()["count"] == 1
    assert client.get(f"/api/v1/elections/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/elections/{theirs.pk}/submit/").status_code == 404
    response = client.post(
        "/api/v1/elections/",
        {
            "village": other_village.pk,
            "term": 2021,
            "body": "party",
            "held_on": "2021-03-01",
        },
        format="json",
    )
    # answered like a village that does not exist (tests/api/test_errors.py)
    assert response.status_code == 400 and "village" in response.json()["errors"][0]["field"]


def test_full_flow_through_the_api(api, official, organizer, village, term):
    people = [
        PersonFactory(village=village, gender=g)
        for g in (Gender.MALE, Gender.FEMALE, Gender.MALE, Gender.MALE, Gender.MALE)
    ]
    client = api(official)
    created = client.post(
        "/api/v1/elections/",
        {
            "village": village.pk,
            "term": 2021,
            "body": "party",
            "held_on": "2021-03-01",
            "seats_chair": 1,
            "seats_deputy": 0,
            "seats_member": 2,
            "entitled": 50,
            "present": 45,
            "ballots_issued": 45,
            "ballots_returned": 45,
            "ballots_valid": 45,
            "ballots_invalid": 0,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk, version = created.json()["id"], created.json()["version"]
    candidates = [
        {"person": people[0].pk, "votes": 40, "post": "secretary"},
        {"person": people[1].pk, "votes": 35, "post": "member"},
        {"person": people[2].pk, "votes": 30, "post": "member"},
        {"person": people[3].pk, "votes": 5},
    ]
    updated = client.patch(
        f"/api/v1/elections/{pk}/", {"candidates": candidates, "version": version}, format="json"
    )
    assert updated.status_code == 200, updated.json()
    assert updated.json()["findings"] == []
    stale = client.patch(
        f"/api/v1/elections/{pk}/", {"present": 44, "version": version}, format="json"
    )
    assert stale.status_code == 409
    assert client.post(f"/api/v1/elections/{pk}/submit/").json()["state"] == "submitted"
    assert client.post(f"/api/v1/elections/{pk}/certify/").status_code == 403
    certified = api(organizer).post(f"/api/v1/elections/{pk}/certify/")
    assert certified.json()["state"] == ElectionState.CERTIFIED
    assert Seat.objects.filter(election_id=pk).count() == 3
    no_reason = api(organizer).post(f"/api/v1/elections/{pk}/unlock/", {}, format="json")
    assert no_reason.status_code == 400
    unlocked = api(organizer).post(
        f"/api/v1/elections/{pk}/unlock/", {"reason": "误录"}, format="json"
    )
    assert unlocked.json()["state"] == "draft" and unlocked.json()["unlock_reason"] == "误录"
    assert not Seat.objects.filter(election_id=pk).exists()


def test_submit_with_failing_check_is_400_with_the_rule(api, official, village, term):
    election = ElectionFactory(
        village=village,
        term=term,
        body=Body.PARTY_COMMITTEE,
        entitled=50,
        present=40,
        ballots_issued=40,
        ballots_returned=40,
        ballots_valid=40,
        ballots_invalid=0,
    )
    for votes in (30, 30, 30, 5):
        ElectionCandidateFactory(
            election=election, votes=votes, post=Post.MEMBER if votes == 30 else ""
        )
    response = api(official).post(f"/api/v1/elections/{election.pk}/submit/")
    assert response.status_code == 400
    assert "五分之四" in response.json()["detail"]
    assert Election.objects.get().state == "draft"


def test_seat_end_action(api, official, village, term):
    seat = SeatFactory(village=village, term=term)
    response = api(official).post(
        f"/api/v1/seats/{seat.pk}/end/",
        {"ended_on": "2022-01-05", "reason": "transfer", "note": "调任乡镇"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["end_reason"] == "transfer"


def test_role_matrix_reads(api, make_user, village, term):
    SeatFactory(village=village, term=term)
    for role in Role:
        user = make_user(role)
        status = api(user).get("/api/v1/seats/").status_code
        expected = 403 if role in {Role.DEPARTMENT_REVIEWER, Role.LIAISON_LEADER} else 200
        assert status == expected, role


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COUNTY_VIEWER, Role.API_CLIENT])
def test_seat_list_reads_only_the_written_columns_and_writes_what_whole_seats_write(
    api, make_user, village, term, role
):
    """The list reads the columns SeatSerializer writes (SeatViewSet.list_columns): the
    same JSON as whole seats give, for a role that sees ID numbers and birth dates and for
    those that do not, and no column is loaded afterwards row by row."""
    SeatFactory.create_batch(3, village=village, term=term)
    user = make_user(role)
    client = api(user)
    few = _queries(client, "/api/v1/seats/")
    SeatFactory.create_batch(3, village=village, term=term)
    assert _queries(client, "/api/v1/seats/") == few
    request = APIRequestFactory().get("/api/v1/seats/")
    request.user = user
    whole = Seat.objects.select_related("person", "village__township", "term").order_by("pk")
    expected = SeatSerializer(whole, many=True, context={"request": request}).data
    assert client.get("/api/v1/seats/").json()["results"] == json.loads(json.dumps(expected))
