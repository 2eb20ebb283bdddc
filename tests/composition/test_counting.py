"""The full recompute counts in one pass over the members' rows (composition.counting);
its counters are the SQL definition's (`selectors.term_scopes`), scope by scope."""

import datetime as dt

import pytest

from composition import counting, selectors
from people.choices import Education, Gender
from tests.factories import CountyFactory, TownshipFactory, VillageFactory
from tests.factories.composition import DIRECTOR, PARTY_MEMBER, SECRETARY, holder

pytestmark = pytest.mark.django_db


def counted(term, batch=None) -> dict:
    return {
        (scope.kind, scope.code): (scope, counters)
        for rows in counting.scopes(term, batch=batch)
        for scope, counters in rows
    }


def test_the_pass_over_the_rows_gives_the_sql_definitions_counters(small_county):
    for term in (small_county.t2018, small_county.t2021):
        assert counted(term) == selectors.term_scopes(term)


def test_several_counties_counted_a_county_at_a_time(small_county):
    """With a second county, prefectures and provinces appear; a batch of one row writes
    every county as soon as it is counted, with the same counters."""
    county = CountyFactory(code="141029", name="乡宁县")
    town = TownshipFactory(county=county, code="141029100", name="昌宁镇")
    village = VillageFactory(township=town, code="141029100201", name="城关村")
    holder(
        village,
        small_county.t2021,
        dt.date(1988, 2, 3),
        gender=Gender.FEMALE,
        fulltime=Education.BACHELOR,
        political="",
        seats=[SECRETARY, DIRECTOR],
    )
    holder(village, small_county.t2018, dt.date(1950, 1, 1), seats=[PARTY_MEMBER])
    term = small_county.t2021
    expected = selectors.term_scopes(term)
    assert ("province", "140000") in expected and ("prefecture", "141000") in expected
    assert counted(term) == expected
    batches = list(counting.scopes(term, batch=1))
    assert len(batches) == 3  # each county as it is counted, then prefecture and province
    assert counted(term, batch=1) == expected
