"""Bad input to the training API is a clear 4xx in Chinese, never a server error (schemathesis
found these as 500s)."""

import pytest
from django.test import Client

from tests.factories import PersonFactory
from tests.factories.training import EnrolmentFactory, MentorPoolEntryFactory
from tests.problems import errors

pytestmark = pytest.mark.django_db

BASE = "/api/v1/training/"
HUGE = "99999999999999999999"


@pytest.fixture(params=["official", "organizer"])
def client(request, api):
    """The API as a township official and as a county organizer."""
    return api(request.getfixturevalue(request.param))


@pytest.mark.parametrize("pk", ["null,null", "abc", "-1", HUGE, "1.5"])
@pytest.mark.parametrize("prefix", ["records", "sessions", "enrolments", "mentors", "mentorships"])
def test_a_malformed_id_in_the_path_is_not_found(client, prefix, pk):
    response = client.get(f"{BASE}{prefix}/{pk}/")
    assert response.status_code == 404


@pytest.mark.parametrize("year", ["0", "-5", "10000", HUGE, "2021.5"])
def test_an_out_of_range_year_is_a_400_that_names_the_year(client, year):
    response = client.get(BASE + "sessions/", {"year": year})
    assert response.status_code == 400
    assert "year" in errors(response)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(errors(response)["year"]))


def test_a_valid_year_still_filters(client, township_session):
    assert client.get(BASE + "sessions/", {"year": 2021}).json()["count"] == 1
    assert client.get(BASE + "sessions/", {"year": 2020}).json()["count"] == 0


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("enrolments/", "session"),
        ("enrolments/", "person"),
        ("enrolments/", "township"),
        ("mentorships/", "person"),
        ("mentorships/", "township"),
        ("mentors/", "township"),
        ("sessions/", "township"),
    ],
)
@pytest.mark.parametrize("value", [HUGE, "-1", "0", "1.5"])
def test_an_out_of_range_id_filter_is_a_400(client, path, param, value):
    response = client.get(BASE + path, {param: value})
    assert response.status_code == 400
    assert param in errors(response)


@pytest.mark.parametrize("bad", [99999999999999999999, -1, 0])
@pytest.mark.parametrize("field", ["mentors", "mentees"])
def test_a_mentorship_with_an_out_of_range_id_is_a_400_in_chinese(client, village, field, bad):
    mentor = MentorPoolEntryFactory(person=PersonFactory(village=village))
    mentee = PersonFactory(village=village)
    body = {
        "mentors": [mentor.pk],
        "mentees": [mentee.pk],
        "started_on": "2021-06-01",
        "goals": "熟悉村务",
    }
    body[field] = [bad]
    response = client.post(BASE + "mentorships/", body, format="json")
    assert response.status_code == 400
    assert field in errors(response)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(errors(response)[field]))


@pytest.mark.parametrize("bad", [99999999999999999999, -1])
def test_other_writes_with_out_of_range_ids_are_a_400(client, village, township_session, bad):
    response = client.post(BASE + "enrolments/", {"session": bad, "persons": [1]}, format="json")
    assert response.status_code == 400
    assert "session" in errors(response)
    response = client.post(
        BASE + "enrolments/", {"session": township_session.pk, "persons": [bad]}, format="json"
    )
    assert response.status_code == 400
    response = client.post(
        BASE + "mentors/", {"person_id": bad, "level": "township"}, format="json"
    )
    assert response.status_code == 400
    assert "person_id" in errors(response)


@pytest.mark.parametrize("params", [{"term": HUGE}, {"days": HUGE}, {"term": "0"}, {"days": "-1"}])
def test_coverage_with_out_of_range_params_is_a_400(client, term, params):
    assert client.get(BASE + "coverage/", params).status_code == 400


def test_enrolment_filter_by_session_still_works(client, township_session, village):
    EnrolmentFactory(session=township_session, person=PersonFactory(village=village))
    response = client.get(BASE + "enrolments/", {"session": township_session.pk})
    assert response.json()["count"] == 1


@pytest.mark.parametrize(
    "path",
    [
        f"/training/sessions/{HUGE}/",
        f"/training/sessions/{HUGE}/edit/",
        f"/training/sessions/{HUGE}/roll-call/",
        f"/training/sessions/{HUGE}/attendance.xlsx",
        f"/training/mentorships/{HUGE}/",
    ],
)
def test_pages_with_an_out_of_range_id_are_not_found(web, path):
    assert web.get(path).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "/training/?year=0",
        f"/training/?year={HUGE}",
        "/training/?township=-1",
        f"/training/mentors/?township={HUGE}",
        f"/training/mentorships/?person={HUGE}",
        f"/training/coverage/?term={HUGE}&days={HUGE}",
    ],
)
def test_pages_with_out_of_range_filters_still_render(web, query):
    assert web.get(query).status_code == 200


@pytest.fixture(params=["official", "organizer"])
def web(request):
    browser = Client()
    browser.force_login(request.getfixturevalue(request.param))
    return browser


@pytest.mark.parametrize(
    "action", ["enrolments/{e}/absent/", "sessions/{s}/status/", "mentorships/{m}/end/"]
)
def test_an_action_on_another_townships_object_is_a_404_even_with_a_bad_body(
    api, official, county, other_township, other_village, action
):
    from tests.factories.training import MentorshipFactory, TrainingSessionFactory

    session = TrainingSessionFactory(county=county, township=other_township)
    enrolment = EnrolmentFactory(session=session, person=PersonFactory(village=other_village))
    pair = MentorshipFactory(county=county, township=other_township)
    url = BASE + action.format(e=enrolment.pk, s=session.pk, m=pair.pk)
    assert api(official).post(url, {}, format="json").status_code == 404


@pytest.mark.parametrize("bad", [HUGE, "-1", "abc"])
def test_pages_refuse_out_of_range_people_in_a_form(web, village, township_session, bad):
    mentor = MentorPoolEntryFactory(person=PersonFactory(village=village))
    response = web.post(
        "/training/mentorships/new/",
        {"mentors": [mentor.pk], "mentees": [bad], "started_on": "2021-06-01", "goals": "熟悉村务"},
    )
    assert response.status_code == 400  # the form again, with the field's error
    assert f"“{bad}”不是一个有效的值" in response.content.decode()
    response = web.post(
        f"/training/sessions/{township_session.pk}/do/invite-people/", {"persons": [bad]}
    )
    assert response.status_code < 500
