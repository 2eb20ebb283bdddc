"""The roster import (花名册导入): whole terms of post holders from one spreadsheet.

A contract (docs/elections.md): one row per seat; people matched by ID number and updated;
villages matched by township and name (merged ones too); the term must exist. Every bad row
is reported with its row and column and nothing is saved unless the whole file is good.
Re-importing the same file changes nothing. Rows are checked in memory and saved in bulk,
so the number of queries does not grow with the number of rows.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import and_, attrgetter, is_, is_not, itemgetter, ne, truth
from typing import NamedTuple

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from core import policy
from core.access import can_edit_township
from core.bulk import HistoryStamp, filter_in, gc_paused, insert_with_history
from core.spreadsheets import Column, Sheet
from core.text import compact, is_digits, normalize_text, parse_date
from people import idnumbers
from people.choices import Education, Gender, PoliticalStatus
from people.models import Person
from people.services import (
    PersonData,
    digests_out_of_scope,
    out_of_scope_message,
    persons_bulk_write,
)
from people.throttles import IdLookupLimit
from registry.models import Term, Village

from . import eligibility, seat_rules
from .choices import BODY_POSTS, Body, Post, SeatSource
from .models import Seat
from .signals import seats_changed

BODY_ALIASES = {
    Body.PARTY_COMMITTEE: {
        "党组织",
        "党支部",
        "党总支",
        "党委",
        "村党组织",
        "村党支部",
        "村党总支",
        "党组织委员会",
        "村党组织委员会",
        "支部委员会",
        "党支部委员会",
        "party",
        "party_committee",
    },
    Body.VILLAGERS_COMMITTEE: {
        "村(居)委会",
        "村居委会",
        "村委会",
        "居委会",
        "村民委员会",
        "居民委员会",
        "村(居)民委员会",
        "villagers",
        "villagers_committee",
    },
    Body.SUPERVISION_COMMITTEE: {
        "村务监督委员会",
        "监委会",
        "村监委",
        "村务监督委",
        "supervision",
    },
}
POST_ALIASES = {
    Post.SECRETARY: {"书记", "支部书记", "党支部书记", "党总支书记", "党委书记", "secretary"},
    Post.DEPUTY_SECRETARY: {"副书记", "支部副书记", "党支部副书记", "deputy_secretary"},
    Post.DIRECTOR: {"主任", "村委会主任", "居委会主任", "监委会主任", "director"},
    Post.DEPUTY_DIRECTOR: {"副主任", "村委会副主任", "居委会副主任", "deputy_director"},
    Post.MEMBER: {"委员", "成员", "member"},
}
_BODY_LOOKUP = {compact(a).lower(): b for b, names in BODY_ALIASES.items() for a in names}
_POST_LOOKUP = {compact(a).lower(): p for p, names in POST_ALIASES.items() for a in names}


def _body(value) -> str:
    body = _BODY_LOOKUP.get(compact(value).lower().replace("（", "(").replace("）", ")"))
    if body is None:
        raise ValueError(
            _("未知的组织“%(value)s”，应为“党组织”或“村(居)委会”")
            % {"value": normalize_text(value)}
        )
    return body


def _post(value) -> str:
    post = _POST_LOOKUP.get(compact(value).lower())
    if post is None:
        raise ValueError(
            _("未知的职务“%(value)s”，应为书记、副书记、主任、副主任或委员")
            % {"value": normalize_text(value)}
        )
    return post


def _year(value) -> int:
    text = compact(value).removesuffix(".0").removesuffix("年").removesuffix("届")
    if not is_digits(text) or len(text) != 4:
        raise ValueError(_("届次应填写年份，如 2021"))
    return int(text)


def _name(value) -> str:
    text = normalize_text(value)
    if len(text) > 50:
        raise ValueError(_("过长（最多 50 个字）"))
    return text


def _optional(parse):
    def clean(value):
        return parse(value) if compact(value) else None

    return clean


def _phone(value) -> str:
    text = compact(value).removesuffix(".0")
    if len(text) > 20:
        raise ValueError(_("联系电话过长"))
    return text


COLUMNS = [
    Column(
        "township",
        "乡镇",
        ("乡镇(街道)", "乡镇街道", "township"),
        True,
        _name,
        "乡镇(街道)名称",
        "吉昌镇",
    ),
    Column(
        "village",
        "村(社区)",
        ("村", "社区", "村(居)", "村名", "village"),
        True,
        _name,
        "村或社区名称；已合并的村按原名填写",
        "东关村",
    ),
    Column(
        "term",
        "届次",
        ("届", "年份", "term", "year"),
        True,
        _year,
        "届次的年份，如 2021；系统中须已有该届次",
        "2021",
    ),
    Column(
        "body",
        "组织",
        ("body", "organization"),
        True,
        _body,
        "党组织（党支部、党总支）或 村(居)委会（村委会、居委会、村民委员会、居民委员会）",
        "党支部",
    ),
    Column(
        "post",
        "职务",
        ("post", "position"),
        True,
        _post,
        "党组织：书记、副书记、委员；村(居)委会：主任、副主任、委员",
        "书记",
    ),
    Column("name", "姓名", ("name",), True, _name, "", "张建国"),
    Column(
        "id_number",
        "公民身份号码",
        ("身份证号", "身份证号码", "身份证", "id_number"),
        True,
        compact,
        "18 位公民身份号码；同一人任两个职务时填两行",
        "14263019780115003X",
    ),
    Column(
        "gender",
        "性别",
        ("gender", "sex"),
        False,
        _optional(Gender.parse),
        "男 或 女；须与身份证号码一致",
        "男",
    ),
    Column(
        "birth_date",
        "出生日期",
        ("birth_date", "birthday"),
        False,
        _optional(parse_date),
        "如 1978-01-15；须与身份证号码一致",
        "1978-01-15",
    ),
    Column("ethnicity", "民族", ("ethnicity",), False, _name, "", "汉族"),
    Column(
        "education_fulltime",
        "全日制学历",
        ("全日制教育", "education_fulltime"),
        False,
        _optional(Education.parse),
        "研究生、大学本科、大学专科、中专、高中、初中、小学及以下",
        "高中",
    ),
    Column(
        "education_inservice",
        "在职学历",
        ("在职教育", "education_inservice"),
        False,
        _optional(Education.parse),
        "同上；没有可不填",
        "大学专科",
    ),
    Column(
        "political_status",
        "政治面貌",
        ("political_status",),
        False,
        _optional(PoliticalStatus.parse),
        "中共党员、中共预备党员、共青团员、民主党派、群众",
        "中共党员",
    ),
    Column(
        "phone", "联系电话", ("电话", "手机", "phone"), False, _optional(_phone), "", "13800000000"
    ),
]


@dataclass
class RosterResult:
    rows: int = 0
    seats_created: int = 0
    seats_updated: int = 0
    seats_unchanged: int = 0
    people_created: int = 0
    people_updated: int = 0
    errors: list = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class _Seat(NamedTuple):
    """A good row's seat (a named tuple: 100,000 made in C, `_new_seat`)."""

    row: int
    village: Village
    village_id: int
    term: Term
    term_id: int
    body: str
    post: str
    person: PersonData  # one per ID number, shared by that person's rows


