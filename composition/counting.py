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

import contextlib
import datetime as dt
import functools
import itertools
import operator
import struct
from collections.abc import Iterator

from django.db import DEFAULT_DB_ALIAS, connection, connections

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
    POPULATIONS,
    SIDES,
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

# A village's counters packed into one Python integer: the four lists (this term's
# secretaries and members, then the previous term's) side by side, FIELD_BITS bits a
# counter. A member adds its code's integer (one addition, in C, instead of one per
# counter); a county's villages are unpacked at the end with one struct call each.
FIELD_BITS = 32
MAX_AGE = 255  # a member's age must fit this for the packed path (else: the simple one)
MAX_PACKED_MEMBERS = (1 << FIELD_BITS) // (MAX_AGE + 1)  # per list of a county: no carry
_BLOCKS = [(side, pop) for side in SIDES for pop in POPULATIONS]
_WIDTH = len(_KEYS)
FLAT_LENGTH = len(_BLOCKS) * _WIDTH
_UNPACK = struct.Struct(f"<{FLAT_LENGTH}I").unpack
_PACKED_BYTES = FLAT_LENGTH * FIELD_BITS // 8
_BIT = [
    [1 << (FIELD_BITS * (block * _WIDTH + i)) for i in range(_WIDTH)]
    for block in range(len(_BLOCKS))
]
_BLOCK = {key: i for i, key in enumerate(_BLOCKS)}
ZERO = (0,) * FLAT_LENGTH


@functools.cache
def age_positions(age) -> tuple[int, ...]:
    """The age flags and band a member of this age (None: unknown) adds 1 to."""
    out = []
    if age is not None:
        for limit in (35, 45, 50):
            if age <= limit:
                out.append(_INDEX[f"age_le_{limit}"])
        for key, _label, low, high in AGE_BANDS:
            if (low is None or age >= low) and (high is None or age <= high):
                out.append(_INDEX[f"band_{key}"])
    return tuple(out)


@functools.cache
def attribute_positions(age, rank: int, rank_ft: int, gender, pol) -> tuple[int, ...]:
    """The counters, besides the count, the age sum and the special flag, that one member
    with these attributes adds 1 to (the conditions of `selectors._fact_conditions`)."""
    out = list(age_positions(age))
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


def seat_rows_query(term_ids):
    """The team seats of both committees of `term_ids` (a member on both committees, or
    holding two posts, has two): term, village, person, body, post."""
    return (
        Seat.objects.team()
        .filter(
            term_id__in=list(term_ids),
            body__in=[Body.PARTY_COMMITTEE, Body.VILLAGERS_COMMITTEE],
        )
        .order_by()
        .values_list("term_id", "village_id", "person_id", "body", "post")
    )


def seats_sql(term_ids) -> tuple[str, tuple]:
    """The seats with what the counters read: (county, term, village and township — those
    it counts in: of the village it was merged into, if any —, the seat's own village,
    person, body, post, birth date, full-time and in-service education, gender, political
    status), by county. Not grouped into members: the database's grouping cost more than
    the join (issue 17); `_count_packed` groups a county's seats. Plain SQL around the ORM's
    filter (SQLite and PostgreSQL)."""
    sql, params = seat_rows_query(term_ids).query.sql_with_params()
    village, township, person = (
        Village._meta.db_table,
        Township._meta.db_table,
        Person._meta.db_table,
    )
    return (
        "SELECT COALESCE(mt.county_id, t.county_id) AS county_key, s.term_id, "
        "COALESCE(v.merged_into_id, v.id), COALESCE(mv.township_id, v.township_id), "
        "s.village_id, s.person_id, s.body, s.post, "
        "p.birth_date, p.education_fulltime, p.education_inservice, p.gender, "
        "p.political_status "
        f"FROM ({sql}) s "
        f"JOIN {person} p ON p.id = s.person_id "
        f"JOIN {village} v ON v.id = s.village_id "
        f"JOIN {township} t ON t.id = v.township_id "
        f"LEFT JOIN {village} mv ON mv.id = v.merged_into_id "
        f"LEFT JOIN {township} mt ON mt.id = mv.township_id "
        "ORDER BY county_key",
        params,
    )


def _stream(sql: str, params, using=None) -> Iterator[tuple]:
    """The rows of a statement through a server-side cursor (PostgreSQL; a plain cursor
    elsewhere), FETCH_ROWS at a time: memory does not grow with the table. `using`: a
    connection other than the default one (`reading_connection`)."""
    cursor = (using or connection).chunked_cursor()
    try:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH_ROWS):
            yield from rows
    finally:
        cursor.close()


