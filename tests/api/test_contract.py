"""Small parts of the contract: /me names ids and codes; the joint-review departments are
listed; unknown API addresses answer with a problem, not a page."""

import pytest

from candidates import services
from core.access import Role

pytestmark = pytest.mark.django_db


def test_me_returns_ids_and_codes(api, official, township):
    body = api(official).get("/api/v1/me/").json()
    assert body["id"] == official.pk
    assert (body["county_id"], body["county_code"]) == (township.county_id, "141028")
    assert (body["township_id"], body["township_code"]) == (township.pk, "141028100")


def test_me_of_a_user_without_a_township(api, make_user):
    body = api(make_user(Role.ADMIN)).get("/api/v1/me/").json()
    assert body["county_id"] is None and body["township_code"] is None


def test_review_departments_are_listed(api, reviewer, county):
    services.review_departments_ensure(county=county)
    rows = api(reviewer).get("/api/v1/review-departments/").json()
    assert rows and {"department", "label", "takes_part", "required", "county_code"} <= set(rows[0])
    assert {row["county_code"] for row in rows} == {"141028"}


def test_an_unknown_api_address_is_a_problem(api, official):
    response = api(official).get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "not_found"


def test_term_is_the_year_on_every_resource(api, organizer, village, county):
    from tests.factories import TermFactory
    from tests.factories.candidates import CandidacyFactory
    from tests.factories.elections import ElectionCandidateFactory, ElectionFactory, SeatFactory
    from tests.factories.training import TrainingSessionFactory

    term = TermFactory(year=2021)
    CandidacyFactory(village=village, term=term)
    SeatFactory(village=village, term=term)
    ElectionCandidateFactory(election=ElectionFactory(village=village, term=term))
    TrainingSessionFactory(county=county, audience_term=term)
    client = api(organizer)
    for url, field in (
        ("/api/v1/candidacies/", "term"),
        ("/api/v1/seats/", "term"),
        ("/api/v1/election-results/", "term"),
        ("/api/v1/elections/", "term"),
        ("/api/v1/training/sessions/", "audience_term"),
    ):
        assert client.get(url).json()["results"][0][field] == 2021, url
