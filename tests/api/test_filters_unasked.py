"""core.api.FilterBackend skips building the FilterSet of a request that names no filter:
every list the API serves answers such a request with the same rows, the same SQL and the
same status as when the FilterSet is built, for each role; a request naming a filter, and
a FilterSet whose empty form could filter or refuse, still go through django-filter."""

import django_filters
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core import api as core_api
from core.access import Role
from elections.filters import SeatFilter
from people.filters import PersonFilter
from people.models import Person
from registry.filters import VillageFilter
from tests.api.county import lists_as


def _read(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.TOWNSHIP_OFFICIAL, Role.API_CLIENT])
def test_every_list_reads_the_same_without_building_its_filterset(
    api, make_user, village, other_village, role, monkeypatch
):
    client, paths = lists_as(role, api, make_user, village, other_village)
    paths += [f"{path}?page_size=2" for path in paths]
    ours = {path: _read(client, path) for path in paths}
    monkeypatch.setattr(core_api, "_asks_no_filter", lambda request, filterset_class: False)
    compared = 0
    for path, (response, queries) in ours.items():
        theirs, their_queries = _read(client, path)
        assert response.status_code == theirs.status_code, path
        assert response.content == theirs.content, path
        assert queries == their_queries, path
        compared += response.status_code == 200
    assert compared > 60


def _request(**params):
    return Request(APIRequestFactory().get("/api/v1/x/", params))


def test_the_load_mix_lists_skip_it_and_a_named_filter_does_not():
    for filterset_class in (SeatFilter, PersonFilter, VillageFilter):
        assert core_api._asks_no_filter(_request(), filterset_class)
        assert core_api._asks_no_filter(_request(page=2, page_size=10), filterset_class)
        assert not core_api._asks_no_filter(_request(q="x"), filterset_class)
        assert not core_api._asks_no_filter(_request(unknown="1"), filterset_class)


def test_a_filterset_that_could_filter_or_refuse_an_empty_request_is_built():
    class Required(django_filters.FilterSet):
        name = django_filters.CharFilter(required=True)

        class Meta:
            model = Person
            fields = []

    class Always(django_filters.CharFilter):
        def filter(self, qs, value):
            return qs.filter(gender="F")

    class OwnFilter(django_filters.FilterSet):
        name = Always()

        class Meta:
            model = Person
            fields = []

    class OwnQueryset(django_filters.FilterSet):
        class Meta:
            model = Person
            fields = []

        def filter_queryset(self, queryset):
            return queryset.none()

    for filterset_class in (Required, OwnFilter, OwnQueryset):
        assert not core_api._asks_no_filter(_request(), filterset_class)
