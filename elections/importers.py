"""The roster import (花名册导入): whole terms of post holders from one spreadsheet.

A contract (docs/elections.md): one row per seat; people matched by ID number and updated;
villages matched by township and name (merged ones too); the term must exist. Every bad row
is reported with its row and column and nothing is saved unless the whole file is good.
Re-importing the same file changes nothing. Rows are checked in memory and saved in bulk,
so the number of queries does not grow with the number of rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.access import can_edit_township
from core.spreadsheets import Column, Sheet
from core.text import compact, normalize_text, parse_date
from people import idnumbers
from people.choices import Education, Gender, PoliticalStatus
from people.idnumbers import IdNumberError
from people.models import Person
from people.services import PersonData, persons_bulk_upsert
from registry.models import Term, Village

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
        raise ValueError(f"未知的组织“{normalize_text(value)}”，应为“党组织”或“村(居)委会”")
    return body


def _post(value) -> str:
    post = _POST_LOOKUP.get(compact(value).lower())
    if post is None:
        raise ValueError(
            f"未知的职务“{normalize_text(value)}”，应为书记、副书记、主任、副主任或委员"
        )
    return post


def _year(value) -> int:
    text = compact(value).removesuffix(".0").removesuffix("年").removesuffix("届")
    if not text.isdigit() or len(text) != 4:
        raise ValueError("届次应填写年份，如 2021")
    return int(text)


def _name(value) -> str:
    text = normalize_text(value)
    if len(text) > 50:
        raise ValueError("过长（最多 50 个字）")
    return text


def _optional(parse):
    def clean(value):
        return parse(value) if compact(value) else None

    return clean


def _phone(value) -> str:
    text = compact(value).removesuffix(".0")
    if len(text) > 20:
        raise ValueError("联系电话过长")
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
        "142630197801150031",
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


@dataclass
class _Seat:
    row: int
    village: Village
    term: Term
    body: str
    post: str
    digest: str
    person: PersonData


def _noop(fraction: float) -> None:
    pass


def import_roster(
    sheet: Sheet,
    *,
    actor=None,
    dry_run: bool = False,
    progress: Callable[[float], None] = _noop,
) -> RosterResult:
    """Check every row, then save all post holders in bulk; all or nothing."""
    result = RosterResult(rows=len(sheet.rows), dry_run=dry_run)
    terms = {term.year: term for term in Term.objects.all()}
    villages = _villages_by_name(actor)
    seats = _check_rows(sheet, terms, villages, actor)
    progress(0.4)
    if sheet.errors:
        result.errors = sorted(sheet.errors, key=lambda e: e.row)
        return result
    with transaction.atomic():
        term_ids = sorted({seat.term.pk for seat in seats})
        # Concurrent imports of the same term wait here, then see each other's seats.
        list(Term.objects.select_for_update().filter(pk__in=term_ids).order_by("pk"))
        plan = _plan(sheet, seats, term_ids)
        progress(0.6)
        if sheet.errors:
            result.errors = sorted(sheet.errors, key=lambda e: e.row)
            return result
        to_create, to_update, unchanged = plan
        people_rows = _merged_people(seats)
        digest_of = {seat.person.id_number: seat.digest for seat in seats}
        existing = _existing_people(set(digest_of.values()))
        person_ids: dict[str, int] = {}
        changed = []
        for row in people_rows:
            known = existing.get(digest_of[row.id_number])
            if known is None:
                changed.append(row)
                result.people_created += 1
            elif _differs(row, known):
                changed.append(row)
                result.people_updated += 1
            else:
                person_ids[row.id_number] = known.pk
        result.seats_created, result.seats_updated = len(to_create), len(to_update)
        result.seats_unchanged = unchanged
        if dry_run:
            return result
        # Only new or changed people are written: a re-import leaves the rest alone.
        for number, person in persons_bulk_upsert(changed).items():
            person_ids[number] = person.pk
        progress(0.8)
        new_seats = [
            Seat(
                person_id=person_ids[seat.person.id_number],
                village=seat.village,
                term=seat.term,
                body=seat.body,
                post=seat.post,
                started_on=seat.term.starts_on,
                source=SeatSource.ROSTER_IMPORT,
            )
            for seat in to_create
        ]
        if new_seats:
            bulk_create_with_history(new_seats, Seat, batch_size=5000)
        if to_update:
            bulk_update_with_history(to_update, Seat, ["post"], batch_size=2000)
        if new_seats or to_update:
            seats_changed.send(
                sender=Seat,
                term_ids=set(term_ids),
                village_ids={s.village.pk for s in to_create} | {s.village_id for s in to_update},
            )
    progress(1.0)
    return result


def _merged_people(seats: list[_Seat]) -> list[PersonData]:
    """One PersonData per ID number: a person on both committees has two rows, and an
    optional cell filled on either of them counts."""
    merged: dict[str, PersonData] = {}
    for seat in seats:
        row = seat.person
        prior = merged.get(row.id_number)
        if prior is None:
            merged[row.id_number] = row
            continue
        for name in (
            "ethnicity",
            "education_fulltime",
            "education_inservice",
            "political_status",
            "phone",
        ):
            if getattr(prior, name) is None and getattr(row, name) is not None:
                setattr(prior, name, getattr(row, name))
    return list(merged.values())


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


def _existing_people(digests: set[str]) -> dict[str, Person]:
    wanted = list(digests)
    found = {}
    for start in range(0, len(wanted), 5000):
        for person in Person.objects.filter(id_number_digest__in=wanted[start : start + 5000]).only(
            "pk", "id_number_digest", *PERSON_COMPARED
        ):
            found[person.id_number_digest] = person
    return found


def _differs(row: PersonData, person: Person) -> bool:
    """Whether upserting `row` would change `person` (None cells leave a field alone)."""
    for name in PERSON_COMPARED:
        value = getattr(row, name)
        if value is not None and value != getattr(person, name):
            return True
    return False


def _villages_by_name(actor) -> dict[tuple[str, str], list[Village]]:
    queryset = Village.objects.select_related("township", "merged_into")
    if actor is not None:
        queryset = Village.objects.for_user(actor).select_related("township", "merged_into")
        if getattr(actor, "county_id", None):
            queryset = queryset.filter(township__county_id=actor.county_id)
    by_name: dict[tuple[str, str], list[Village]] = {}
    for village in queryset:
        by_name.setdefault((village.township.name, village.name), []).append(village)
    return by_name


def _check_rows(sheet: Sheet, terms, villages, actor) -> list[_Seat]:
    """Every check that needs only the file and the registry; returns the good rows."""
    seats: list[_Seat] = []
    first_row: dict[tuple, int] = {}
    holder_of: dict[tuple, tuple[int, str]] = {}
    name_of: dict[str, tuple[int, str]] = {}
    editable: dict[int, bool] = {}
    parsed_numbers: dict[str, idnumbers.IdNumber] = {}
    digests: dict[str, str] = {}
    for row in sheet.rows:
        values = row.values
        bad = False
        term = terms.get(values["term"]) if values["term"] else None
        if values["term"] and term is None:
            sheet.error(row.number, "term", f"系统中没有 {values['term']} 届")
            bad = True
        village = None
        if values["township"] and values["village"]:
            matches = villages.get((values["township"], values["village"]), [])
            if not matches:
                sheet.error(
                    row.number,
                    "village",
                    f"找不到“{values['township']}{values['village']}”（或无权导入该村）",
                )
                bad = True
            elif len(matches) > 1:
                sheet.error(row.number, "village", "有多个同名的村，请联系管理员")
                bad = True
            else:
                village = matches[0]
                if village.township_id not in editable:
                    editable[village.township_id] = actor is None or can_edit_township(
                        actor, village.township
                    )
                if not editable[village.township_id]:
                    sheet.error(row.number, "village", "您只能导入本乡镇的村(社区)")
                    bad = True
        if village is not None and term is not None and not village.is_active:
            if village.merged_on and term.starts_on and village.merged_on < term.starts_on:
                sheet.error(
                    row.number,
                    "village",
                    f"该村已于 {village.merged_on:%Y-%m-%d} 并入{village.merged_into}，"
                    f"不能有 {term.year} 届的任职",
                )
                bad = True
        body, post = values["body"], values["post"]
        if body and post and post not in BODY_POSTS[body]:
            sheet.error(row.number, "post", f"{Body(body).label}没有“{Post(post).label}”职务")
            bad = True
        parsed = None
        if values["id_number"]:
            # a person on both committees has two rows: parse the number once
            parsed = parsed_numbers.get(values["id_number"])
            if parsed is None:
                try:
                    parsed = idnumbers.parse_id_number(values["id_number"])
                except IdNumberError as exc:
                    sheet.error(row.number, "id_number", str(exc))
                    bad = True
                else:
                    parsed_numbers[values["id_number"]] = parsed
        if parsed is not None:
            if values["birth_date"] and values["birth_date"] != parsed.birth_date:
                sheet.error(
                    row.number,
                    "birth_date",
                    f"出生日期 {values['birth_date']:%Y-%m-%d} 与身份证号码中的 "
                    f"{parsed.birth_date:%Y-%m-%d} 不一致",
                )
                bad = True
            if values["gender"] and values["gender"] != parsed.gender:
                sheet.error(row.number, "gender", "性别与身份证号码（第 17 位）不一致")
                bad = True
            prior = name_of.setdefault(parsed.number, (row.number, values["name"]))
            if values["name"] and prior[1] != values["name"]:
                sheet.error(
                    row.number,
                    "name",
                    f"同一身份证号码在第 {prior[0]} 行的姓名为“{prior[1]}”",
                )
                bad = True
        if bad or None in (village, term, body, post, parsed) or not values["name"]:
            continue
        key = (parsed.number, village.pk, term.pk, body)
        if key in first_row:
            sheet.error(
                row.number,
                "id_number",
                f"重复的任职：与第 {first_row[key]} 行是同一人在同一组织的职务",
            )
            continue
        first_row[key] = row.number
        if post in (Post.SECRETARY, Post.DIRECTOR):
            slot = (village.pk, term.pk, body, post)
            prior = holder_of.setdefault(slot, (row.number, parsed.number))
            if prior[1] != parsed.number:
                label = "书记" if post == Post.SECRETARY else f"{Body(body).label}主任"
                sheet.error(row.number, "post", f"一个村只能有一名{label}，第 {prior[0]} 行已有")
                continue
        seats.append(
            _Seat(
                row=row.number,
                village=village,
                term=term,
                body=body,
                post=post,
                digest=digests.get(parsed.number)
                or digests.setdefault(parsed.number, idnumbers.digest(parsed.number)),
                person=PersonData(
                    id_number=parsed.number,
                    name=values["name"],
                    county_id=village.township.county_id,
                    village_id=village.current.pk,
                    birth_date=parsed.birth_date,
                    gender=parsed.gender,
                    ethnicity=values["ethnicity"] or None,
                    education_fulltime=values["education_fulltime"],
                    education_inservice=values["education_inservice"],
                    political_status=values["political_status"],
                    phone=values["phone"],
                ),
            )
        )
    return seats


def _plan(sheet: Sheet, seats: list[_Seat], term_ids: list[int]):
    """Compare with the seats already held: what to create, update, or leave alone."""
    village_ids = {seat.village.pk for seat in seats}
    held = {}
    chairs = {}
    current = Seat.objects.current().filter(term_id__in=term_ids)
    if len(village_ids) < 900:
        current = current.filter(village_id__in=village_ids)
    for seat in current.select_related("person").only(
        "pk",
        "village_id",
        "term_id",
        "body",
        "post",
        "person__id_number_digest",
        "person__name",
    ):
        digest = seat.person.id_number_digest
        held[(digest, seat.village_id, seat.term_id, seat.body)] = seat
        if seat.post in (Post.SECRETARY, Post.DIRECTOR):
            chairs[(seat.village_id, seat.term_id, seat.body, seat.post)] = seat
    to_create, to_update, unchanged = [], [], 0
    for seat in seats:
        existing = held.get((seat.digest, seat.village.pk, seat.term.pk, seat.body))
        chair = chairs.get((seat.village.pk, seat.term.pk, seat.body, seat.post))
        if chair is not None and chair.person.id_number_digest != seat.digest:
            label = "书记" if seat.post == Post.SECRETARY else f"{Body(seat.body).label}主任"
            sheet.error(
                seat.row,
                "post",
                f"该村 {seat.term.year} 届已有在任{label}（{chair.person.name}），请先办理其离任",
            )
            continue
        if existing is None:
            to_create.append(seat)
        elif existing.post != seat.post:
            existing.post = seat.post
            to_update.append(existing)
        else:
            unchanged += 1
    return to_create, to_update, unchanged
