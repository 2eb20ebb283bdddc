"""The counters of every scope of a term, counted in one pass over the members' rows.

The database does what it is fast at: it groups the team seats (party and villagers'
committees) of the term and of the previous one into members as
`selectors.population_queryset` defines them (one per village and person; the party post
and the villagers' post side by side), joins them to their people and villages, and
streams them, ordered by county, through a server-side cursor. Python counts them by
attribute code (age, the two education ranks, gender, political status, the two posts):
each distinct code gets, once, the vectors of the counters it adds to (members, and
secretaries when the party post is the secretary's), and each member adds its code's
vector to its village's packed counters, list by list in C. Villages are rolled up to
townships and the county, and the county's rows go to the snapshot writer before the next
county is read; only prefectures and provinces are kept to the end, so memory is bounded
by the largest county, not by the number of villages.

Counting 60 figures per member with conditional sums in the executor cost five times the
join itself (issue 17). The figures are the same: tests/composition/test_counting.py
compares every scope with the SQL definition, `selectors.term_scopes`; the incremental
path (`selectors.village_counters`) still counts in SQL, restricted to the touched
villages.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import operator
from collections.abc import Iterator

from django.db import connection
from django.db.models import Case, Max, When

from elections.choices import Body, Post
from elections.models import Seat
from people.choices import Education
from people.models import Person
from registry.models import County, Township, Village

from .choices import ScopeKind
from .figures import (
    AGE_BANDS,
    BACHELOR_RANK,
    COLLEGE_RANK,
    EDUCATION_LEVELS,
    POLITICAL_LEVELS,
    SPECIAL,
    counter_keys,
    empty,
)

RANKS = {choice.value: Education.rank(choice.value) for choice in Education}
FETCH_ROWS = 20_000  # rows per round trip of the server-side cursor
BATCH_ROWS = 5_000  # snapshot rows handed to the writer at a time (whole counties)

# Counter positions (the same for both populations).
_KEYS = counter_keys("mem")
_INDEX = {key: i for i, key in enumerate(_KEYS)}
SPECIAL_AT = _INDEX[SPECIAL["mem"]]
assert SPECIAL_AT == counter_keys("sec").index(SPECIAL["sec"])
_EDU_AT = {
    (Education.rank(key) if key != "none" else 0): _INDEX[f"edu_{key}"]
    for key, _label in EDUCATION_LEVELS
}
_POL_AT = {(key if key != "none" else ""): _INDEX[f"pol_{key}"] for key, _label in POLITICAL_LEVELS}


@functools.cache
def attribute_positions(age, rank: int, rank_ft: int, gender, pol) -> tuple[int, ...]:
    """The counters, besides the count, the age sum and the special flag, that one member
    with these attributes adds 1 to (the conditions of `selectors._fact_conditions`)."""
    out = []
    if age is not None:
        for limit in (35, 45, 50):
            if age <= limit:
                out.append(_INDEX[f"age_le_{limit}"])
        for key, _label, low, high in AGE_BANDS:
            if (low is None or age >= low) and (high is None or age <= high):
                out.append(_INDEX[f"band_{key}"])
    if rank >= COLLEGE_RANK:
        out.append(_INDEX["college_plus"])
    if rank_ft >= BACHELOR_RANK:
        out.append(_INDEX["fulltime_bachelor_plus"])
    if gender == "F":
        out.append(_INDEX["female"])
    if rank in _EDU_AT:
        out.append(_EDU_AT[rank])
    if pol in _POL_AT:
        out.append(_POL_AT[pol])
    return tuple(out)


# --- the rows --------------------------------------------------------------------------


def member_rows_query(term_ids):
    """One row per member (village and person) of the team seats of both committees of
    `term_ids`: term, village, person, and the member's party and villagers' posts (None
    without a seat on that body)."""
    return (
        Seat.objects.team()
        .filter(
            term_id__in=list(term_ids),
            body__in=[Body.PARTY_COMMITTEE, Body.VILLAGERS_COMMITTEE],
        )
        .order_by()
        .values("term_id", "village_id", "person_id")
        .annotate(
            party=Max(Case(When(body=Body.PARTY_COMMITTEE, then="post"))),
            villagers=Max(Case(When(body=Body.VILLAGERS_COMMITTEE, then="post"))),
        )
    )


def members_sql(term_ids) -> tuple[str, tuple]:
    """The members with what the counters read: (county, term, village, township — those
    it counts in: of the village it was merged into, if any —, birth date, full-time and
    in-service education, gender, political status, party post, villagers' post), by
    county. Plain SQL around the ORM's grouping (SQLite and PostgreSQL)."""
    sql, params = member_rows_query(term_ids).query.sql_with_params()
    village, township, person = (
        Village._meta.db_table,
        Township._meta.db_table,
        Person._meta.db_table,
    )
    return (
        "SELECT COALESCE(mt.county_id, t.county_id) AS county_key, m.term_id, "
        "COALESCE(v.merged_into_id, v.id), COALESCE(mv.township_id, v.township_id), "
        "p.birth_date, p.education_fulltime, p.education_inservice, p.gender, "
        "p.political_status, m.party, m.villagers "
        f"FROM ({sql}) m "
        f"JOIN {person} p ON p.id = m.person_id "
        f"JOIN {village} v ON v.id = m.village_id "
        f"JOIN {township} t ON t.id = v.township_id "
        f"LEFT JOIN {village} mv ON mv.id = v.merged_into_id "
        f"LEFT JOIN {township} mt ON mt.id = mv.township_id "
        "ORDER BY county_key",
        params,
    )


def _stream(sql: str, params) -> Iterator[tuple]:
    """The rows of a statement through a server-side cursor (PostgreSQL; a plain cursor
    elsewhere), FETCH_ROWS at a time: memory does not grow with the table."""
    cursor = connection.chunked_cursor()
    try:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH_ROWS):
            yield from rows
    finally:
        cursor.close()


