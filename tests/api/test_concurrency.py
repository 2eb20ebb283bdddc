"""The same concurrency contract on every versioned resource: a retrieve carries ETag
"<version>", a stale If-Match is a 412, a stale body `version` a 409, both problems."""

import pytest

from tests.factories import PersonFactory, TermFactory
from tests.factories.elections import ElectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(village):
    term = TermFactory(year=2021)
    return {
        "elections": (ElectionFactory(village=village, term=term), {"present": 790}),
        "people": (PersonFactory(village=village), {"phone": "13800000000"}),
    }


@pytest.mark.parametrize("resource", ["elections", "people"])
def test_etag_if_match_412_and_body_version_409(api, official, rows, resource):
    row, change = rows[resource]
    client = api(official)
    url = f"/api/v1/{resource}/{row.pk}/"
    read = client.get(url)
    etag = read["ETag"]
    assert etag == f'"{read.json()["version"]}"'
    stale = f'"{read.json()["version"] + 5}"'
    response = client.patch(url, change, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412 and response["Content-Type"].startswith(
        "application/problem+json"
    )
    response = client.patch(url, {**change, "version": read.json()["version"] + 5}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    response = client.patch(url, change, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert response["ETag"] == f'"{response.json()["version"]}"' != etag