def _stream_query(query, using=None) -> Iterator[tuple]:
    return _stream(*query.query.sql_with_params(), using=using)


@contextlib.contextmanager
def reading_connection():
    """A second connection to the default database, in a read-only transaction of its own,
    for the seats and villages streams of a full recompute while the default connection
    COPYs the snapshot rows: the database writes one county's rows while Python counts the
    next (two cores). Only for a recompute that is its own outermost transaction, on
    PostgreSQL: it reads what is committed, as the recompute's first statement would."""
    reader = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        reader.set_autocommit(False)  # server-side cursors without WITH HOLD
        with reader.cursor() as cursor:
            cursor.execute("SET TRANSACTION READ ONLY")
        yield reader
    finally:
        try:
            reader.rollback()
        finally:
            reader.close()


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


_PARTY = Body.PARTY_COMMITTEE.value


def members(seat_rows) -> list[tuple]:
    """The members of `seats_sql` rows, the simple way: one per term, village and person,
    as (county, term, vkey, tkey, birth date, full-time and in-service education, gender,
    political status, party post, villagers' post) — each body's highest post (SQL's MAX;
    None without a seat on that body), as `selectors.population_queryset` defines them."""
    groups: dict[tuple, list] = {}
    for county, term_id, vkey, tkey, village_id, person_id, body, post, *attrs in seat_rows:
        key = (term_id, village_id, person_id)
        group = groups.get(key)
        if group is None:
            group = groups[key] = [county, term_id, vkey, tkey, *attrs, None, None]
        slot = -2 if body == _PARTY else -1
        if group[slot] is None or post > group[slot]:
            group[slot] = post
    return [tuple(group) for group in groups.values()]


def _count(rows, sides: dict[int, str], reference: dt.date) -> dict[int, tuple[int, dict]]:
    """{vkey: (tkey, packed counters)} of one county's members (`members` rows), the
    simple way: each member adds its code's two lists to its village's, list by list. The
    definition `_count_packed` is tested against, and its fallback."""
    out: dict[int, tuple[int, dict]] = {}
    add = operator.add
    ranks = RANKS
    for _c, term_id, vkey, tkey, birth, ft, inservice, gender, pol, party, villagers in rows:
        age = age_on(birth, reference)
        rank_ft = ranks.get(ft, 0)
        members, secretaries = contributions(
            age, max(rank_ft, ranks.get(inservice, 0)), rank_ft, gender, pol, party, villagers
        )
        entry = out.get(vkey)
        if entry is None:
            entry = out[vkey] = (tkey, empty())
        pops = entry[1][sides[term_id]]
        pops["mem"] = list(map(add, pops["mem"], members))
        if secretaries:
            pops["sec"] = list(map(add, pops["sec"], secretaries))
    return out


def packed_vector(side: str, age, rank, rank_ft, gender, pol, party, villagers) -> int:
    """`contributions` of one member as the integer it adds to its village's packed
    counters (see FIELD_BITS); 0 when its age does not fit a field's share (below 0 or
    above MAX_AGE: its county is then counted the simple way)."""
    if age is not None and not 0 <= age <= MAX_AGE:
        return 0
    members, secretaries = contributions(age, rank, rank_ft, gender, pol, party, villagers)
    total = _pack(members, _BLOCK[side, "mem"])
    if secretaries:
        total += _pack(secretaries, _BLOCK[side, "sec"])
    return total


def _pack(values, block: int) -> int:
    return sum(value * bit for value, bit in zip(values, _BIT[block], strict=True) if value)


def unpack(total: int) -> tuple[int, ...]:
    """A packed integer's FLAT_LENGTH counters (`flatten` order)."""
    return _UNPACK(total.to_bytes(_PACKED_BYTES, "little"))


class Codes:
    """What `_count_packed` remembers from one county to the next: each birth date's age
    and each attribute code's integer (some tens of thousands at province scale)."""

    __slots__ = ("ages", "vectors")

    def __init__(self):
        self.ages: dict = {}
        self.vectors: dict[tuple, int] = {}


_SEVERAL = object()  # the `post` of a member row made from several seats (`_count_packed`)


