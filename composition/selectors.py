"""The composition counters, computed by the database, and the reads the pages make of them.

`scope_counters(...)` runs ONE statement per term for both populations (secretaries,
members): every counter is an integer per village (a conditional count or a sum of ages
over the per-member facts of an ORM query), summed in the same statement to every level
above (township, county, prefecture, province); never a loop over people. The counters are what
a snapshot stores; `composition.figures` turns them into the published object on read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce, ExtractYear, Greatest
from django.utils import timezone

from core.text import is_digits
from elections.choices import Body, Post
from elections.models import Seat
from people.choices import Education
from registry.models import County, Term, Township, Village

from .choices import Metric, ScopeKind
from .figures import (
    AGE_BANDS,
    BACHELOR_RANK,
    COLLEGE_RANK,
    EDUCATION_LEVELS,
    POLITICAL_LEVELS,
    POPULATIONS,
    SPECIAL,
    counter_keys,
    empty,
)
from .models import CompositionSnapshot

# --- counters -------------------------------------------------------------------------


def age_expression(reference_date: dt.date, path: str = "person__birth_date"):
    """Full years (周岁) on `reference_date`, portable SQL: a birthday on the date counts."""
    not_yet = Q(**{f"{path}__month__gt": reference_date.month}) | Q(
        **{f"{path}__month": reference_date.month, f"{path}__day__gt": reference_date.day}
    )
    return (
        Value(reference_date.year)
        - ExtractYear(path)
        - Case(When(not_yet, then=Value(1)), default=Value(0), output_field=IntegerField())
    )


def _rank(field: str):
    return Case(
        *[When(**{field: c.value}, then=Value(Education.rank(c.value))) for c in Education],
        default=Value(0),
        output_field=IntegerField(),
    )


def _same_village_seat(body: str):
    return Seat.objects.filter(
        term=OuterRef("term"),
        village=OuterRef("village"),
        person=OuterRef("person"),
        body=body,
    ).team()


def population_queryset(pop: str, term_id: int):
    """One row per member of the population: secretaries, or (village, person) members.

    The term's team (a holder who resigned, was recalled, died or moved is no longer on it;
    one whose seat ended only because the next term's team took over, 换届, still is: the
    term's figures stay what they were). A member on both committees is represented by their
    party-committee seat.
    """
    seats = Seat.objects.team().filter(term_id=term_id)
    if pop == "sec":
        return seats.filter(body=Body.PARTY_COMMITTEE, post=Post.SECRETARY).alias(
            special=Exists(_same_village_seat(Body.VILLAGERS_COMMITTEE).filter(post=Post.DIRECTOR))
        )
    return (
        seats.filter(body__in=[Body.PARTY_COMMITTEE, Body.VILLAGERS_COMMITTEE])
        .alias(
            on_party=Exists(_same_village_seat(Body.PARTY_COMMITTEE)),
            on_villagers=Exists(_same_village_seat(Body.VILLAGERS_COMMITTEE)),
        )
        .filter(Q(body=Body.PARTY_COMMITTEE) | Q(on_party=False))
        .alias(
            special=Case(
                When(Q(body=Body.PARTY_COMMITTEE) & Q(on_villagers=True), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    )


def seat_facts(term_id: int, reference_date: dt.date, village_ids=None):
    """One row per member (the members population) with the values the counters test: the
    village it lives on today, age, education ranks, gender, political status, whether the
    row is the village's secretary (a secretary's member row is their secretary seat), and
    the two special flags (cross-serving; one-shoulder). Both populations are counted from
    it in one pass. An ORM query; each expression is evaluated once per row. With
    `village_ids`, only the seats of those villages (the incremental path)."""
    director = _same_village_seat(Body.VILLAGERS_COMMITTEE).filter(post=Post.DIRECTOR)
    seats = population_queryset("mem", term_id)
    if village_ids is not None:
        seats = seats.filter(village_id__in=sorted(village_ids))
    return seats.order_by().values(
        vkey=Coalesce("village__merged_into_id", "village_id"),
        age=age_expression(reference_date),
        rank_ft=_rank("person__education_fulltime"),
        rank=Greatest(_rank("person__education_fulltime"), _rank("person__education_inservice")),
        gender=F("person__gender"),
        pol=F("person__political_status"),
        sec=Case(
            When(Q(body=Body.PARTY_COMMITTEE, post=Post.SECRETARY), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        xserving=F("special"),
        shoulder=Case(
            When(
                Q(body=Body.PARTY_COMMITTEE, post=Post.SECRETARY) & Exists(director),
                then=Value(1),
            ),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )


def _fact_conditions(pop: str) -> dict[str, str]:
    """SQL conditions on `seat_facts` columns, one per counter of the population."""
    conditions = {
        "age_le_35": "age <= 35",
        "age_le_45": "age <= 45",
        "age_le_50": "age <= 50",
        "college_plus": f"rank >= {COLLEGE_RANK}",
        "fulltime_bachelor_plus": f"rank_ft >= {BACHELOR_RANK}",
        "female": "gender = 'F'",
        SPECIAL[pop]: "shoulder = 1" if pop == "sec" else "xserving = 1",
    }
    for key, _label, low, high in AGE_BANDS:
        parts = ([f"age >= {low}"] if low is not None else []) + (
            [f"age <= {high}"] if high is not None else []
        )
        conditions[f"band_{key}"] = " AND ".join(parts)
    for key, _label in EDUCATION_LEVELS:
        conditions[f"edu_{key}"] = f"rank = {Education.rank(key) if key != 'none' else 0}"
    for key, _label in POLITICAL_LEVELS:
        conditions[f"pol_{key}"] = f"pol = '{key if key != 'none' else ''}'"
    return conditions


def _village_counts(pop: str) -> list[str]:
    """The per-village counting expressions of a population, `counter_keys` order."""
    member = "sec = 1" if pop == "sec" else "1 = 1"
    conditions = _fact_conditions(pop)
    return [
        f"SUM(CASE WHEN {member} THEN 1 ELSE 0 END)",
        f"SUM(CASE WHEN {member} THEN age ELSE 0 END)",
        *(
            f"SUM(CASE WHEN {member} AND {conditions[key]} THEN 1 ELSE 0 END)"
            for key in counter_keys(pop)[2:]
        ),
    ]


def _village_sql(facts: str) -> str:
    """Both populations' counters per village (`vkey`) of a facts query, columns c_<pop>_<i>."""
    counts = ", ".join(
        f"{expression} AS c_{pop}_{i}"
        for pop in POPULATIONS
        for i, expression in enumerate(_village_counts(pop))
    )
    # Materialized, so that PostgreSQL computes each member's age once, not once per counter.
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    return f"WITH f AS {materialized}({facts}), v AS (SELECT vkey, {counts} FROM f GROUP BY vkey)"


