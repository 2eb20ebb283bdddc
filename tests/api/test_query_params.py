"""Schema-invalid query parameters are refused with a 400 naming the parameter, never
silently ignored: a sync that asked for `current=maybe` must not get everything."""

import pytest

from core.api import Pagination

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url,params,field",
    [
        ("/api/v1/villages/", {"page_size": "0"}, "page_size"),
        ("/api/v1/villages/", {"page_size": "-5"}, "page_size"),
        ("/api/v1/villages/", {"page_size": "x"}, "page_size"),
        ("/api/v1/villages/", {"page_size": "501"}, "page_size"),
        ("/api/v1/villages/", {"page": "0"}, "page"),
        ("/api/v1/villages/", {"page": "x"}, "page"),
        ("/api/v1/villages/", {"ordering": "secret"}, "ordering"),
        ("/api/v1/villages/", {"ordering": "name,-nope"}, "ordering"),
        ("/api/v1/seats/", {"current": "maybe"}, "current"),
        ("/api/v1/seats/", {"county": "abc"}, "county"),
        ("/api/v1/villages/", {"county": "14102"}, "county"),
        ("/api/v1/elections/", {"state": "nonsense"}, "state"),
    ],
)
def test_refused_with_a_400_naming_the_parameter(api, organizer, village, url, params, field):
    response = api(organizer).get(url, params)
    assert response.status_code == 400, response.content
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_valid_values_still_work(api, organizer, village):
    client = api(organizer)
    for params in (
        {"page_size": "500", "page": "1"},
        {"ordering": "-name,code"},
        {"county": "141028"},
    ):
        response = client.get("/api/v1/villages/", params)
        assert response.status_code == 200 and response.json()["count"] == 1, params
    assert client.get("/api/v1/seats/", {"current": "true"}).status_code == 200
    assert client.get("/api/v1/villages/", {"page": "2"}).status_code == 404


def test_the_schema_documents_the_limits(api, organizer):
    schema = api(organizer).get("/api/schema/", {"format": "json"}).json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/villages/"]["get"]["parameters"]}
    assert parameters["page_size"]["schema"]["maximum"] == Pagination.max_page_size
    assert parameters["page_size"]["schema"]["minimum"] == 1
    assert "-name" in parameters["ordering"]["schema"]["enum"]
    assert parameters["county"]["schema"]["pattern"] == "^[0-9]{6}$"
