"""On PostgreSQL a full recompute that is its own transaction reads the seats on a second
connection and writes the snapshot in one COPY fed county by county
(`counting.reading_connection`); inside a caller's transaction it reads on the caller's
connection. Both store the SQL definition's counters (`selectors.term_scopes`)."""

import datetime as dt

import pytest
from django.db import connection, transaction

from composition import selectors, services
from composition.models import CompositionSnapshot
from people.choices import Education
from tests.factories import CountyFactory, TownshipFactory, VillageFactory
from tests.factories.composition import DIRECTOR, SECRETARY, VILLAGERS_MEMBER, holder

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY and a second connection"),
]


def stored(term) -> dict:
    return {
        (row.scope_kind, row.scope_code): row.value
        for row in CompositionSnapshot.objects.filter(term=term)
    }


def expected(term) -> dict:
    return {key: counters for key, (_scope, counters) in selectors.term_scopes(term).items()}


def test_a_recompute_of_its_own_reads_on_a_second_connection_and_stores_the_definition(
    small_county,
):
    county = CountyFactory(code="141029", name="乡宁县")
    town = TownshipFactory(county=county, code="141029100", name="昌宁镇")
    village = VillageFactory(township=town, code="141029100201", name="城关村")
    holder(village, small_county.t2021, dt.date(1988, 2, 3), seats=[SECRETARY, DIRECTOR])
    holder(village, small_county.t2018, dt.date(1950, 1, 1), seats=[VILLAGERS_MEMBER])
    for term in (small_county.t2018, small_county.t2021):
        written = services.composition_recompute(term_id=term.pk)
        assert written == len(expected(term))
        assert stored(term) == expected(term)
        assert ("province", "140000") in stored(term)


def test_inside_a_callers_transaction_the_recompute_sees_its_uncommitted_seats(small_county):
    term = small_county.t2021
    with transaction.atomic():
        holder(
            small_county.v5,
            term,
            dt.date(1990, 1, 1),
            fulltime=Education.BACHELOR,
            seats=[SECRETARY],
        )
        services.composition_recompute(term_id=term.pk)
        village = stored(term)[("village", small_county.v5.code)]
        assert village["cur"]["sec"][0] == 1  # the secretary just added, not yet committed
        assert stored(term) == expected(term)


def test_a_failure_while_the_first_county_is_counted_ahead_keeps_the_stored_figures(
    small_county, monkeypatch
):
    """The first county is read and counted in a thread while the old rows are deleted: an
    error there reaches the caller and the transaction keeps the figures stored before."""
    from composition import counting

    term = small_county.t2021
    services.composition_recompute(term_id=term.pk)
    before = stored(term)

    def broken(*args, **kwargs):
        raise LookupError("a county that cannot be counted")

    monkeypatch.setattr(counting, "count_county", broken)
    with pytest.raises(LookupError, match="cannot be counted"):
        services.composition_recompute(term_id=term.pk)
    assert stored(term) == before


def test_statistics_are_refreshed_when_the_number_of_scopes_changes(small_county):
    """ANALYZE after the first recompute and after scopes were added, not when the same
    scopes are written again (their statistics stay true)."""
    from django.test.utils import CaptureQueriesContext

    term = small_county.t2021

    def analysed() -> bool:
        with CaptureQueriesContext(connection) as queries:
            services.composition_recompute(term_id=term.pk)
        return any(query["sql"].startswith("ANALYZE") for query in queries)

    assert analysed()
    assert not analysed()
    VillageFactory(township=small_county.v5.township, code="141028100299", name="新村")
    assert analysed()
    assert stored(term) == expected(term)