_new_seat = functools.partial(tuple.__new__, _Seat)  # _Seat._make without its length check


def _noop(fraction: float) -> None:
    pass


@policy.requires_actor
def import_roster(
    sheet: Sheet,
    *,
    actor,
    dry_run: bool = False,
    progress: Callable[[float], None] = _noop,
    origin: tuple[str | None, str] | None = None,
) -> RosterResult:
    """Check every row, then save all post holders in bulk; all or nothing. `origin`: the
    (client IP, request id) of the upload, for the history of a background import."""
    with gc_paused():
        return _import(sheet, actor, dry_run, progress, origin)


def _import(sheet: Sheet, actor, dry_run: bool, progress, origin=None) -> RosterResult:
    result = RosterResult(rows=len(sheet.rows), dry_run=dry_run)
    terms = {term.year: term for term in Term.objects.all()}
    villages = _villages_by_name(actor)
    seats, people = _check_rows(sheet, terms, villages, actor)
    _refuse_party_seats_of_non_members(sheet, seats)
    progress(0.4)
    if sheet.errors:
        result.errors = sorted(sheet.errors, key=lambda e: e.row)
        return result
    with transaction.atomic():
        term_ids = sorted({seat.term_id for seat in seats})
        # Concurrent imports (and recomputes) of the same term wait here, then see each
        # other's seats. NO KEY: rows that merely refer to the term are not held up.
        list(Term.objects.select_for_update(no_key=True).filter(pk__in=term_ids).order_by("pk"))
        plan = _plan(sheet, seats, term_ids)
        existing, places = _existing_people([row.digest for row in people])
        _refuse_party_seats_of_non_members(sheet, seats, existing)
        try:
            _refuse_people_out_of_scope(sheet, seats, places, actor)
        except IdLookupLimit as exc:
            result.errors = exc.messages  # the whole file: no row is named
            return result
        progress(0.6)
        if sheet.errors:
            result.errors = sorted(sheet.errors, key=lambda e: e.row)
            return result
        to_create, to_update, unchanged = plan
        person_ids: dict[str, int] = {}
        known: dict[str, int] = {}
        changed = []
        for row in people:
            saved = existing.get(row.digest)
            if saved is None:
                changed.append(row)
                result.people_created += 1
                continue
            known[row.digest] = saved[0]
            if _differs(row, saved):
                changed.append(row)
                result.people_updated += 1
            else:
                person_ids[row.id_number] = saved[0]
        result.seats_created, result.seats_updated = len(to_create), len(to_update)
        result.seats_unchanged = unchanged
        if dry_run:
            return result
        stamp = HistoryStamp.current(actor, origin)
        # Only new or changed people are written: a re-import leaves the rest alone.
        person_ids.update(persons_bulk_write(changed, existing=known, stamp=stamp, actor=actor))
        progress(0.8)
        numbers = map(attrgetter("id_number"), map(attrgetter("person"), to_create))
        insert_with_history(
            Seat,
            ("person_id", "village_id", "term_id", "body", "post", "started_on"),
            zip(
                map(person_ids.__getitem__, numbers),
                *(map(attrgetter(name), to_create) for name in ("village_id", "term_id", "body")),
                map(attrgetter("post"), to_create),
                map(attrgetter("starts_on"), map(attrgetter("term"), to_create)),
                strict=True,
            ),
            count=len(to_create),
            constants={"source": SeatSource.ROSTER_IMPORT},
            stamp=stamp,
        )
        updated_villages = _update_posts(to_update, stamp)
        if to_create or to_update:
            seats_changed.send(
                sender=Seat,
                term_ids=set(term_ids),
                village_ids={seat.village_id for seat in to_create} | updated_villages,
            )
    progress(1.0)
    return result


