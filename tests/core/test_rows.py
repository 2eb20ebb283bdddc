"""core.rows reads a page's rows by key exactly as Django would: the same field values,
the same select_related rows (a missing one as None), deferred fields still deferred,
prefetches done, in one query with the statement built once; anything unusual is left to
Django (None)."""

import pytest
from django.db import connection
from django.db.models import Count, Model, signals
from django.test.utils import CaptureQueriesContext

from core.rows import rows_by_key
from elections.models import Seat
from people.models import Person
from registry.models import Village
from tests.factories import PersonFactory
from tests.factories.elections import SeatFactory

pytestmark = pytest.mark.django_db


def state(obj, depth=0):
    """Everything Django put on `obj`: its attributes, its state and its cached related
    rows, recursively (a back reference to the parent only by its key)."""
    if not isinstance(obj, Model):
        return obj
    fields = {key: value for key, value in vars(obj).items() if key != "_state"}
    related = {
        name: (state(value, depth + 1) if depth < 4 else getattr(value, "pk", value))
        for name, value in obj._state.fields_cache.items()
    }
    return (type(obj), fields, obj._state.adding, obj._state.db, related)


def django_rows(queryset, keys):
    return {row.pk: row for row in queryset.filter(pk__in=keys)}


def assert_same(queryset, keys):
    ours = rows_by_key(queryset, keys)
    assert ours is not None
    theirs = django_rows(queryset, keys)
    assert set(ours) == set(theirs)
    assert {key: state(row) for key, row in ours.items()} == {
        key: state(row) for key, row in theirs.items()
    }
    return ours


def test_seats_with_person_village_township_and_term(village, other_village):
    seats = [SeatFactory(village=village), SeatFactory(village=other_village)]
    queryset = Seat.objects.select_related("person", "village__township", "term")
    ours = assert_same(queryset, [seat.pk for seat in seats])
    seat = ours[seats[0].pk]
    with CaptureQueriesContext(connection) as queries:
        assert seat.person.name == seats[0].person.name
        assert seat.village.township.code == village.township.code
        assert seat.term.year == seats[0].term.year
    assert len(queries) == 0


def test_a_missing_related_row_is_none_and_a_missing_key_is_left_out(village):
    homeless = PersonFactory(village=None, county=village.township.county)
    housed = PersonFactory(village=village)
    queryset = Person.objects.select_related("village__township")
    ours = assert_same(queryset, [homeless.pk, housed.pk, 10**9])
    assert ours[homeless.pk].village is None
    assert set(ours) == {homeless.pk, housed.pk}


@pytest.mark.parametrize("count", [1, 4, 5, 7, 50, 51])
def test_any_number_of_keys_in_one_query(village, count):
    people = PersonFactory.create_batch(count, village=village)
    keys = [person.pk for person in reversed(people)]
    queryset = Person.objects.select_related("village")
    rows_by_key(queryset, keys)  # the statement of this size, built
    with CaptureQueriesContext(connection) as queries:
        assert set(assert_same(queryset, keys)) == set(keys)
    assert len(queries) == 2  # ours, then Django's for the comparison


def test_deferred_fields_stay_deferred(village):
    person = PersonFactory(village=village)
    queryset = Person.objects.select_related("village").only("name", "village__name")
    row = assert_same(queryset, [person.pk])[person.pk]
    theirs = django_rows(queryset, [person.pk])[person.pk]
    assert row.get_deferred_fields() == theirs.get_deferred_fields()
    assert "phone" in row.get_deferred_fields()
    with CaptureQueriesContext(connection) as queries:
        assert row.phone == person.phone  # read on demand, as Django does
    assert len(queries) == 1


def test_prefetches_are_done(village, other_village):
    SeatFactory(village=village)
    SeatFactory(village=village)
    queryset = Village.objects.select_related("township").prefetch_related("seats")
    ours = rows_by_key(queryset, [village.pk, other_village.pk])
    with CaptureQueriesContext(connection) as queries:
        assert len(ours[village.pk].seats.all()) == 2
        assert len(ours[other_village.pk].seats.all()) == 0
    assert len(queries) == 0


def test_the_statement_keeps_no_filter_of_the_queryset(village, other_village):
    """The keys were read through the scoped QuerySet; the rows are those keys' rows."""
    person = PersonFactory(village=other_village)
    queryset = Person.objects.filter(village=village).select_related("village")
    assert set(rows_by_key(queryset, [person.pk])) == {person.pk}


def test_unusual_querysets_are_left_to_django(village):
    person = PersonFactory(village=village)
    keys = [person.pk]
    assert rows_by_key(Person.objects.annotate(n=Count("seats")), keys) is None
    assert rows_by_key(Person.objects.extra(select={"one": "1"}), keys) is None
    assert rows_by_key(Person.objects.select_for_update(), keys) is None
    assert rows_by_key(village.people.all(), keys) is None  # known related objects
    assert rows_by_key(Person.objects.values(), keys) is None
    assert rows_by_key(Person.objects.distinct(), keys) is None
    assert rows_by_key(Person.objects.all(), []) is None
    assert rows_by_key(Person.objects.all(), list(range(1, 502))) is None


def test_a_model_with_init_receivers_is_left_to_django(village):
    seat = SeatFactory(village=village)
    queryset = Seat.objects.select_related("person")
    assert rows_by_key(queryset, [seat.pk]) is not None

    def receiver(sender, instance, **kwargs):
        instance.seen = True

    signals.post_init.connect(receiver, sender=Person)
    try:
        assert rows_by_key(queryset, [seat.pk]) is None
    finally:
        signals.post_init.disconnect(receiver, sender=Person)
    assert rows_by_key(queryset, [seat.pk]) is not None
