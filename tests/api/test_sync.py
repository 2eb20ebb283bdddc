"""Sync that misses nothing (core.sync): derived changes bring rows back, updated_since is
exclusive, the cursor resumes, deletions leave tombstones, results and seats carry codes."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from core.models import Tombstone
from tests.factories import TermFactory
from tests.factories.elections import ElectionCandidateFactory, ElectionFactory, SeatFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def term(db):
    return TermFactory(year=2021)


def sync_all(client, url, cursor=""):
    """Every page from `cursor`; returns (rows by id, the cursor to resume from)."""
    rows, params = {}, {"cursor": cursor, "page_size": 2}
    while True:
        body = client.get(url, params).json()
        rows.update({row["id"]: row for row in body["results"]})
        if not body["next"]:
            return rows, body["cursor"]
        params = {"cursor": body["next"].split("cursor=")[1].split("&")[0], "page_size": 2}


def test_updated_since_is_exclusive_and_counts_embedded_changes(api, organizer, village, term):
    seat = SeatFactory(village=village, term=term)
    stamp = seat.updated_at
    client = api(organizer)
    assert client.get("/api/v1/seats/", {"updated_since": stamp.isoformat()}).json()["count"] == 0
    person = seat.person
    person.name = "改名"
    person.save()
    rows = client.get("/api/v1/seats/", {"updated_since": stamp.isoformat()}).json()["results"]
    assert [r["person"]["name"] for r in rows] == ["改名"]


def test_certify_brings_results_back(api, organizer, village, term, settings):
    """Certifying changes every result's `state` without touching the result rows."""
    settings.API_SYNC_SETTLE_SECONDS = 0
    election = ElectionFactory(village=village, term=term, state="submitted")
    ElectionCandidateFactory(election=election, votes=10)
    client = api(organizer)
    rows, cursor = sync_all(client, "/api/v1/election-results/")
    assert [r["state"] for r in rows.values()] == ["submitted"]
    stamp = timezone.now()
    time.sleep(0.002)
    election.state = "certified"
    election.save()
    response = client.get("/api/v1/election-results/", {"updated_since": stamp.isoformat()})
    assert [r["state"] for r in response.json()["results"]] == ["certified"]
    rows, _ = sync_all(client, "/api/v1/election-results/", cursor)
    assert [r["state"] for r in rows.values()] == ["certified"]


def test_the_cursor_never_skips_rows_of_the_same_instant(api, organizer, village, term, settings):
    settings.API_SYNC_SETTLE_SECONDS = 0
    moment = timezone.now() - dt.timedelta(minutes=5)
    seats = [SeatFactory(village=village, term=term) for _ in range(5)]
    from elections.models import Seat

    Seat.objects.update(updated_at=moment)  # five rows written in the same microsecond
    client = api(organizer)
    rows, cursor = sync_all(client, "/api/v1/seats/")
    assert sorted(rows) == sorted(s.pk for s in seats)
    assert sync_all(client, "/api/v1/seats/", cursor)[0] == {}
    late = SeatFactory(village=village, term=term)
    assert list(sync_all(client, "/api/v1/seats/", cursor)[0]) == [late.pk]


def test_deletions_leave_tombstones_in_scope(
    api, organizer, official, village, other_village, term
):
    mine = SeatFactory(village=village, term=term)
    theirs = SeatFactory(village=other_village, term=term)
    mine_id = mine.pk
    mine.delete()
    theirs.delete()
    assert Tombstone.objects.count() == 2
    rows = api(official).get("/api/v1/deleted/", {"resource": "seats"}).json()["results"]
    assert [(r["resource"], r["id"]) for r in rows] == [("seats", mine_id)]
    rows, _ = sync_all(api(organizer), "/api/v1/deleted/")
    assert len(rows) == 2


def test_results_and_seats_carry_division_codes(api, organizer, village, term):
    SeatFactory(village=village, term=term)
    ElectionCandidateFactory(election=ElectionFactory(village=village, term=term))
    client = api(organizer)
    for url in ("/api/v1/seats/", "/api/v1/election-results/"):
        row = client.get(url).json()["results"][0]
        assert row["village_code"] == village.code
        assert row["township_code"] == village.township.code


def test_a_bad_cursor_is_a_400(api, organizer):
    response = api(organizer).get("/api/v1/seats/", {"cursor": "!!"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "cursor"


def test_a_plain_list_counts_its_rows_without_joining_what_they_embed(
    api, organizer, village, term
):
    """`changed_at` (the latest of a row's and its embedded rows' updated_at) joins people
    and villages into the count; a list without updated_since does not need it (at a
    province the seats' count took 118-165 ms with the joins, 14-16 ms without)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    SeatFactory(village=village, term=term)
    client = api(organizer)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/seats/").json()["count"] == 1
    counts = [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]
    assert counts and all("people_person" not in sql for sql in counts)
    later = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assert client.get("/api/v1/seats/", {"updated_since": later}).json()["count"] == 0
