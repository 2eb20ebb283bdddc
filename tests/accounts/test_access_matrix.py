"""Every role (and anonymous) against every foundation page and endpoint.

Expected status per role: reads of own-scope objects, writes, and objects of another
township, which must be 404 (never another township's data)."""

import pytest
from django.urls import reverse

from core.access import Role
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", Role.ADMIN, Role.COUNTY_ORGANIZER, Role.COUNTY_VIEWER,
         Role.TOWNSHIP_OFFICIAL, Role.DEPARTMENT_REVIEWER, Role.API_CLIENT]


@pytest.fixture
def world(make_user, village, other_village):
    users = {role: make_user(role) for role in ROLES if role != "anonymous"}
    users["anonymous"] = None
    return {
        "users": users,
        "village": village,
        "other_village": other_village,
        "person": PersonFactory(village=village),
        "other_person": PersonFactory(village=other_village),
    }


# (name, url builder) -> expected status per role, in ROLES order.
PAGE_MATRIX = [
    ("home", lambda w: reverse("home"), [302, 200, 200, 200, 200, 200, 200]),
    ("village list", lambda w: reverse("registry:village-list"), [302, 200, 200, 200, 200, 403, 403]),
    ("village own", lambda w: reverse("registry:village-detail", args=[w["village"].pk]),
     [302, 200, 200, 200, 200, 403, 403]),
    ("village other township", lambda w: reverse("registry:village-detail", args=[w["other_village"].pk]),
     [302, 200, 200, 200, 404, 403, 403]),
    ("village form", lambda w: reverse("registry:village-create"), [302, 200, 200, 403, 200, 403, 403]),
    ("village edit other", lambda w: reverse("registry:village-update", args=[w["other_village"].pk]),
     [302, 200, 200, 403, 404, 403, 403]),
    ("village import", lambda w: reverse("registry:village-import"), [302, 200, 200, 403, 200, 403, 403]),
    ("people list", lambda w: reverse("people:person-list"), [302, 200, 200, 200, 200, 403, 403]),
    ("person own", lambda w: reverse("people:person-detail", args=[w["person"].pk]),
     [302, 200, 200, 200, 200, 403, 403]),
    ("person other township", lambda w: reverse("people:person-detail", args=[w["other_person"].pk]),
     [302, 200, 200, 200, 404, 403, 403]),
    ("person edit other", lambda w: reverse("people:person-update", args=[w["other_person"].pk]),
     [302, 200, 200, 403, 404, 403, 403]),
    ("terms", lambda w: reverse("registry:term-list"), [302, 200, 200, 200, 200, 403, 403]),
]

API_MATRIX = [
    ("villages", lambda w: "/api/v1/villages/", [401, 200, 200, 200, 200, 403, 200]),
    ("village other township", lambda w: f"/api/v1/villages/{w['other_village'].pk}/",
     [401, 200, 200, 200, 404, 403, 200]),
    ("people", lambda w: "/api/v1/people/", [401, 200, 200, 200, 200, 403, 200]),
    ("person other township", lambda w: f"/api/v1/people/{w['other_person'].pk}/",
     [401, 200, 200, 200, 404, 403, 200]),
    ("townships", lambda w: "/api/v1/townships/", [401, 200, 200, 200, 200, 403, 200]),
    ("counties", lambda w: "/api/v1/counties/", [401, 200, 200, 200, 200, 403, 200]),
    ("terms", lambda w: "/api/v1/terms/", [401, 200, 200, 200, 200, 403, 200]),
    ("me", lambda w: "/api/v1/me/", [401, 200, 200, 200, 200, 200, 200]),
]


@pytest.mark.parametrize(("name", "url", "expected"), PAGE_MATRIX, ids=[r[0] for r in PAGE_MATRIX])
def test_pages(client, world, name, url, expected):
    for role, status in zip(ROLES, expected, strict=True):
        client.logout()
        if world["users"][role]:
            client.force_login(world["users"][role])
        response = client.get(url(world))
        assert response.status_code == status, f"{name} as {role}"


@pytest.mark.parametrize(("name", "url", "expected"), API_MATRIX, ids=[r[0] for r in API_MATRIX])
def test_api_reads(api, world, name, url, expected):
    for role, status in zip(ROLES, expected, strict=True):
        response = api(world["users"][role]).get(url(world))
        assert response.status_code == status, f"{name} as {role}"


def test_lists_hold_only_the_callers_township(api, world):
    official = world["users"][Role.TOWNSHIP_OFFICIAL]
    names = {v["name"] for v in api(official).get("/api/v1/villages/").json()["results"]}
    assert names == {world["village"].name}
    people = api(official).get("/api/v1/people/").json()["results"]
    assert [p["id"] for p in people] == [world["person"].pk]


@pytest.mark.parametrize(
    ("role", "shown"),
    [(Role.ADMIN, "whole"), (Role.COUNTY_ORGANIZER, "whole"), (Role.TOWNSHIP_OFFICIAL, "whole"),
     (Role.COUNTY_VIEWER, "masked"), (Role.API_CLIENT, "absent")],
)
def test_id_numbers_are_whole_masked_or_absent_by_role(api, world, role, shown):
    person = world["person"]
    body = api(world["users"][role]).get(f"/api/v1/people/{person.pk}/").json()
    expected = {"whole": person.id_number, "masked": person.id_number_masked, "absent": None}
    assert body["id_number"] == expected[shown]


def test_viewer_page_shows_masked_id(client, world):
    client.force_login(world["users"][Role.COUNTY_VIEWER])
    html = client.get(reverse("people:person-detail", args=[world["person"].pk])).content.decode()
    assert world["person"].id_number_masked in html
    assert world["person"].id_number not in html


def test_official_cannot_write_into_another_township_through_the_api(api, world):
    official = world["users"][Role.TOWNSHIP_OFFICIAL]
    other = world["other_village"]
    response = api(official).post(
        "/api/v1/villages/", {"township": other.township_id, "code": other.township.code + "299", "name": "新村"}
    )
    assert response.status_code in (400, 403)
    response = api(official).patch(f"/api/v1/villages/{other.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 404


def test_viewer_and_api_client_cannot_write(api, world, township):
    body = {"township": township.pk, "code": township.code + "299", "name": "新村"}
    for role in (Role.COUNTY_VIEWER, Role.API_CLIENT, Role.DEPARTMENT_REVIEWER):
        assert api(world["users"][role]).post("/api/v1/villages/", body).status_code == 403
