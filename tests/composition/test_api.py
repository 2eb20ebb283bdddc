"""The API returns the command's object; scoping by role."""

import io
import json

import pytest
from django.core.management import call_command

from composition.services import composition_recompute


@pytest.fixture
def computed(small_county):
    composition_recompute(term_id=small_county.t2021.pk)
    return small_county


def command_json(*args):
    out = io.StringIO()
    call_command("composition_stats", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_command_api_and_page_agree(api, organizer, client, computed):
    from_command = command_json("--term", "2021")
    response = api(organizer).get("/api/v1/composition/?term=2021&scope=141028")
    assert response.status_code == 200
    assert response.json() == from_command
    assert set(from_command) == {"secretaries", "members", "previous", "change", "targets"}
    assert from_command["members"]["avg_age"] == 41.13
    assert from_command["secretaries"]["one_shoulder"] == {"count": 1, "pct": 50.0}
    assert response["X-Computed-At"]
    client.force_login(organizer)
    html = client.get("/composition/?term=2021").content.decode()
    assert str(from_command["members"]["avg_age"]) in html
    assert str(from_command["previous"]["members"]["avg_age"]) in html


def test_command_scope_and_human_output(computed):
    village = command_json("--term", "2021", "--scope", "141028100202")
    assert village["secretaries"]["count"] == 0
    assert village["secretaries"]["avg_age"] is None
    out = io.StringIO()
    call_command("composition_stats", "--term", "2021", stdout=out)
    assert "吉县" in out.getvalue() and "41.13" in out.getvalue()


def test_command_refuses_unknown_term_and_scope(computed):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="2030"):
        call_command("composition_stats", "--term", "2030", "--json")
    with pytest.raises(CommandError, match="999999"):
        call_command("composition_stats", "--term", "2021", "--scope", "999999", "--json")


def test_command_computes_when_nothing_is_stored(small_county):
    assert command_json("--term", "2021")["members"]["count"] == 8


def test_breakdowns_and_children(api, api_user, computed):
    client = api(api_user)
    bd = client.get("/api/v1/composition/breakdowns/?term=2021").json()
    assert {b["key"]: b["count"] for b in bd["current"]["members"]["gender"]} == {"M": 5, "F": 3}
    children = client.get("/api/v1/composition/children/?term=2021&scope=141028").json()
    assert [r["name"] for r in children["results"]] == ["吉昌镇", "屯里镇"]
    xiping = client.get("/api/v1/composition/children/?scope=141028101").json()["results"]
    assert "cross_serving" in xiping[0]["figures"]["members"]


def test_official_is_scoped_to_their_township(api, official, computed):
    client = api(official)
    own = client.get("/api/v1/composition/?term=2021")
    assert own.status_code == 200 and own.json()["members"]["count"] == 6
    assert client.get("/api/v1/composition/?term=2021&scope=141028").status_code == 404
    assert client.get("/api/v1/composition/?term=2021&scope=141028101201").status_code == 404
    assert client.get("/api/v1/composition/?term=2021&scope=141028100201").status_code == 200


def test_api_client_of_another_county_sees_nothing(api, make_user, computed):
    from core.access import Role
    from tests.factories import CountyFactory

    stranger = make_user(Role.API_CLIENT, county=CountyFactory(code="141029", name="乡宁县"))
    assert api(stranger).get("/api/v1/composition/?scope=141028").status_code == 404


@pytest.mark.parametrize("role", ["department_reviewer", None])
def test_reviewers_and_anonymous_are_refused(api, make_user, computed, role):
    user = make_user(role) if role else None
    assert api(user).get("/api/v1/composition/?term=2021").status_code in {401, 403}


def test_writes_are_refused(api, organizer, computed):
    assert api(organizer).post("/api/v1/composition/", {}).status_code in {403, 405}


def test_command_requires_scope_with_several_counties(computed):
    from django.core.management.base import CommandError

    from tests.factories import CountyFactory

    CountyFactory(code="141029", name="乡宁县")
    with pytest.raises(CommandError, match="--scope"):
        call_command("composition_stats", "--term", "2021", "--json")
    composition_recompute(term_id=computed.t2021.pk)
    assert command_json("--term", "2021", "--scope", "140000")["members"]["count"] == 8


def test_admin_lands_on_the_highest_scope(api, admin_user_, computed):
    body = api(admin_user_).get("/api/v1/composition/?term=2021").json()
    assert body["members"]["count"] == 8
