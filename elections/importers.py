"""The roster import (花名册导入): whole terms of post holders from one spreadsheet.

A contract (docs/elections.md): one row per seat; people matched by ID number and updated;
villages matched by township and name (merged ones too); the term must exist. Every bad row
is reported with its row and column and nothing is saved unless the whole file is good.
Re-importing the same file changes nothing. Rows are checked in memory and saved in bulk,
so the number of queries does not grow with the number of rows.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import dataclass, field

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
from people.idnumbers import IdNumberError
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


@dataclass(slots=True)
class _Seat:
    row: int
    village: Village
    village_id: int
    term: Term
    term_id: int
    body: str
    post: str
    person: PersonData  # one per ID number, shared by that person's rows


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
        insert_with_history(
            Seat,
            ("person_id", "village_id", "term_id", "body", "post", "started_on"),
            (
                (
                    person_ids[seat.person.id_number],
                    seat.village_id,
                    seat.term_id,
                    seat.body,
                    seat.post,
                    seat.term.starts_on,
                )
                for seat in to_create
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
    checks = _RowChecks(sheet, terms, villages, actor)
    check = checks.check
    seats = []
    for row in sheet.rows:
        seat = check(row)
        if seat is not None:
            seats.append(seat)
    people = list(checks.people.values())
    digests = idnumbers.digest_many([person.id_number for person in people])
    for person, digest in zip(people, digests, strict=True):
        person.digest = digest
    return seats, people


_NOWHERE = (None, None, None, None, None)


class _RowChecks:
    """The checks of one roster's rows, one method per family, in the order their errors
    are reported. Everything that depends only on a cell value or a village (the village
    look-up, a merge, an ID number) is worked out once and remembered: a roster repeats
    them on every row.
    """

    def __init__(self, sheet: Sheet, terms, villages, actor):
        self.sheet, self.terms, self.villages, self.actor = sheet, terms, villages, actor
        self.people: dict[str, PersonData] = {}
        # the seat rules over the file's own rows: one post per person per body, one chair
        self.admit = seat_rules.SeatLedger().admit
        self.name_of: dict[str, tuple[int, str]] = {}
        self.editable: dict[int, bool] = {}
        # (township, village) -> (village, message, village pk, county pk, pk of its current)
        self.places: dict[tuple, tuple] = {}
        self.merged: dict[tuple, str | None] = {}  # (village pk, term pk) -> message
        self.parsed_numbers: dict[str, idnumbers.IdNumber | str] = {}  # cell -> parsed, or message
        self.today = dt.date.today()
        self.bad = False  # whether the row being checked has had an error

    def error(self, number: int, key: str, message: str) -> None:
        self.sheet.error(number, key, message)
        self.bad = True

    def check(self, row) -> _Seat | None:
        """The row's seat, or None when the row is bad (its errors are in the sheet).

        The common case (a term, a village, an ID number seen before) is looked up inline:
        100,000 rows, ~9 µs each before, most of it method calls."""
        values, number = row.values, row.number
        self.bad = False
        year = values["term"]
        term = self.terms.get(year) if year else None
        if year and term is None:
            self._term(number, year)
        township_name, village_name = values["township"], values["village"]
        place = self.places.get((township_name, village_name)) or self._place(
            number, township_name, village_name
        )
        if place[1]:
            self.error(number, "village", place[1])
        village = place[0]
        if village is not None and term is not None and not village.is_active:
            self._check_merge(number, village, term)
        body, post = values["body"], values["post"]
        if body and post and post not in BODY_POSTS.get(body, ()):
            self._check_post(number, body, post)
        cell = values["id_number"]
        parsed = self.parsed_numbers.get(cell) if cell else None
        if parsed is None or parsed.__class__ is str:
            parsed = self._id_number(number, cell)
        name = values["name"]
        if parsed is not None:
            birth_date, gender = values["birth_date"], values["gender"]
            prior = self.name_of.setdefault(parsed.number, (number, name))
            if (
                (birth_date and birth_date != parsed.birth_date)
                or (gender and gender != parsed.gender)
                or (name and prior[1] != name)
            ):
                self._check_person_columns(number, values, parsed, name)
            # born in a year 19 or more before the election's: 18 by then, whatever the day
            if term is not None and parsed.birth_date.year > term.reference_date.year - 19:
                self._check_age(number, parsed, term)
        if (
            self.bad
            or village is None
            or term is None
            or body is None
            or post is None
            or parsed is None
            or not name
        ):
            return None  # an empty required cell was reported when the sheet was read
        return self._take_seat(number, values, place, term, body, post, parsed, name)

    def _term(self, number: int, year) -> Term | None:
        term = self.terms.get(year) if year else None
        if year and term is None:
            self.error(number, "term", _("系统中没有 %(year)s 届") % {"year": year})
        return term

    def _place(self, number: int, township_name, village_name) -> tuple:
        """(village, message, village pk, county pk, pk of its current), all None when a
        cell is empty; remembered per (township, village)."""
        if not (township_name and village_name):
            return _NOWHERE
        village, message = _village_for(
            township_name, village_name, self.villages, self.actor, self.editable
        )
        place = self.places[(township_name, village_name)] = (
            village,
            message,
            *(
                (village.pk, village.township.county_id, village.current.pk)
                if village is not None
                else (None, None, None)
            ),
        )
        return place

    def _check_merge(self, number: int, village: Village, term: Term) -> None:
        key = (village.pk, term.pk)
        if key not in self.merged:
            self.merged[key] = _merged_away(village, term)
        if self.merged[key]:
            self.error(number, "village", self.merged[key])

    def _check_post(self, number: int, body, post) -> None:
        message = seat_rules.post_not_on_body(body, post)
        if message:
            self.error(number, "post", message)

    def _id_number(self, number: int, cell) -> idnumbers.IdNumber | None:
        """The parsed ID number; None when the cell is empty or the number is wrong."""
        if not cell:
            return None
        # a person on both committees has two rows: parse the number once
        parsed = self.parsed_numbers.get(cell)
        if parsed is None:
            try:
                parsed = idnumbers.parse_id_number(cell, today=self.today)
            except IdNumberError as exc:
                parsed = str(exc)
            self.parsed_numbers[cell] = parsed
        if parsed.__class__ is str:
            self.error(number, "id_number", parsed)
            return None
        return parsed

    def _check_age(self, number: int, parsed, term: Term) -> None:
        """18 on the term's election date (elections.eligibility)."""
        message = eligibility.age_problem(parsed.birth_date, term.reference_date)
        if message:
            self.error(number, "id_number", message)

    def _check_person_columns(self, number: int, values: dict, parsed, name) -> None:
        """The birth date and gender agree with the ID number; one name per ID number."""
        birth_date = values["birth_date"]
        if birth_date and birth_date != parsed.birth_date:
            self.error(
                number,
                "birth_date",
                _("出生日期 %(typed)s 与身份证号码中的 %(coded)s 不一致")
                % {"typed": f"{birth_date:%Y-%m-%d}", "coded": f"{parsed.birth_date:%Y-%m-%d}"},
            )
        if values["gender"] and values["gender"] != parsed.gender:
            self.error(number, "gender", _("性别与身份证号码（第 17 位）不一致"))
        prior = self.name_of.setdefault(parsed.number, (number, name))
        if name and prior[1] != name:
            self.error(
                number,
                "name",
                _("同一身份证号码在第 %(row)s 行的姓名为“%(name)s”")
                % {"row": prior[0], "name": prior[1]},
            )

    def _take_seat(self, number, values, place, term, body, post, parsed, name) -> _Seat | None:
        """The seat of a good row, unless it clashes with an earlier row of the file."""
        _village, _message, village_id, county_id, current_id = place
        id_number, term_id = parsed.number, term.id
        clash = self.admit(id_number, village_id, term_id, body, post, (number, name))
        if clash is not None:
            self.error(number, "id_number" if clash[0] == "person" else "post", clash[1])
            return None
        person = self.people.get(id_number)
        if person is None:
            person = self.people[id_number] = PersonData(
                id_number=id_number,
                name=name,
                county_id=county_id,
                village_id=current_id,
                birth_date=parsed.birth_date,
                gender=parsed.gender,
                ethnicity=values["ethnicity"] or None,
                education_fulltime=values["education_fulltime"],
                education_inservice=values["education_inservice"],
                political_status=values["political_status"],
                phone=values["phone"],
            )
        else:
            _fill_in(person, values)
        return _Seat(number, place[0], village_id, term, term_id, body, post, person)


def _fill_in(person: PersonData, values: dict) -> None:
    """An optional cell left empty on a person's first row and filled on a later one counts."""
    if person.ethnicity is None and values["ethnicity"]:
        person.ethnicity = values["ethnicity"]
    if person.education_fulltime is None and values["education_fulltime"] is not None:
        person.education_fulltime = values["education_fulltime"]
    if person.education_inservice is None and values["education_inservice"] is not None:
        person.education_inservice = values["education_inservice"]
    if person.political_status is None and values["political_status"] is not None:
        person.political_status = values["political_status"]
    if person.phone is None and values["phone"] is not None:
        person.phone = values["phone"]


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
