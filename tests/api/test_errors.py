"""One error shape: every API error is RFC 9457 problem details (application/problem+json)
with a translated `detail`, a `code`, and per-field `errors`; a row out of the caller's scope
answers like a missing one on every resource, and never names anybody outside the scope."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from accounts.services import api_token_create
from core.access import Role
from elections.models import Election
from tests.factories import PersonFactory, TermFactory, make_id_number

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert {"type", "title", "status", "detail", "code"} <= set(body)
    assert body["status"] == status and isinstance(body["detail"], str) and body["detail"]
    return body


def field_errors(body):
    return {error["field"]: error for error in body["errors"]}


@pytest.fixture
def term(db):
    return TermFactory(year=2021)


def nomination(village, id_number=None, name="郑新人"):
    return {
        "id_number": id_number or make_id_number(dt.date(1986, 7, 8)),
        "name": name,
        "village": village.pk,
        "term": 2021,
        "body": "party",
        "post": "member",
        "source": "reserve",
    }


def test_validation_errors_list_every_field(api, official):
    response = api(official).post("/api/v1/villages/", {"name": ""}, format="json")
    body = problem(response, 400)
    assert body["code"] == "invalid"
    fields = field_errors(body)
    assert {"code", "name", "township"} <= set(fields)
    assert fields["township"]["code"] == "required" and fields["township"]["message"]


def test_unknown_village_is_a_field_error_in_the_users_language(api, official, term):
    client = api(official)
    body = problem(client.post("/api/v1/candidacies/", {**nomination_stub()}, format="json"), 400)
    assert "不存在" in field_errors(body)["village"]["message"]
    response = client.post(
        "/api/v1/candidacies/", nomination_stub(), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    message = field_errors(problem(response, 400))["village"]["message"]
    assert "does not exist" in message


def nomination_stub():
    return {
        "id_number": make_id_number(dt.date(1986, 7, 8)),
        "name": "郑新人",
        "village": 999999,
        "term": 2021,
        "body": "party",
        "post": "member",
        "source": "reserve",
    }


def test_another_townships_village_answers_like_a_missing_one_everywhere(
    api, official, other_village, term
):
    """Villages, people, elections and candidacies: one 400 on the field, one code."""
    client = api(official)
    attempts = {
        "/api/v1/villages/": (
            "township",
            {
                "code": "141028101299",
                "name": "新村",
                "kind": "village",
                "township": other_village.township_id,
            },
        ),
        "/api/v1/people/": (
            "village",
            {
                "id_number": make_id_number(dt.date(1970, 1, 2)),
                "name": "李四",
                "village": other_village.pk,
                "gender": "M",
                "birth_date": "1970-01-02",
            },
        ),
        "/api/v1/elections/": (
            "village",
            {"village": other_village.pk, "term": 2021, "body": "party"},
        ),
        "/api/v1/candidacies/": ("village", nomination(other_village)),
    }
    for url, (field, data) in attempts.items():
        body = problem(client.post(url, data, format="json"), 400)
        error = field_errors(body)[field]
        assert error["code"] == "does_not_exist", (url, body)
        assert str(data[field]) in error["message"] and other_village.name not in str(body)
    assert not Election.objects.exists()


def test_nominating_another_townships_person_never_names_them(
    api, official, village, other_village, term
):
    """The 吉昌镇 official types the ID number of a 屯里镇 person: refused on the ID number,
    without the name (docs/api.md, "People registered elsewhere")."""
    him = PersonFactory(village=other_village, name="何伟")
    for name in ("何伟", "别的名字"):
        response = api(official).post(
            "/api/v1/candidacies/", nomination(village, him.id_number, name), format="json"
        )
        body = problem(response, 400)
        assert "id_number" in field_errors(body)
        assert "何伟" not in response.content.decode() or name == "何伟"
        assert "已登记为" not in body["detail"]


def test_read_only_token_is_told_so(village, make_user):
    user = make_user(Role.TOWNSHIP_OFFICIAL)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user, name='t')[1]}")
    body = problem(client.post("/api/v1/villages/", {}, format="json"), 403)
    assert body["code"] == "read_only_token" and "只读" in body["detail"]


def test_status_codes_share_the_shape(api, official, village):
    client = api(official)
    assert problem(api().get("/api/v1/villages/"), 401)["code"] == "not_authenticated"
    assert problem(client.get("/api/v1/villages/999999/"), 404)["code"] == "not_found"
    assert problem(client.delete(f"/api/v1/villages/{village.pk}/"), 405)["code"] == (
        "method_not_allowed"
    )
    body = problem(client.post("/api/v1/villages/", "<x/>", content_type="application/xml"), 415)
    assert body["code"] == "unsupported_media_type"
    body = problem(client.post("/api/v1/villages/", "{", content_type="application/json"), 400)
    assert body["code"] == "parse_error"


def test_a_body_over_the_limit_is_a_413(api, official, settings):
    settings.API_MAX_BODY_BYTES = 1000
    response = api(official).post("/api/v1/villages/", {"name": "x" * 2000}, format="json")
    assert problem(response, 413)["code"] == "request_too_large"


def test_service_validation_errors_take_the_shape(api, organizer, village, term):
    """A Django ValidationError raised by a service (a draft cannot be certified)."""
    from tests.factories.elections import ElectionFactory

    election = ElectionFactory(village=village, term=term)
    body = problem(api(organizer).post(f"/api/v1/elections/{election.pk}/certify/"), 400)
    assert body["errors"] and all(set(e) == {"field", "code", "message"} for e in body["errors"])


def test_the_pages_json_shares_the_shape(client, viewer, official):
    """The person picker's search (a page's JSON, not the API) refuses with the same body:
    a viewer may not search by ID number, in the user's language, on the field `q`."""
    client.force_login(viewer)
    body = problem(client.post("/people/search/", {"q": make_id_number(dt.date(1980, 1, 1))}), 400)
    assert body["code"] == "invalid" and "按姓名查找" in body["detail"]
    assert field_errors(body)["q"]["code"] == "invalid"