PERSON_COMPARED = (
    "name",
    "birth_date",
    "gender",
    "village_id",
    "ethnicity",
    "education_fulltime",
    "education_inservice",
    "political_status",
    "phone",
)


def _existing_people(digests: list[str]) -> tuple[dict[str, tuple], dict[str, tuple]]:
    """The saved people among `digests`: digest -> (pk, *PERSON_COMPARED), and digest ->
    (county pk, township pk of their village or None), which decides who may change them."""
    found, places = {}, {}
    end = 2 + len(PERSON_COMPARED)
    for queryset in filter_in(Person.objects.order_by(), "id_number_digest", digests):
        for values in queryset.values_list(
            "id_number_digest", "pk", *PERSON_COMPARED, "county_id", "village__township_id"
        ):
            found[values[0]] = values[1:end]
            places[values[0]] = values[end:]
    return found, places


def _refuse_people_out_of_scope(sheet: Sheet, seats: list[_Seat], places, actor) -> None:
    """A row whose ID number belongs to a person the uploader may not change fails: the
    import would rename them and move them into the uploader's village. The message names
    neither the person nor their township. One set over the batch, no query per row."""
    outside = digests_out_of_scope(actor, places, door="roster")
    if not outside:
        return
    message = out_of_scope_message()
    for seat in seats:
        if seat.person.digest in outside:
            sheet.error(seat.row, "id_number", message)


