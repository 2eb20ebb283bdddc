"""core.serializers.ModelSerializer writes rows exactly as DRF does: every list and detail
the API serves, read by each role over a small county with a row behind every resource, is
the same JSON with the project's row writer and with DRF's own."""

import pytest
from rest_framework import serializers

from core.access import Role
from core.serializers import FastRepresentation
from tests.api.county import lists_as


@pytest.mark.parametrize("role", [Role.ADMIN, Role.TOWNSHIP_OFFICIAL, Role.API_CLIENT])
def test_every_list_reads_the_same_with_drfs_row_writer(
    api, make_user, village, other_village, role, monkeypatch
):
    client, paths = lists_as(role, api, make_user, village, other_village)
    assert len(paths) > 40
    ours = {path: client.get(path) for path in paths}
    details = {}
    for path, response in ours.items():
        body = response.json() if response.status_code == 200 else None
        rows = body.get("results") if isinstance(body, dict) else body
        if rows and isinstance(rows[0], dict) and "id" in rows[0]:
            details[f"{path}{rows[0]['id']}/"] = None
    ours.update({path: client.get(path) for path in details})

    monkeypatch.setattr(
        FastRepresentation, "to_representation", serializers.Serializer.to_representation
    )
    written = 0
    for path, response in ours.items():
        theirs = client.get(path)
        assert response.status_code == theirs.status_code, path
        if response.status_code == 200 and response["Content-Type"].startswith("application/json"):
            assert response.json() == theirs.json(), path
            written += 1
    assert written > 40
    # the lists the load mix reads (bench/load.py) are among them
    assert {"/api/v1/people/", "/api/v1/seats/", "/api/v1/villages/"} <= set(ours)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


@pytest.mark.django_db
def test_fields_built_once_are_the_fields_drf_builds(client):
    """core.serializers.ModelSerializer builds a class's fields once and copies them: each
    serializer of the API gets the fields, arguments and order DRF's get_fields gives, and
    a copy is its own (binding one binds no other)."""
    from core.serializers import ModelSerializer

    client.get("/api/schema/?format=json")  # every API module imported
    compared = 0
    for cls in set(_subclasses(ModelSerializer)):
        try:
            serializer = cls()
        except TypeError:  # needs arguments of its own
            continue
        ours = serializer.get_fields()
        theirs = serializers.ModelSerializer.get_fields(cls())
        assert list(ours) == list(theirs), cls
        assert {name: repr(field) for name, field in ours.items()} == {
            name: repr(field) for name, field in theirs.items()
        }, cls
        again = serializer.get_fields()
        assert all(again[name] is not field for name, field in ours.items())
        compared += 1
    assert compared > 30