def _count_packed(
    rows: list, sides: dict[int, str], reference: dt.date, codes: Codes
) -> dict[int, tuple[int, tuple]] | None:
    """{vkey: (tkey, flat counters)} of one county's seats (`seats_sql` rows, as a list):
    the same counters as `_count` of their `members`, with one integer addition per member.
    A member with one seat is counted from it as it is (nine in ten); the seats of the
    others are grouped by `members`. None when the county cannot be packed (a member's age
    outside 0..MAX_AGE, or so many members that a field could carry)."""
    if len(rows) >= MAX_PACKED_MEMBERS:
        return None
    first: dict[tuple, tuple] = {}  # (term, village, person): the member's first seat
    repeated = []
    put = first.setdefault
    for row in rows:
        if put((row[1], row[4], row[5]), row) is not row:
            repeated.append(row)
    several = []
    if repeated:
        keys = {(row[1], row[4], row[5]) for row in repeated}
        grouped = [first.pop(key) for key in keys]
        for county, term_id, vkey, tkey, *attrs, party, villagers in members(grouped + repeated):
            several.append(
                (county, term_id, vkey, tkey, None, None, (party, villagers), _SEVERAL, *attrs)
            )
    totals: dict[int, int] = {}
    towns: dict[int, int] = {}
    get = totals.get
    ages, known = codes.ages, codes.vectors
    everyone = itertools.chain(first.values(), several)
    for _c, term_id, vkey, tkey, _v, _p, body, post, birth, ft, ins, gender, pol in everyone:
        age = ages.get(birth, -1)
        if age == -1:
            age = ages[birth] = age_on(birth, reference)
        code = (term_id, age, ft, ins, gender, pol, body, post)
        vector = known.get(code)
        if vector is None:
            vector = known[code] = _code_vector(sides[term_id], *code[1:])
        if not vector:
            return None
        total = get(vkey)
        if total is None:
            totals[vkey] = vector
            towns[vkey] = tkey
        else:
            totals[vkey] = total + vector
    return {vkey: (towns[vkey], unpack(total)) for vkey, total in totals.items()}


def _code_vector(side, age, ft, inservice, gender, pol, body, post) -> int:
    """`packed_vector` of a member row of `_count_packed` (one seat: its body and post;
    several: (party post, villagers' post) and _SEVERAL): what does not depend on the age,
    plus what does (each remembered: a code's first sight costs two look-ups)."""
    if post is _SEVERAL:
        party, villagers = body
    elif body == _PARTY:
        party, villagers = post, None
    else:
        party, villagers = None, post
    if age is not None and not 0 <= age <= MAX_AGE:
        return 0
    secretary = party == Post.SECRETARY
    return _ageless_vector(side, ft, inservice, gender, pol, party, villagers) + (
        _age_vector(side, age, secretary) if age is not None else 0
    )


@functools.cache
def _ageless_vector(side, ft, inservice, gender, pol, party, villagers) -> int:
    """`packed_vector` of a member of unknown age with these attributes."""
    rank_ft = RANKS.get(ft, 0)
    rank = max(rank_ft, RANKS.get(inservice, 0))
    return packed_vector(side, None, rank, rank_ft, gender, pol, party, villagers)


@functools.cache
def _age_vector(side, age: int, secretary: bool) -> int:
    """What a member's age adds to `_ageless_vector` (the age sum, the age flags and band),
    in the members' list and, for a secretary, the secretaries' list."""
    values = [0] * _WIDTH
    values[1] = age
    for i in age_positions(age):
        values[i] = 1
    total = _pack(values, _BLOCK[side, "mem"])
    if secretary:
        total += _pack(values, _BLOCK[side, "sec"])
    return total


def count_county(rows: list, sides: dict[int, str], reference: dt.date, codes=None) -> dict:
    """{vkey: (tkey, flat counters)} of one county's seats (`seats_sql` rows, as a list): packed when it can be, the simple way otherwise; the same counters either way."""
    counted = _count_packed(rows, sides, reference, codes or Codes())
    if counted is None:
        counted = {
            vkey: (tkey, flatten(counters))
            for vkey, (tkey, counters) in _count(members(rows), sides, reference).items()
        }
    return counted


def flatten(counters: dict) -> tuple[int, ...]:
    """Packed counters ({side: {pop: list}}) as one tuple of FLAT_LENGTH integers."""
    return tuple(itertools.chain.from_iterable(counters[side][pop] for side, pop in _BLOCKS))