def _stream_query(query) -> Iterator[tuple]:
    return _stream(*query.query.sql_with_params())


def fetch_only(term_ids) -> int:
    """The rows the counters need — every team seat of both committees of `term_ids`
    joined to its person and village — fetched and dropped: the bare join
    (`bench/composition_timing.py` compares the recompute with it)."""
    query = (
        Seat.objects.team()
        .filter(
            term_id__in=list(term_ids),
            body__in=[Body.PARTY_COMMITTEE, Body.VILLAGERS_COMMITTEE],
        )
        .order_by()
        .values_list(
            "term_id",
            "village_id",
            "village__merged_into_id",
            "village__township_id",
            "person_id",
            "body",
            "post",
            "person__birth_date",
            "person__education_fulltime",
            "person__education_inservice",
            "person__gender",
            "person__political_status",
        )
    )
    return sum(1 for _row in _stream_query(query))


# --- counting --------------------------------------------------------------------------


@functools.cache
def contributions(age, rank, rank_ft, gender, pol, party, villagers) -> tuple:
    """What one member with these attributes adds to their village's packed counters:
    (members' list, secretaries' list or None), full `counter_keys` lists."""
    at = attribute_positions(age, rank, rank_ft, gender, pol or "")
    sec = party == Post.SECRETARY

    def vector(special: bool) -> tuple:
        values = [0] * len(_KEYS)
        values[0] = 1
        values[1] = age or 0
        for i in at:
            values[i] = 1
        if special:
            values[SPECIAL_AT] = 1
        return tuple(values)

    members = vector(party is not None and villagers is not None)
    return members, (vector(villagers == Post.DIRECTOR) if sec else None)


def _count(rows, sides: dict[int, str], reference: dt.date) -> dict[int, tuple[int, dict]]:
    """{vkey: (tkey, packed counters)} of one county's members (`members_sql` rows): the
    members are counted by attribute code, and each code adds its precomputed vectors."""
    out: dict[int, tuple[int, dict]] = {}
    add = operator.add
    ages: dict = {}
    known: dict[tuple, tuple] = {}  # code -> contributions (a dict hit is cheaper than a call)
    ranks = RANKS
    for _c, term_id, vkey, tkey, birth, ft, inservice, gender, pol, party, villagers in rows:
        age = ages.get(birth, -1)
        if age == -1:
            age = ages[birth] = age_on(birth, reference)
        code = (age, ft, inservice, gender, pol, party, villagers)
        vectors = known.get(code)
        if vectors is None:
            rank_ft = ranks.get(ft, 0)
            vectors = known[code] = contributions(
                age, max(rank_ft, ranks.get(inservice, 0)), rank_ft, gender, pol, party, villagers
            )
        entry = out.get(vkey)
        if entry is None:
            entry = out[vkey] = (tkey, empty())
        pops = entry[1][sides[term_id]]
        members, secretaries = vectors
        pops["mem"] = list(map(add, pops["mem"], members))
        if secretaries:
            pops["sec"] = list(map(add, pops["sec"], secretaries))
    return out


def age_on(birth_date, reference: dt.date) -> int | None:
    """Full years (周岁) on `reference`; a birthday on the date counts (SQLite gives the
    date as text)."""
    if birth_date is None:
        return None
    if isinstance(birth_date, str):
        birth_date = dt.date.fromisoformat(birth_date)
    return (
        reference.year
        - birth_date.year
        - ((birth_date.month, birth_date.day) > (reference.month, reference.day))
    )