def _split(values) -> dict:
    """A row of c_sec_* then c_mem_* columns as {"sec": [...], "mem": [...]}."""
    split = len(counter_keys("sec"))
    return {"sec": list(values[:split]), "mem": list(values[split:])}


def village_counters(term_id: int, reference_date: dt.date, village_ids) -> dict:
    """{current village id: {"sec": [...], "mem": [...]}} of the seats of `village_ids`:
    one statement (the incremental path; the same counting as `scope_counters`)."""
    facts, params = seat_facts(term_id, reference_date, village_ids).query.sql_with_params()
    columns = ", ".join(
        f"CAST(c_{pop}_{i} AS BIGINT)" for pop in POPULATIONS for i in range(len(counter_keys(pop)))
    )
    with connection.cursor() as cursor:
        cursor.execute(f"{_village_sql(facts)} SELECT vkey, {columns} FROM v", params)
        return {vkey: _split(values) for vkey, *values in cursor.fetchall()}


def scope_counters(term_id: int, reference_date: dt.date, levels) -> dict:
    """{(kind, key): {"sec": [counter, ...], "mem": [...]}} (`counter_keys` order) for
    every scope at `levels`, in ONE statement: the per-member facts (an ORM query), counted
    per village for both populations, then summed per level (plain SQL that SQLite and
    PostgreSQL both run). Keys: village and township ids, division codes above."""
    facts, params = seat_facts(term_id, reference_date).query.sql_with_params()
    columns = [(pop, i) for pop in POPULATIONS for i in range(len(counter_keys(pop)))]
    sums = ", ".join(f"CAST(SUM(w.c_{pop}_{i}) AS BIGINT)" for pop, i in columns)
    level_sql = {
        ScopeKind.VILLAGE: "CAST(w.vkey AS VARCHAR(12))",
        ScopeKind.TOWNSHIP: "CAST(w.tkey AS VARCHAR(12))",
        ScopeKind.COUNTY: "w.ckey",
        ScopeKind.PREFECTURE: "SUBSTR(w.ckey, 1, 4) || '00'",
        ScopeKind.PROVINCE: "SUBSTR(w.ckey, 1, 2) || '0000'",
    }
    parts = [
        f"SELECT '{level.value}', {level_sql[level]}, {sums} FROM w GROUP BY {level_sql[level]}"
        for level in levels
    ]
    village, township, county = (
        Village._meta.db_table,
        Township._meta.db_table,
        County._meta.db_table,
    )
    sql = (
        f"{_village_sql(facts)}, "
        f"w AS (SELECT v.*, vil.township_id AS tkey, c.code AS ckey FROM v "
        f"JOIN {village} vil ON vil.id = v.vkey "
        f"JOIN {township} t ON t.id = vil.township_id "
        f"JOIN {county} c ON c.id = t.county_id) " + " UNION ALL ".join(parts)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(kind, key): _split(values) for kind, key, *values in cursor.fetchall()}


