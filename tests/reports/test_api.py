"""The detail API: writes through the services for the township's editors, scoped rows, the
recall ending its seat and the by-election's seat of source 补选."""

import pytest

from elections.choices import SeatEndReason, SeatSource
from elections.models import Seat
from reports.models import Recall

from .builders import build_county

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(township, other_township):
    return build_county(township, other_township)


def test_representatives_api_per_role(api, built, official, viewer):
    body = {
        "village": built.dongguan.pk,
        "term": 2021,
        "name": "新代表",
        "gender": "F",
        "party_member": False,
        "chosen_by": "households",
    }
    assert (
        api(viewer).post("/api/v1/reports/representatives/", body, format="json").status_code == 403
    )
    created = api(official).post("/api/v1/reports/representatives/", body, format="json")
    assert created.status_code == 201, created.content
    other = {**body, "village": built.xiping.pk}
    refused = api(official).post("/api/v1/reports/representatives/", other, format="json")
    assert refused.status_code == 400  # another township's village: not theirs
    listed = api(official).get("/api/v1/reports/representatives/?page_size=100").json()
    assert {row["village"] for row in listed["results"]} == {built.dongguan.pk}


def test_recall_api_ends_the_seat_and_by_election_makes_one(api, built, make_user):
    from core.access import Role

    official = make_user(Role.TOWNSHIP_OFFICIAL, township=built.xiping.township)
    seat = Seat.objects.get(person__name="西3", term=built.t2021, ended_on__isnull=True)
    body = {
        "seat": seat.pk,
        "requested_by": "voters",
        "requesters": 50,
        "eligible": 500,
        "requested_on": "2024-01-02",
        "voted_on": "2024-02-02",
        "registered": 500,
        "voted": 300,
        "agreed": 200,
    }
    too_few = api(official).post("/api/v1/reports/recalls/", body, format="json")
    assert too_few.status_code == 400 and Recall.objects.count() == 1
    body["requesters"] = 100
    made = api(official).post("/api/v1/reports/recalls/", body, format="json")
    assert made.status_code == 201 and made.json()["passed"] is True
    seat.refresh_from_db()
    assert seat.end_reason == SeatEndReason.RECALL
    from people.models import Person

    person = Person.objects.filter(village=built.xiping).exclude(seats__term=built.t2021).first()
    if person is None:
        from tests.factories import PersonFactory

        person = PersonFactory(village=built.xiping)
    by = api(official).post(
        "/api/v1/reports/by-elections/",
        {
            "village": built.xiping.pk,
            "term": 2021,
            "person": person.pk,
            "post": "member",
            "reason": "recall",
            "recall": made.json()["id"],
            "held_on": "2024-03-03",
            "registered": 500,
            "voted": 300,
            "votes": 200,
        },
        format="json",
    )
    assert by.status_code == 201, by.content
    assert Seat.objects.get(pk=by.json()["seat"]).source == SeatSource.BY_ELECTION


def test_village_detail_of_another_township_answers_like_a_missing_one(api, built, official):
    other = api(official).post(
        "/api/v1/reports/village-details/",
        {"village": built.xiping.pk, "term": 2021, "committee_size": 7},
        format="json",
    )
    missing = api(official).post(
        "/api/v1/reports/village-details/",
        {"village": 10**9, "term": 2021, "committee_size": 7},
        format="json",
    )
    assert other.status_code == missing.status_code == 400
    mine = api(official).post(
        "/api/v1/reports/village-details/",
        {"village": built.dongguan.pk, "term": 2021, "committee_size": 7},
        format="json",
    )
    assert mine.status_code == 201 and mine.json()["committee_size"] == 7