_STATUS_AT = 1 + PERSON_COMPARED.index("political_status")  # in `_existing_people` rows


def _refuse_party_seats_of_non_members(sheet: Sheet, seats: list[_Seat], existing=None) -> None:
    """A party-committee seat needs a full party member (elections.eligibility): the
    status the file gives the person (on any of their rows), else the one saved. Without
    `existing` (the rows' own checks, before the saved people are read) only the rows whose
    file gives the status are checked; with it, the others. A roster records who held the
    seats: a holder whose status neither the file nor the portal knows is taken as is (the
    nomination, the ballot and a seat by hand do ask for it)."""
    for seat in seats:
        if seat.body not in eligibility.PARTY_BODIES:
            continue
        status = seat.person.political_status
        if (status is None) == (existing is None):
            continue
        if status is None:
            saved = existing.get(seat.person.digest)
            status = saved[_STATUS_AT] if saved is not None else ""
            if not status:
                continue
        message = eligibility.party_problem(seat.body, status)
        if message:
            sheet.error(seat.row, "political_status", message)


_compared = operator.attrgetter(*PERSON_COMPARED)


def _differs(row: PersonData, saved: tuple) -> bool:
    """Whether upserting `row` would change the saved person (None cells leave a field alone)."""
    for new, old in zip(_compared(row), saved[1:], strict=True):
        if new is not None and new != old:
            return True
    return False


def _villages_by_name(actor) -> dict[tuple[str, str], list[Village]]:
    queryset = Village.objects.for_user(actor).select_related("township", "merged_into")
    if not policy.is_system(actor):
        if getattr(actor, "county_id", None):
            queryset = queryset.filter(township__county_id=actor.county_id)
    by_name: dict[tuple[str, str], list[Village]] = {}
    for village in queryset:
        by_name.setdefault((village.township.name, village.name), []).append(village)
    return by_name


def _village_for(township_name, village_name, villages, actor, editable) -> tuple:
    """(village, None), or (village or None, the message for the 村(社区) cell)."""
    matches = villages.get((township_name, village_name), [])
    if not matches:
        return None, _("找不到“%(township)s%(village)s”（或无权导入该村）") % {
            "township": township_name,
            "village": village_name,
        }
    if len(matches) > 1:
        return None, _("有多个同名的村，请联系管理员")
    village = matches[0]
    if village.township_id not in editable:
        editable[village.township_id] = can_edit_township(actor, village.township)
    if not editable[village.township_id]:
        return village, _("您只能导入本乡镇的村(社区)")
    return village, None


def _merged_away(village: Village, term: Term) -> str | None:
    """The message when a roster puts a village merged before the term began in it."""
    if village.is_active or not (village.merged_on and term.starts_on):
        return None
    if village.merged_on < term.starts_on:
        return _("该村已于 %(date)s 并入%(into)s，不能有 %(year)s 届的任职") % {
            "date": f"{village.merged_on:%Y-%m-%d}",
            "into": village.merged_into,
            "year": term.year,
        }
    return None


def _check_rows(sheet: Sheet, terms, villages, actor) -> tuple[list[_Seat], list[PersonData]]:
    """Every check that needs only the file and the registry; returns the good rows, and one
    PersonData per ID number (a person on both committees has two rows: an optional cell
    filled on either of them counts)."""
    return _RowChecks(sheet, terms, villages, actor).run()


_NOWHERE = (None, None, None, None, None)
# The cells the checks read, and the optional ones a person takes from their rows.
_CHECKED = (
    "term",
    "township",
    "village",
    "body",
    "post",
    "name",
    "id_number",
    "birth_date",
    "gender",
)
_OPTIONAL = (
    "ethnicity",
    "education_fulltime",
    "education_inservice",
    "political_status",
    "phone",
)


def _nones(column: list) -> list[int]:
    """The positions of None in `column` (compared by identity: no model's __eq__)."""
    return list(compress(range(len(column)), map(is_, column, repeat(None))))


def _picker(good, count: int) -> Callable[[list], list]:
    """A column's values at the positions `good` (all of them: the column itself)."""
    if len(good) == count:
        return lambda column: column
    return lambda column: [column[i] for i in good]