def add_into(target: dict, source: dict) -> None:
    """Add packed counters `source` into `target`, in place (list by list, in C)."""
    for side, pops in source.items():
        into = target[side]
        for pop, values in pops.items():
            into[pop] = list(map(operator.add, into[pop], values))


# --- every scope, county by county -------------------------------------------------------


def _by_county(rows) -> Iterator[tuple[int, list]]:
    """(county id, its rows) of rows sorted by their first column."""
    for county_id, group in itertools.groupby(rows, key=operator.itemgetter(0)):
        yield county_id, list(group)


def _merged(villages, seats) -> Iterator[tuple[int, list, list]]:
    """(county id, its villages, its seat rows) over two streams sorted by county id."""
    villages, seats = _by_county(villages), _by_county(seats)
    v, s = next(villages, None), next(seats, None)
    while v is not None or s is not None:
        if s is None or (v is not None and v[0] < s[0]):
            yield v[0], v[1], []
            v = next(villages, None)
        elif v is None or s[0] < v[0]:
            yield s[0], [], s[1]
            s = next(seats, None)
        else:
            yield v[0], v[1], s[1]
            v, s = next(villages, None), next(seats, None)


def _county_rows(county: dict, villages: list, counted: dict, townships: dict, parent: str):
    """(Scope, counters) of one county's villages, townships and the county itself (last)."""
    from .selectors import Scope

    town_counters: dict[int, dict] = {}
    for tkey, counters in counted.values():
        if tkey in town_counters:
            add_into(town_counters[tkey], counters)
        else:  # the first village of a township: its counters, copied
            town_counters[tkey] = {
                side: {pop: list(values) for pop, values in pops.items()}
                for side, pops in counters.items()
            }
    rows = []
    for _c, village_id, code, name, township_id in villages:
        entry = counted.get(village_id)
        rows.append(
            (
                Scope(
                    ScopeKind.VILLAGE,
                    code,
                    name,
                    townships[township_id]["code"],
                    county["id"],
                    township_id,
                ),
                entry[1] if entry is not None else empty(),
            )
        )
        if township_id not in town_counters:
            town_counters[township_id] = empty()
    county_counters = empty()
    for township_id, counters in town_counters.items():
        town = townships[township_id]
        scope = Scope(
            ScopeKind.TOWNSHIP,
            town["code"],
            town["name"],
            town["code"][:6],
            town["county_id"],
            township_id,
        )
        rows.append((scope, counters))
        add_into(county_counters, counters)
    scope = Scope(ScopeKind.COUNTY, county["code"], county["name"], parent, county["id"], None)
    rows.append((scope, county_counters))
    return rows


def scopes(term, *, batch: int | None = None) -> Iterator[list[tuple]]:
    """Lists of (selectors.Scope, packed counters) — every scope of `term`, as
    `selectors.term_scopes` finds them — a county at a time (at least `batch` rows a list,
    prefectures and provinces last). Two streams: the seats of this term and the previous
    one, and the active villages, both by county."""
    from .selectors import Scope

    batch = batch or BATCH_ROWS
    previous = term.previous
    sides = {term.pk: "cur"}
    if previous is not None:
        sides[previous.pk] = "prev"
    counties = {row["id"]: row for row in County.objects.order_by().values("id", "code", "name")}
    several = len(counties) > 1
    townships = {
        row["id"]: row
        for row in Township.objects.order_by().values("id", "code", "name", "county_id")
    }
    villages = _stream_query(
        Village.objects.filter(is_active=True)
        .order_by("township__county_id")
        .values_list("township__county_id", "id", "code", "name", "township_id")
    )
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # The sort by county in memory, not in temporary files; and the cursor's plan
        # made for reading every row, not the first ones (this transaction only).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
    seats = _stream(*members_sql(sides))
    above: dict[tuple[str, str], dict] = {}
    out: list[tuple] = []
    for county_id, county_villages, county_seats in _merged(villages, seats):
        county = counties[county_id]
        code = county["code"]
        parent = code[:4] + "00" if several else ""
        counted = _count(county_seats, sides, term.reference_date)
        rows = _county_rows(county, county_villages, counted, townships, parent)
        out += rows
        if several:
            for key in ((ScopeKind.PREFECTURE, parent), (ScopeKind.PROVINCE, code[:2] + "0000")):
                add_into(above.setdefault(key, empty()), rows[-1][1])
        if len(out) >= batch:
            yield out
            out = []
    for (kind, key), counters in above.items():
        parent = key[:2] + "0000" if kind == ScopeKind.PREFECTURE else ""
        out.append((Scope(kind, key, key, parent, None, None), counters))
    if out:
        yield out
