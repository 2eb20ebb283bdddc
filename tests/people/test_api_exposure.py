"""The API's ID-number and birth-date fields ask people.privacy once per field and caller:
each caller still gets what privacy gives that caller, even from the same field."""

import pytest
from rest_framework.test import APIRequestFactory

from core.access import Role
from people import privacy
from people.api.serializers import PersonSerializer
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_each_caller_gets_what_privacy_gives_it_from_one_field(make_user, village):
    person = PersonFactory(village=village)
    serializer = PersonSerializer(context={})
    request = APIRequestFactory().get("/api/v1/people/")
    serializer.context["request"] = request
    for role in (Role.ADMIN, Role.COUNTY_VIEWER, Role.API_CLIENT, Role.ADMIN):
        request.user = make_user(role)
        row = serializer.to_representation(person)
        assert row["id_number"] == (privacy.id_number_for(person, request.user) or None)
        birth = privacy.birth_date_for(person, request.user)
        assert row["birth_date"] == (birth.isoformat() if birth else None)
    assert row["id_number"] == person.id_number and row["birth_date"]