# --- the division tree ----------------------------------------------------------------


@dataclass
class Scope:
    kind: str
    code: str
    name: str
    parent_code: str
    county_id: int | None
    township_id: int | None


class Tree:
    """Names and parents of the scopes: villages (by id), townships (by id), counties (by
    code), and whether there are several counties (then prefectures and provinces too)."""

    def __init__(self, villages, townships, counties, several_counties: bool):
        self.villages = {row["id"]: row for row in villages}
        self.townships = {row["id"]: row for row in townships}
        self.counties = {row["code"]: row for row in counties}
        self.several_counties = several_counties

    @classmethod
    def load(cls, village_ids=None) -> Tree:
        """Every active village (and all townships and counties), or only `village_ids`
        and what lies above them (the incremental path: a few rows)."""
        villages = Village.objects.order_by()
        townships = Township.objects.order_by()
        counties = County.objects.order_by()
        if village_ids is None:
            villages = list(
                villages.filter(is_active=True).values(
                    "id", "code", "name", "township_id", "merged_into_id"
                )
            )
            counties = list(counties.values("id", "code", "name"))
            several = len(counties) > 1
        else:
            villages = list(
                villages.filter(pk__in=list(village_ids)).values(
                    "id", "code", "name", "township_id", "merged_into_id"
                )
            )
            townships = townships.filter(pk__in={v["township_id"] for v in villages})
            counties = list(
                counties.filter(townships__in={v["township_id"] for v in villages})
                .distinct()
                .values("id", "code", "name")
            )
            several = County.objects.count() > 1
        return cls(
            villages,
            list(townships.values("id", "code", "name", "county_id")),
            counties,
            several,
        )

    def scope(self, kind: str, key) -> Scope:
        if kind == ScopeKind.VILLAGE:
            row = self.villages[int(key)]
            town = self.townships[row["township_id"]]
            return Scope(
                kind, row["code"], row["name"], town["code"], town["county_id"], town["id"]
            )
        if kind == ScopeKind.TOWNSHIP:
            town = self.townships[int(key)]
            return Scope(
                kind,
                town["code"],
                town["name"],
                town["code"][:6],
                town["county_id"],
                town["id"],
            )
        if kind == ScopeKind.COUNTY:
            county = self.counties[key]
            parent = key[:4] + "00" if self.several_counties else ""
            return Scope(kind, key, county["name"], parent, county["id"], None)
        if kind == ScopeKind.PREFECTURE:
            return Scope(kind, key, key, key[:2] + "0000", None, None)
        return Scope(kind, key, key, "", None, None)

    def ancestors(self, village_id: int) -> list[tuple[str, object]]:
        """(kind, key) of the village and every scope above it, lowest first."""
        township_id = self.villages[village_id]["township_id"]
        county_code = self.townships[township_id]["code"][:6]
        keys = [
            (ScopeKind.VILLAGE, village_id),
            (ScopeKind.TOWNSHIP, township_id),
            (ScopeKind.COUNTY, county_code),
        ]
        if self.several_counties:
            keys += [
                (ScopeKind.PREFECTURE, county_code[:4] + "00"),
                (ScopeKind.PROVINCE, county_code[:2] + "0000"),
            ]
        return keys


