"""The full recompute's fast counting (one integer addition per member, seats grouped into
members only when a member has several) gives the simple definition's counters: each
member's two lists added to its village's, list by list, after grouping every seat
(`counting.members` then `counting._count`). No database: rows as `seats_sql` gives them,
drawn at random, with the awkward cases — a person on both committees, two posts on one
body, one person in two villages or in both terms, merged villages, unknown or impossible
ages, blank attributes — and in any order."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from composition import counting
from composition.figures import counter_keys, empty
from elections.choices import Body, Post
from people.choices import Education, PoliticalStatus

REFERENCE = dt.date(2021, 4, 30)
SIDES = {21: "cur", 18: "prev"}
# village id -> (the village it counts in, its township): 4 was merged into 3.
VILLAGES = {1: (1, 10), 2: (2, 10), 3: (3, 11), 4: (3, 11), 5: (5, 11)}
POSTS = {
    Body.PARTY_COMMITTEE.value: [Post.SECRETARY, Post.DEPUTY_SECRETARY, Post.MEMBER],
    Body.VILLAGERS_COMMITTEE.value: [Post.DIRECTOR, Post.DEPUTY_DIRECTOR, Post.MEMBER],
}

births = st.one_of(
    st.dates(dt.date(1940, 1, 1), dt.date(2003, 12, 31)),  # most people: 17 to 81
    st.just(REFERENCE.replace(year=1986)),  # a birthday on the reference date
    st.dates(dt.date(1700, 1, 1), dt.date(2030, 12, 31)),  # impossible: over 255, or unborn
    st.none(),
)
people = st.fixed_dictionaries(
    {
        "birth": births,
        "ft": st.sampled_from([*Education.values, "", None, "unknown"]),
        "ins": st.sampled_from([*Education.values, "", None]),
        "gender": st.sampled_from(["M", "F", "", None]),
        "pol": st.sampled_from([*PoliticalStatus.values, "", None]),
    }
)
seats = st.tuples(
    st.sampled_from(sorted(SIDES)),  # term
    st.sampled_from(sorted(VILLAGES)),  # the seat's village
    st.integers(0, 11),  # person (few: they hold several seats)
    st.sampled_from(sorted(POSTS)),  # body
    st.integers(0, 2),  # post on that body
)


def seat_rows(persons, drawn):
    rows = []
    for term, village, person, body, post in drawn:
        vkey, tkey = VILLAGES[village]
        p = persons[person]
        rows.append(
            (
                7,  # county
                term,
                vkey,
                tkey,
                village,
                person,
                body,
                POSTS[body][post].value,
                p["birth"],
                p["ft"],
                p["ins"],
                p["gender"],
                p["pol"],
            )
        )
    return rows


def simple(rows, sides=SIDES):
    counted = counting._count(counting.members(rows), sides, REFERENCE)
    return {vkey: (tkey, counting.flatten(c)) for vkey, (tkey, c) in counted.items()}


@settings(max_examples=400, deadline=None)
@given(
    persons=st.lists(people, min_size=12, max_size=12),
    drawn=st.lists(seats, max_size=40),
    order=st.randoms(use_true_random=False),
)
def test_packed_counting_equals_the_simple_definition(persons, drawn, order):
    rows = seat_rows(persons, drawn)
    order.shuffle(rows)
    expected = simple(rows)
    assert counting.count_county(rows, SIDES, REFERENCE) == expected
    packed = counting._count_packed(rows, SIDES, REFERENCE, counting.Codes())
    ages = [counting.age_on(p["birth"], REFERENCE) for p in persons if p["birth"]]
    if all(0 <= age <= counting.MAX_AGE for age in ages):
        assert packed == expected  # the fast path itself, not its fallback
    else:
        assert packed is None or packed == expected


@settings(max_examples=100, deadline=None)
@given(
    counties=st.lists(
        st.tuples(st.lists(people, min_size=12, max_size=12), st.lists(seats, max_size=30)),
        min_size=2,
        max_size=4,
    )
)
def test_what_is_remembered_from_county_to_county_changes_nothing(counties):
    """One `Codes` for the whole run: a code seen in an earlier county adds the same."""
    codes = counting.Codes()
    for persons, drawn in counties:
        rows = seat_rows(persons, drawn)
        assert counting.count_county(rows, SIDES, REFERENCE, codes) == simple(rows)


def test_a_member_with_both_posts_counts_once_as_member_and_as_one_shoulder_secretary():
    person = {"birth": dt.date(1986, 4, 30), "ft": "bachelor", "ins": "", "gender": "F"}
    person["pol"] = "party_member"
    rows = seat_rows(
        [person],
        [(21, 1, 0, Body.PARTY_COMMITTEE.value, 0), (21, 1, 0, Body.VILLAGERS_COMMITTEE.value, 0)],
    )
    counted = counting.count_county(rows, SIDES, REFERENCE)
    assert counted == simple(rows)
    tkey, flat = counted[1]
    nested = counting.nested(flat)
    members = dict(zip(counter_keys("mem"), nested["cur"]["mem"], strict=True))
    secretaries = dict(zip(counter_keys("sec"), nested["cur"]["sec"], strict=True))
    assert tkey == 10
    assert (members["count"], members["age_sum"], members["cross_serving"]) == (1, 35, 1)
    assert (members["age_le_35"], members["female"], members["fulltime_bachelor_plus"]) == (1, 1, 1)
    assert (secretaries["count"], secretaries["one_shoulder"]) == (1, 1)
    assert nested["prev"] == empty()["prev"]


def test_a_county_too_large_to_pack_is_counted_the_simple_way(monkeypatch):
    person = {"birth": dt.date(1970, 1, 1), "ft": "college", "ins": "", "gender": "M"}
    person["pol"] = "masses"
    rows = seat_rows(
        [person] * 3, [(21, 2, i, Body.VILLAGERS_COMMITTEE.value, 2) for i in range(3)]
    )
    monkeypatch.setattr(counting, "MAX_PACKED_MEMBERS", 3)
    assert counting._count_packed(rows, SIDES, REFERENCE, counting.Codes()) is None
    assert counting.count_county(rows, SIDES, REFERENCE) == simple(rows)


@pytest.mark.parametrize("flat", [counting.ZERO, tuple(range(counting.FLAT_LENGTH))])
def test_flat_counters_round_trip_and_render_as_the_stored_json(flat):
    import json

    from composition.services import _counters_json

    nested = counting.nested(flat)
    assert counting.flatten(nested) == flat
    assert json.loads(_counters_json(flat)) == nested
    assert _counters_json(flat) == _counters_json(nested)