def nested(flat) -> dict:
    """The inverse of `flatten`: {side: {pop: list}}, as snapshots store them."""
    out: dict = {}
    for i, (side, pop) in enumerate(_BLOCKS):
        out.setdefault(side, {})[pop] = list(flat[i * _WIDTH : (i + 1) * _WIDTH])
    return out


def _json_format() -> str:
    """A %-format of the JSON document `nested(flat)` is stored as, one %d a counter."""
    numbers = ",".join(["%d"] * _WIDTH)
    sides = []
    for side in SIDES:
        lists = ",".join(f'"{pop}":[{numbers}]' for pop in POPULATIONS)
        sides.append(f'"{side}":{{{lists}}}')
    return "{" + ",".join(sides) + "}"


FLAT_JSON = _json_format()


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
    """(Scope, flat counters) of one county's villages, townships and the county itself
    (last); `counted` as `count_county` gives it."""
    from .selectors import Scope

    add = operator.add
    town_counters: dict[int, tuple] = {}
    for tkey, flat in counted.values():
        have = town_counters.get(tkey)
        town_counters[tkey] = flat if have is None else tuple(map(add, have, flat))
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
                entry[1] if entry is not None else ZERO,
            )
        )
        if township_id not in town_counters:
            town_counters[township_id] = ZERO
    county_counters = ZERO
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
        county_counters = tuple(map(add, county_counters, counters))
    scope = Scope(ScopeKind.COUNTY, county["code"], county["name"], parent, county["id"], None)
    rows.append((scope, county_counters))
    return rows


def flat_scopes(term, *, batch: int | None = None, using=None) -> Iterator[list[tuple]]:
    """Lists of (selectors.Scope, flat counters) — every scope of `term`, as
    `selectors.term_scopes` finds them — a county at a time (at least `batch` rows a list,
    prefectures and provinces last). Two streams: the seats of this term and the previous
    one, and the active villages, both by county, read through `using` (a connection:
    `reading_connection`) or the default connection. Flat counters: `flatten`'s tuple."""
    batch = batch or BATCH_ROWS
    previous = term.previous
    sides = {term.pk: "cur"}
    if previous is not None:
        sides[previous.pk] = "prev"
    counties = {row["id"]: row for row in County.objects.order_by().values("id", "code", "name")}
    townships = {
        row["id"]: row
        for row in Township.objects.order_by().values("id", "code", "name", "county_id")
    }
    reader = using or connection
    villages = _stream_query(
        Village.objects.filter(is_active=True)
        .order_by("township__county_id")
        .values_list("township__county_id", "id", "code", "name", "township_id"),
        using=using,
    )
    if reader.vendor == "postgresql" and (using is not None or reader.in_atomic_block):
        # The sort by county in memory, not in temporary files; and the cursor's plan
        # made for reading every row, not the first ones (this transaction only).
        with reader.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
    seats = _stream(*seats_sql(sides), using=using)
    return _flat_scopes(term, batch, sides, counties, townships, villages, seats)


def _flat_scopes(term, batch, sides, counties, townships, villages, seats):
    """`flat_scopes`' generator: no query of its own on the default connection (its
    consumer may be a COPY on it)."""
    from .selectors import Scope

    several = len(counties) > 1
    codes = Codes()
    add = operator.add
    above: dict[tuple[str, str], tuple] = {}
    out: list[tuple] = []
    for county_id, county_villages, county_seats in _merged(villages, seats):
        county = counties[county_id]
        code = county["code"]
        parent = code[:4] + "00" if several else ""
        counted = count_county(county_seats, sides, term.reference_date, codes)
        rows = _county_rows(county, county_villages, counted, townships, parent)
        out += rows
        if several:
            for key in ((ScopeKind.PREFECTURE, parent), (ScopeKind.PROVINCE, code[:2] + "0000")):
                above[key] = tuple(map(add, above.get(key, ZERO), rows[-1][1]))
        if len(out) >= batch:
            yield out
            out = []
    for (kind, key), counters in above.items():
        parent = key[:2] + "0000" if kind == ScopeKind.PREFECTURE else ""
        out.append((Scope(kind, key, key, parent, None, None), counters))
    if out:
        yield out


def scopes(term, *, batch: int | None = None) -> Iterator[list[tuple]]:
    """`flat_scopes` with each scope's counters as snapshots store them ({side: {pop:
    list}}, `selectors.term_scopes`' form)."""
    for rows in flat_scopes(term, batch=batch):
        yield [(scope, nested(flat)) for scope, flat in rows]