def _indices(column: list, found) -> list[int]:
    """The positions in `column` of the values in the set `found` (map and compress: C)."""
    if not found:
        return []
    return list(compress(range(len(column)), map(found.__contains__, column)))


class _RowChecks:
    """The checks of one roster's rows, family by family over whole columns (issue 17 §1).

    A roster repeats its terms, villages, posts and people on many rows: each distinct
    value (a year, a township and village, a post on a body, an ID number, a birth year
    against a term) is judged once, and the rows holding a bad one are found with `map`
    over the column. Only those rows are then reported one by one (`_errors`), with every
    error of the row in the order of its checks, as a row-by-row loop would; the good rows
    go through the seat ledger in row order. The errors reach the sheet in row order, so
    the first MAX_ERRORS kept are the same whichever way they were found.
    """

    def __init__(self, sheet: Sheet, terms, villages, actor):
        self.sheet, self.terms, self.villages, self.actor = sheet, terms, villages, actor
        self.editable: dict[int, bool] = {}
        # (township, village) -> (village, message, village pk, county pk, pk of its current)
        self.places: dict[tuple, tuple] = {}
        self.merged: dict[tuple, str | None] = {}  # (village pk, term pk) -> message
        self.parsed_numbers: dict[str, idnumbers.IdNumber | str] = {}  # cell -> parsed, or message
        self.first_rows: dict[str, tuple[int, str]] = {}  # number -> (row, name) of its first row
        self.today = dt.date.today()

    def run(self) -> tuple[list[_Seat], list[PersonData]]:
        rows = self.sheet.rows
        if not rows:
            return [], []
        self.count, self.values = len(rows), list(map(attrgetter("values"), rows))
        self.numbers = list(map(attrgetter("number"), rows))
        self.cols = {key: list(map(itemgetter(key), self.values)) for key in _CHECKED}
        self._look_up()
        errors: dict[int, list[tuple[str, str]]] = {}
        for index in sorted(self._suspects()):
            found = self._errors(index)
            if found:
                errors[index] = found
        good = self._complete(set(errors))
        take = _picker(good, self.count)
        cols = self.cols
        g_numbers, g_places, g_terms = take(self.numbers), take(self.places_of), take(self.terms_of)
        g_ids, g_names = take(self.ids), take(cols["name"])
        g_bodies, g_posts = take(cols["body"]), take(cols["post"])
        village_ids = list(map(itemgetter(2), g_places))
        term_ids = list(map(attrgetter("id"), g_terms))
        clashes = self._ledger(g_numbers, g_ids, village_ids, term_ids, g_bodies, g_posts, g_names)
        for position, key, message in clashes:
            errors[good[position]] = [(key, message)]
        for index in sorted(errors):
            for key, message in errors[index]:
                self.sheet.error(self.numbers[index], key, message)
        if clashes:
            dropped = {position for position, _key, _message in clashes}
            keep = [position not in dropped for position in range(len(good))]
            good = list(compress(good, keep))
            g_numbers, g_places, g_terms, g_ids, g_bodies, g_posts, g_names = (
                list(compress(column, keep))
                for column in (g_numbers, g_places, g_terms, g_ids, g_bodies, g_posts, g_names)
            )
            village_ids = list(map(itemgetter(2), g_places))
            term_ids = list(map(attrgetter("id"), g_terms))
        people = self._people(good, g_ids, g_places, g_names)
        person_of = dict(zip(map(attrgetter("id_number"), people), people, strict=True))
        seats = list(
            map(
                _new_seat,
                zip(
                    g_numbers,
                    map(itemgetter(0), g_places),
                    village_ids,
                    g_terms,
                    term_ids,
                    g_bodies,
                    g_posts,
                    map(person_of.__getitem__, g_ids),
                    strict=True,
                ),
            )
        )
        return seats, people

    def _look_up(self) -> None:
        """Each distinct term, place and ID number of the file judged once, and the rows'."""
        cols = self.cols
        years = cols["term"]
        term_of = {year: self.terms.get(year) if year else None for year in set(years)}
        self.terms_of = list(map(term_of.__getitem__, years))
        self.used_terms = {term.pk: term for term in term_of.values() if term is not None}
        self.pairs = list(zip(cols["township"], cols["village"], strict=True))
        for pair in set(self.pairs):
            self.places[pair] = self._place(*pair)
        self.places_of = list(map(self.places.__getitem__, self.pairs))
        cells = cols["id_number"]
        self.parsed_numbers = idnumbers.parse_many(filter(None, set(cells)), today=self.today)
        self.parsed = list(map(self.parsed_numbers.get, cells))
        self.valid = {cell: p for cell, p in self.parsed_numbers.items() if p.__class__ is not str}
        # every cell a good number (the common file): the rows' numbers without a look-up
        self.all_valid = len(self.valid) == len(self.parsed_numbers) and all(cells)
        if self.all_valid:
            self.ids = list(map(itemgetter(0), self.parsed))
        else:
            numbers = map(itemgetter(0), self.valid.values())
            number_of = dict(zip(self.valid, numbers, strict=True))
            self.ids = list(map(number_of.get, cells))
        # a name is compared with the first row of its ID number, whatever else that row has
        numbers, names = self.numbers, cols["name"]
        firsts = zip(reversed(numbers), reversed(names), strict=True)
        self.first_rows = dict(zip(reversed(self.ids), firsts, strict=True))
        self.first_rows.pop(None, None)

    def _suspects(self) -> set[int]:
        """The rows that may have an error: each family's bad values, found over the columns
        (a superset: `_errors` has the last word)."""
        cols, count, pairs, places = self.cols, self.count, self.pairs, self.places
        years, cells, terms = cols["term"], cols["id_number"], self.terms_of
        suspects = set(_indices(years, {y for y in set(years) if y and y not in self.terms}))
        suspects.update(_indices(pairs, {pair for pair, p in places.items() if p[1]}))
        inactive = {pair for pair, p in places.items() if p[0] and not p[0].is_active}
        suspects.update(_indices(pairs, inactive))
        body_posts = list(zip(cols["body"], cols["post"], strict=True))
        posted = {
            (body, post)
            for body, post in set(body_posts)
            if body and post and post not in BODY_POSTS.get(body, ())
        }
        suspects.update(_indices(body_posts, posted))
        suspects.update(_indices(cells, self.parsed_numbers.keys() - self.valid.keys()))
        # a birth date, gender or name given that is not the number's (or its first row's)
        parsed, valid = self.parsed, self.valid
        if self.all_valid:
            births, genders = map(itemgetter(1), parsed), map(itemgetter(2), parsed)
        else:
            births = map({cell: p.birth_date for cell, p in valid.items()}.get, cells)
            genders = map({cell: p.gender for cell, p in valid.items()}.get, cells)
        names = {number: first[1] for number, first in self.first_rows.items()}
        for given, wanted in (
            (cols["birth_date"], list(births)),
            (cols["gender"], list(genders)),
            (cols["name"], list(map(names.get, self.ids))),
        ):
            if given != wanted:  # every cell filled and right: one comparison in C
                differs = map(and_, map(truth, given), map(ne, given, wanted))
                suspects.update(compress(range(count), differs))
        # born in a year 19 or more before the election's: 18 by then, whatever the day
        youngest = max(map(itemgetter(1), valid.values()), default=None)
        for term in self.used_terms.values():
            latest = term.reference_date.year - 19
            if youngest is not None and youngest.year > latest:
                young = {cell for cell, p in valid.items() if p.birth_date.year > latest}
                suspects.update(i for i in _indices(cells, young) if terms[i] is term)
        return suspects

    def _complete(self, bad: set[int]) -> list[int] | range:
        """The rows a seat can come from: no error, and no required cell left empty (the
        reading of the sheet reported that)."""
        skipped = set(bad)
        cols = self.cols
        for column in (self.terms_of, cols["body"], cols["post"], self.ids):
            skipped.update(_nones(column))  # an ID number wrong or missing has no id
        nowhere = {pair for pair, p in self.places.items() if p[0] is None}
        skipped.update(_indices(self.pairs, nowhere))
        if not all(cols["name"]):
            skipped.update(i for i, name in enumerate(cols["name"]) if not name)
        if not skipped:
            return range(self.count)
        return [i for i in range(self.count) if i not in skipped]

    def _ledger(self, numbers, ids, village_ids, term_ids, bodies, posts, names) -> list:
        """(position, column, message) of each good row that clashes with an earlier one:
        one post per person on a body, one holder of a chair. Checked over the columns; the
        rows are run through the ledger one by one only when something clashes."""
        seats = list(zip(ids, village_ids, term_ids, bodies, strict=True))
        chairs = list(map(seat_rules.CHAIR_POSTS.__contains__, posts))
        holders = set(
            compress(
                zip(zip(village_ids, term_ids, bodies, posts, strict=True), ids, strict=True),
                chairs,
            )
        )
        if len(set(seats)) == len(seats) and len({slot for slot, _id in holders}) == len(holders):
            return []
        admit = seat_rules.SeatLedger().admit
        clashes = []
        for position, (seat, post, label) in enumerate(
            zip(seats, posts, zip(numbers, names, strict=True), strict=True)
        ):
            clash = admit(*seat, post, label)
            if clash is not None:
                clashes.append(
                    (position, "id_number" if clash[0] == "person" else "post", clash[1])
                )
        return clashes

    def _people(self, good, ids, places, names) -> list[PersonData]:
        """One PersonData per ID number, from its first good row; an optional cell left
        empty there takes the first later row's that is filled (the ethnicity: not empty)."""
        first = dict(zip(reversed(ids), reversed(range(len(ids))), strict=True))
        order = list(dict.fromkeys(ids))
        at = list(map(first.__getitem__, order))
        first_parsed = list(map(self.parsed.__getitem__, map(good.__getitem__, at)))
        first_places = list(map(places.__getitem__, at))
        return list(
            map(
                PersonData,
                order,
                map(names.__getitem__, at),
                map(itemgetter(3), first_places),
                map(itemgetter(1), first_parsed),
                map(itemgetter(2), first_parsed),
                map(itemgetter(4), first_places),
                *self._optional(good, ids, at, order, self.values),
                idnumbers.digest_many(order),
            )
        )

    @staticmethod
    def _optional(good, ids, at, order, values) -> list[list]:
        """Per optional column, each person's value: the first of their rows' that is filled."""
        if not good:
            return [[] for _key in _OPTIONAL]
        out = []
        for key, column in zip(
            _OPTIONAL,
            zip(*map(itemgetter(*_OPTIONAL), map(values.__getitem__, good)), strict=True),
            strict=True,
        ):
            # the ethnicity counts when not empty (as a new person's did), the others when set
            present = list(
                map(truth, column) if key == "ethnicity" else map(is_not, column, repeat(None))
            )
            if all(present):
                out.append(list(map(column.__getitem__, at)))
            elif not any(present):
                out.append([None] * len(order))
            else:
                chosen = dict(
                    zip(
                        reversed(list(compress(ids, present))),
                        reversed(list(compress(column, present))),
                        strict=True,
                    )
                )
                out.append(list(map(chosen.get, order)))
        return out

    def _errors(self, index: int) -> list[tuple[str, str]]:
        """Every error of one row, (column, message), in the order of its checks."""
        cols = self.cols
        year, term, (village, message) = (
            cols["term"][index],
            self.terms_of[index],
            self.places_of[index][:2],
        )
        found = []
        if year and term is None:
            found.append(("term", _("系统中没有 %(year)s 届") % {"year": year}))
        if message:
            found.append(("village", message))
        if village is not None and term is not None and not village.is_active:
            key = (village.pk, term.pk)
            if key not in self.merged:
                self.merged[key] = _merged_away(village, term)
            if self.merged[key]:
                found.append(("village", self.merged[key]))
        message = seat_rules.post_not_on_body(cols["body"][index], cols["post"][index])
        if message:
            found.append(("post", message))
        parsed = self.parsed[index]
        if parsed.__class__ is str:
            found.append(("id_number", parsed))
        elif parsed is not None:
            found.extend(self._person_errors(index, parsed, term))
        return found

    def _person_errors(self, index: int, parsed, term) -> list[tuple[str, str]]:
        """The birth date and gender agree with the ID number, one name per ID number, 18 on
        the term's election date (elections.eligibility)."""
        cols, found = self.cols, []
        birth_date, gender, name = (
            cols["birth_date"][index], cols["gender"][index], cols["name"][index]
        )  # fmt: skip
        if birth_date and birth_date != parsed.birth_date:
            found.append((
                "birth_date",
                _("出生日期 %(typed)s 与身份证号码中的 %(coded)s 不一致")
                % {"typed": f"{birth_date:%Y-%m-%d}", "coded": f"{parsed.birth_date:%Y-%m-%d}"},
            ))  # fmt: skip
        if gender and gender != parsed.gender:
            found.append(("gender", _("性别与身份证号码（第 17 位）不一致")))
        prior = self.first_rows[parsed.number]
        if name and prior[1] != name:
            found.append((
                "name",
                _("同一身份证号码在第 %(row)s 行的姓名为“%(name)s”")
                % {"row": prior[0], "name": prior[1]},
            ))  # fmt: skip
        # born in a year 19 or more before the election's: 18 by then, whatever the day
        if term is not None and parsed.birth_date.year > term.reference_date.year - 19:
            message = eligibility.age_problem(parsed.birth_date, term.reference_date)
            if message:
                found.append(("id_number", message))
        return found

    def _place(self, township_name, village_name) -> tuple:
        """(village, message, village pk, county pk, pk of its current), all None when a
        cell is empty."""
        if not (township_name and village_name):
            return _NOWHERE
        village, message = _village_for(
            township_name, village_name, self.villages, self.actor, self.editable
        )
        if village is None:
            return (None, message, None, None, None)
        return (village, message, village.pk, village.township.county_id, village.current.pk)