def _key(kind, key):
    """Keys as `scope_counters` returns them: ids as text for villages and townships."""
    return (str(kind), str(key))


def levels(tree: Tree) -> list[str]:
    out = [ScopeKind.VILLAGE, ScopeKind.TOWNSHIP, ScopeKind.COUNTY]
    if tree.several_counties:
        out += [ScopeKind.PREFECTURE, ScopeKind.PROVINCE]
    return out


def term_scopes(term: Term) -> dict[tuple[str, str], tuple[Scope, dict]]:
    """{(kind, code): (Scope, packed counters)} of every scope of a term.

    Two statements (this term, and the previous one with ages on this term's reference
    date), each counting both populations and rolling them up to every level in the
    database, plus three small ones for names. Villages with nobody in post get empty
    counters.
    """
    tree = Tree.load()
    found: dict[tuple[str, str], dict] = {}
    previous = term.previous
    for side, source in (("cur", term), ("prev", previous)):
        if source is None:
            continue
        rows = scope_counters(source.pk, term.reference_date, levels(tree))
        for key, pops in rows.items():
            if key not in found:
                found[key] = empty()
            found[key][side] = pops
    for village_id in tree.villages:
        for kind, key in tree.ancestors(village_id):
            key = _key(kind, key)
            if key not in found:
                found[key] = empty()
    result = {}
    for (kind, key), counters in found.items():
        if kind == ScopeKind.VILLAGE and int(key) not in tree.villages:
            continue  # a chain of merges deeper than one step: see docs/composition.md
        scope = tree.scope(kind, key)
        result[(scope.kind, scope.code)] = (scope, counters)
    return result


def village_scopes(term: Term, village_ids) -> tuple[Tree, dict[int, dict]]:
    """Counters of the villages touched by a change to `village_ids` (the village each
    lives on today, packed), for the incremental path: two small statements."""
    ids = set(village_ids)
    ids |= set(
        Village.objects.filter(pk__in=ids, merged_into__isnull=False).values_list(
            "merged_into_id", flat=True
        )
    )
    ids |= set(Village.objects.filter(merged_into__in=ids).values_list("pk", flat=True))
    tree = Tree.load(ids)
    affected = {v for v, row in tree.villages.items() if not row["merged_into_id"]}
    by_village = {v: empty() for v in affected}
    previous = term.previous
    for side, source in (("cur", term), ("prev", previous)):
        if source is None:
            continue
        for village_id, pops in village_counters(source.pk, term.reference_date, ids).items():
            if village_id in by_village:
                by_village[village_id][side] = pops
    return tree, by_village


