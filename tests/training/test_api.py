"""The training API: scoped reads, writes for organizers and officials, never ID numbers."""

import datetime as dt

import pytest

from core.access import Role
from elections.choices import Post
from tests.factories import PersonFactory
from tests.factories.training import (
    EnrolmentFactory,
    MentorPoolEntryFactory,
    TrainingSessionFactory,
)
from training.choices import EnrolmentStatus

pytestmark = pytest.mark.django_db

BASE = "/api/v1/training/"


def test_organizer_creates_a_session_and_invites_by_audience(api, organizer, term, seat, village):
    seat(village, Post.SECRETARY)
    seat(village, Post.MEMBER)
    client = api(organizer)
    response = client.post(
        BASE + "sessions/",
        {
            "title": "新任书记培训",
            "kind": "induction",
            "starts_on": "2021-05-10",
            "ends_on": "2021-05-11",
            "topics": ["party_building"],
            "methods": ["classroom"],
            "capacity": 50,
            "credit_hours": "16",
            "audience_term": 2021,
            "audience_posts": ["secretary"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["township"] is None and body["topics"] == ["party_building"]
    invite = client.post(f"{BASE}sessions/{body['id']}/invite-audience/")
    assert invite.json() == {"audience": 1, "invited": 1, "already": 0}
    listing = client.get(BASE + "sessions/").json()
    assert listing["count"] == 1 and listing["results"][0]["invited_count"] == 1


def test_capacity_is_a_400_with_the_message(api, organizer, county_session, seat, village):
    seat(village)
    seat(village)
    county_session.capacity = 1
    county_session.save()
    response = api(organizer).post(f"{BASE}sessions/{county_session.pk}/invite-audience/")
    assert response.status_code == 400 and "名额不足" in response.json()["detail"]


def test_check_in_twice_and_absent_without_reason_are_400(api, organizer, county_session):
    enrolment = EnrolmentFactory(session=county_session)
    client = api(organizer)
    url = f"{BASE}enrolments/{enrolment.pk}/"
    first = client.post(
        url + "check-in/", {"checked_in_at": "2021-05-10T08:30:00+08:00"}, format="json"
    )
    assert first.status_code == 200 and first.json()["status"] == "attended"
    assert first.json()["hours_credited"] == "8.0"
    again = client.post(url + "check-in/")
    assert again.status_code == 400 and "不能重复签到" in again.json()["detail"]
    other = EnrolmentFactory(session=county_session)
    assert client.post(f"{BASE}enrolments/{other.pk}/absent/", {}).status_code == 400


def test_inviting_a_person_by_api_then_attendance_only_for_invited(
    api, organizer, county_session, village
):
    person = PersonFactory(village=village)
    client = api(organizer)
    response = client.post(
        BASE + "enrolments/", {"session": county_session.pk, "persons": [person.pk]}, format="json"
    )
    assert response.status_code == 201 and response.json()["invited"] == 1
    enrolments = client.get(BASE + "enrolments/", {"session": county_session.pk}).json()
    assert [e["person"]["id"] for e in enrolments["results"]] == [person.pk]


def test_api_client_reads_but_never_writes_and_never_sees_id_numbers(
    api, api_user, county_session, village
):
    enrolment = EnrolmentFactory(session=county_session, person=PersonFactory(village=village))
    client = api(api_user)
    body = client.get(BASE + "enrolments/").json()
    assert body["count"] == 1
    assert enrolment.person.id_number not in str(body)
    assert "id_number" not in str(body)
    record = client.get(f"{BASE}records/{enrolment.person.pk}/").json()
    assert enrolment.person.id_number not in str(record)
    assert client.post(f"{BASE}enrolments/{enrolment.pk}/check-in/").status_code == 403
    assert client.post(BASE + "sessions/", {}).status_code == 403


def test_viewer_is_read_only(api, viewer, county_session):
    enrolment = EnrolmentFactory(session=county_session)
    client = api(viewer)
    assert client.get(f"{BASE}sessions/{county_session.pk}/").status_code == 200
    assert client.post(f"{BASE}enrolments/{enrolment.pk}/check-in/").status_code == 403


def test_official_gets_404_for_another_townships_session(api, official, county, other_township):
    session = TrainingSessionFactory(county=county, township=other_township)
    enrolment = EnrolmentFactory(session=session)
    client = api(official)
    assert client.get(f"{BASE}sessions/{session.pk}/").status_code == 404
    assert client.post(f"{BASE}enrolments/{enrolment.pk}/check-in/").status_code == 404
    assert client.get(BASE + "sessions/").json()["count"] == 0


def test_official_cannot_check_in_at_a_county_session(api, official, county_session, village):
    enrolment = EnrolmentFactory(session=county_session, person=PersonFactory(village=village))
    response = api(official).post(f"{BASE}enrolments/{enrolment.pk}/check-in/")
    assert response.status_code == 403


def test_official_creates_sessions_for_their_township(api, official, township, term):
    response = api(official).post(
        BASE + "sessions/",
        {
            "title": "以会代训",
            "kind": "meeting",
            "starts_on": "2021-06-01",
            "ends_on": "2021-06-01",
        },
        format="json",
    )
    assert response.status_code == 201 and response.json()["township"] == township.pk


def test_coverage_endpoint(api, organizer, term, seat, village, django_assert_max_num_queries):
    from django.utils import timezone

    done = seat(village, Post.SECRETARY).person
    seat(village, Post.MEMBER)
    EnrolmentFactory(
        session=TrainingSessionFactory(county=village.township.county),
        person=done,
        status=EnrolmentStatus.ATTENDED,
        hours_credited=8,
        checked_in_at=timezone.make_aware(dt.datetime(2021, 5, 30, 17)),
    )
    client = api(organizer)
    # 7: the stored coverage is looked up first (none here: counted live).
    with django_assert_max_num_queries(7):
        body = client.get(BASE + "coverage/", {"term": 2021, "days": 30}).json()
    assert body["total"]["members"] == 2 and body["total"]["percent"] == "50.00"
    assert body["window_end"] == "2021-05-30"
    assert [row["person"]["id"] for row in body["outstanding"]] != [done.pk]
    assert len(body["outstanding"]) == 1
    body = client.get(BASE + "coverage/", {"term": 2021, "days": 29}).json()
    assert body["total"]["completed"] == 0
    assert client.get(BASE + "coverage/", {"days": "x"}).status_code == 400


def test_mentoring_via_api(api, official, village):
    mentor = MentorPoolEntryFactory(person=PersonFactory(village=village))
    mentees = [PersonFactory(village=village), PersonFactory(village=village)]
    client = api(official)
    response = client.post(
        BASE + "mentorships/",
        {
            "mentors": [mentor.pk],
            "mentees": [p.pk for p in mentees],
            "started_on": "2021-06-01",
            "goals": "熟悉村务",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pair = response.json()
    assert pair["is_stale"] is True  # no check-in since 2021
    response = client.post(
        f"{BASE}mentorships/{pair['id']}/check-ins/",
        {"date": dt.date.today().isoformat(), "note": "谈心"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["is_stale"] is False
    response = client.post(
        f"{BASE}mentorships/{pair['id']}/end/",
        {"ended_on": dt.date.today().isoformat(), "outcome": "achieved"},
        format="json",
    )
    assert response.json()["status"] == "ended"
    selfish = client.post(
        BASE + "mentorships/",
        {
            "mentors": [mentor.pk],
            "mentees": [mentor.person.pk],
            "started_on": "2021-06-01",
            "goals": "x",
        },
        format="json",
    )
    assert selfish.status_code == 400


def test_lists_have_fixed_query_counts(
    api, organizer, county, village, django_assert_max_num_queries
):
    for _ in range(8):
        session = TrainingSessionFactory(county=county)
        EnrolmentFactory(session=session, person=PersonFactory(village=village))
    client = api(organizer)
    with django_assert_max_num_queries(6):
        assert client.get(BASE + "sessions/").json()["count"] == 8
    with django_assert_max_num_queries(6):
        assert client.get(BASE + "enrolments/").json()["count"] == 8
    with django_assert_max_num_queries(6):
        assert client.get(BASE + "records/").json()["count"] == 8
    with django_assert_max_num_queries(8):
        assert client.get(BASE + "mentorships/").json()["count"] == 0


def test_unauthenticated_is_refused(api):
    assert api().get(BASE + "sessions/").status_code in (401, 403)


def test_reviewer_cannot_read_training(api, make_user):
    reviewer = make_user(Role.DEPARTMENT_REVIEWER)
    assert api(reviewer).get(BASE + "sessions/").status_code == 403