def _plan(sheet: Sheet, seats: list[_Seat], term_ids: list[int]):
    """Compare with the seats already held: what to create, update, or leave alone."""
    village_ids = {seat.village_id for seat in seats}
    held: dict[tuple, tuple[int, str]] = {}
    chairs = seat_rules.SeatLedger()  # the one-holder posts held now, by ID number digest
    current = Seat.objects.current().filter(term_id__in=term_ids).order_by()
    if len(village_ids) < 900:
        current = current.filter(village_id__in=village_ids)
    for pk, village_id, term_id, body, post, digest, name in current.values_list(
        "pk", "village_id", "term_id", "body", "post", "person__id_number_digest", "person__name"
    ):
        held[(digest, village_id, term_id, body)] = (pk, post)
        if post in seat_rules.CHAIR_POSTS:
            chairs.take(
                person=digest, village=village_id, term=term_id, body=body, post=post, label=name
            )
    to_create, to_update, unchanged = [], [], 0
    if not held:  # a first import: nothing to compare with
        return list(seats), to_update, 0
    for seat in seats:
        digest = seat.person.digest
        existing = held.get((digest, seat.village_id, seat.term_id, seat.body))
        clash = chairs.chair_clash(
            person=digest,
            village=seat.village_id,
            term=seat.term_id,
            body=seat.body,
            post=seat.post,
        )
        if clash:
            sheet.error(seat.row, "post", clash)
            continue
        if existing is None:
            to_create.append(seat)
        elif existing[1] != seat.post:
            to_update.append((existing[0], seat.post))
        else:
            unchanged += 1
    return to_create, to_update, unchanged


def _update_posts(to_update: list[tuple[int, str]], stamp: HistoryStamp) -> set[int]:
    """Give held seats their new post (with history); returns the villages touched."""
    if not to_update:
        return set()
    new_post = dict(to_update)
    seats = [
        seat for queryset in filter_in(Seat.objects.order_by(), "pk", new_post) for seat in queryset
    ]
    for seat in seats:
        seat.post, seat.updated_at = new_post[seat.pk], stamp.date
    bulk_update_with_history(
        seats,
        Seat,
        ["post", "updated_at"],
        batch_size=2000,
        default_user=stamp.user,
        default_date=stamp.date,
        custom_historical_attrs=stamp.historical_attrs,
    )
    return {seat.village_id for seat in seats}