# --- reads of the stored snapshot -----------------------------------------------------


def default_scope(user) -> tuple[str, dict] | None:
    """The scope a user lands on: their township for officials, else their county, as the
    snapshot filter that finds its row (by id: no look-up of the code)."""
    if getattr(user, "township_id", None) and user.role == "township_official":
        return ScopeKind.TOWNSHIP, {"township_id": user.township_id}
    if getattr(user, "county_id", None):
        return ScopeKind.COUNTY, {"county_id": user.county_id}
    return None


def scope_kind_for_code(code: str) -> str | None:
    """Division codes: 12 digits a village, 9 a township, 6 a county (xx xx 00 a
    prefecture, xx 00 00 a province)."""
    code = code or ""
    if not is_digits(code):
        return None
    if len(code) == 6:
        if code.endswith("0000"):
            return ScopeKind.PROVINCE
        if code.endswith("00"):
            return ScopeKind.PREFECTURE
        return ScopeKind.COUNTY
    return {9: ScopeKind.TOWNSHIP, 12: ScopeKind.VILLAGE}.get(len(code))


def pending_terms(term_ids) -> set[int]:
    from .models import RecomputeRequest

    return set(
        RecomputeRequest.objects.filter(term_id__in=list(term_ids)).values_list(
            "term_id", flat=True
        )
    )


class ScopeNotFound(Exception):
    """No stored figures the user may see for that term and scope."""


def resolve_term(year, terms=None) -> Term:
    """The term of `year`, or the term in force (`Term.objects.in_force`: the latest that
    has started); from `terms` (every term, latest first) when the caller has them already."""
    if terms is None:
        qs = Term.objects.all()
        try:
            term = qs.get(year=int(year)) if year not in (None, "") else qs.in_force()
        except (Term.DoesNotExist, ValueError, TypeError):
            term = None
    else:
        try:
            wanted = int(year) if year not in (None, "") else None
        except (ValueError, TypeError):
            raise ScopeNotFound("term") from None
        if wanted is None:  # the term in office, not a round still being prepared
            today = timezone.localdate()
            started = [t for t in terms if t.starts_on is None or t.starts_on <= today]
            wanted = (started or terms)[0].year if terms else None
        term = next((t for t in terms if t.year == wanted), None)
    if term is None:
        raise ScopeNotFound("term")
    return term


def scope_row(user, term, code=None) -> CompositionSnapshot:
    """The stored row of one scope (default: the user's township or county), for `user`;
    its `figures` and `breakdowns` are derived from the stored counters on read.

    One query. An unknown scope, or one the user may not see, raises ScopeNotFound.
    """
    qs = CompositionSnapshot.objects.filter(term=term, metric=Metric.COUNTERS)
    if user is not None:
        qs = qs.for_user(user)
    if code:
        kind = scope_kind_for_code(code)
        if kind is None:
            raise ScopeNotFound(code)
        qs = qs.filter(scope_kind=kind, scope_code=code)
    else:
        default = default_scope(user) if user is not None else None
        if default:
            qs = qs.filter(scope_kind=default[0], **default[1])
        else:
            # No home scope (administrators, national API clients): the only county, or the
            # highest scope there is (with several, the first one).
            qs = qs.filter(scope_kind__in=[ScopeKind.PROVINCE, ScopeKind.COUNTY]).order_by(
                "-scope_kind", "scope_code"
            )
    row = qs.select_related("county", "township").first()
    if row is None:
        raise ScopeNotFound(code or "")
    return row


def child_rows(user, term, parent_code: str) -> list[CompositionSnapshot]:
    """The rows of every scope directly below `parent_code` that `user` may see."""
    return list(
        CompositionSnapshot.objects.for_user(user)
        .filter(term=term, metric=Metric.COUNTERS, parent_code=parent_code)
        .order_by("scope_code")
    )
