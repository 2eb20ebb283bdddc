"""The runnable example client (examples/sync_client.py) against a live server on
PostgreSQL: create → sync → certify → sync → unlock → sync ends with exactly the server's
state each time — the certified results' new state, the seats certification created, and
their removal by the unlock (tombstones)."""

import importlib.util
from pathlib import Path

import pytest
import requests
from django.db import connection

from accounts.services import api_token_create
from core.access import Role
from people.choices import Gender
from tests.conftest import need
from tests.factories import PersonFactory, TermFactory

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sync_client.py"
RESOURCES = ("elections", "election-results", "seats")


def load_example():
    spec = importlib.util.spec_from_file_location("sync_client", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        need("PostgreSQL", "set DATABASE_URL=postgres://postgres@127.0.0.1:5432/lty_api")


def server_state(base, token):
    """Every row of each resource as the server lists it now (page by page)."""
    headers = {"Authorization": f"Token {token}"}
    state = {}
    for resource in RESOURCES:
        rows, url = {}, f"{base}/api/v1/{resource}/?page_size=500"
        while url:
            body = requests.get(url, headers=headers, timeout=30).json()
            rows.update({row["id"]: row for row in body["results"]})
            url = body["next"]
        state[resource] = rows
    return state


def test_a_syncing_client_ends_with_exactly_the_servers_state(
    postgres, live_server, make_user, village
):
    TermFactory(year=2021)
    people = [
        PersonFactory(village=village, gender=g)
        for g in (Gender.MALE, Gender.FEMALE, Gender.MALE, Gender.MALE)
    ]
    tokens = {
        role: api_token_create(user=make_user(role), name="sync", can_write=write)[1]
        for role, write in (
            (Role.TOWNSHIP_OFFICIAL, True),
            (Role.COUNTY_ORGANIZER, True),
            (Role.API_CLIENT, False),
        )
    }
    base = live_server.url

    def call(role, method, path, body=None):
        response = requests.request(
            method,
            f"{base}/api/v1/{path}",
            json=body,
            headers={"Authorization": f"Token {tokens[role]}"},
            timeout=30,
        )
        assert response.status_code in (200, 201), response.text
        return response.json()

    client = load_example().SyncClient(base, tokens[Role.API_CLIENT], RESOURCES, page_size=2)

    def in_sync():
        client.sync()
        assert client.rows == server_state(base, tokens[Role.API_CLIENT])
        return client.rows

    # create: an official enters a result and submits it
    election = call(
        Role.TOWNSHIP_OFFICIAL,
        "POST",
        "elections/",
        {
            "village": village.pk,
            "term": 2021,
            "body": "party",
            "held_on": "2021-03-01",
            "seats_chair": 1,
            "seats_deputy": 0,
            "seats_member": 2,
            "entitled": 50,
            "present": 45,
            "ballots_issued": 45,
            "ballots_returned": 45,
            "ballots_valid": 45,
            "ballots_invalid": 0,
        },
    )
    pk = election["id"]
    posts = ["secretary", "member", "member", ""]
    candidates = [
        {"person": person.pk, "votes": 40 - 5 * i, "post": post}
        for i, (person, post) in enumerate(zip(people, posts, strict=True))
    ]
    call(Role.TOWNSHIP_OFFICIAL, "PATCH", f"elections/{pk}/", {"candidates": candidates})
    call(Role.TOWNSHIP_OFFICIAL, "POST", f"elections/{pk}/submit/")
    rows = in_sync()
    assert {r["state"] for r in rows["election-results"].values()} == {"submitted"}
    assert rows["seats"] == {}

    call(Role.COUNTY_ORGANIZER, "POST", f"elections/{pk}/certify/")
    rows = in_sync()
    assert {r["state"] for r in rows["election-results"].values()} == {"certified"}
    assert len(rows["seats"]) == 3

    call(Role.COUNTY_ORGANIZER, "POST", f"elections/{pk}/unlock/", {"reason": "误录"})
    rows = in_sync()
    assert {r["state"] for r in rows["election-results"].values()} == {"draft"}
    assert rows["seats"] == {}  # removed by the unlock: known from the tombstones
