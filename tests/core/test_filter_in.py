"""core.bulk.filter_in finds what `__in` finds, whatever the values: on PostgreSQL plain
digests and integers go as one string the server splits, anything else as an array."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.bulk import filter_in
from people.models import Person
from registry.models import Village
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def found(queryset, field, values) -> set[int]:
    return {obj.pk for part in filter_in(queryset, field, values) for obj in part}


def test_digests_and_primary_keys_in_one_query_each(village):
    people = PersonFactory.create_batch(3, village=village)
    digests = [person.id_number_digest for person in people[:2]] + ["0" * 64]
    with CaptureQueriesContext(connection) as queries:
        assert found(Person.objects.all(), "id_number_digest", digests) == {
            people[0].pk,
            people[1].pk,
        }
        assert found(Person.objects.all(), "pk", [people[2].pk, 10**9]) == {people[2].pk}
    assert len(queries) == 2


@pytest.mark.parametrize(
    "values", [["东关村", "a,b", ""], ["a,b"], [""], ["东关村", "西关村"]], ids=repr
)
def test_text_with_commas_or_empty_text_matches_exactly(village, other_village, values):
    Village.objects.filter(pk=village.pk).update(name="a,b")
    Village.objects.filter(pk=other_village.pk).update(name="东关村")
    expected = {pk for pk in Village.objects.filter(name__in=values).values_list("pk", flat=True)}
    assert found(Village.objects.all(), "name", values) == expected
