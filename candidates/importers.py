"""The nominee spreadsheet (人选名单导入): rows to people and candidacies.

All or nothing: every problem is listed with its row and column, and nothing is saved
unless every row is good.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import policy
from core.spreadsheets import Column, Sheet
from core.text import compact, is_digits, parse_date
from elections import eligibility
from elections.choices import Body, Post
from people.choices import Education, Gender, PoliticalStatus
from people.idnumbers import IdNumberError, parse_id_number
from people.models import Person
from people.services import (
    PersonData,
    digests_out_of_scope,
    out_of_scope_message,
    persons_bulk_upsert,
)
from people.throttles import IdLookupLimit
from registry.models import Term, Township, Village

from . import services
from .choices import ENDED_STAGES, Source
from .models import Candidacy

POST_NAMES = {
    "党组织书记": (Body.PARTY_COMMITTEE, Post.SECRETARY),
    "党支部书记": (Body.PARTY_COMMITTEE, Post.SECRETARY),
    "党总支书记": (Body.PARTY_COMMITTEE, Post.SECRETARY),
    "村党组织书记": (Body.PARTY_COMMITTEE, Post.SECRETARY),
    "书记": (Body.PARTY_COMMITTEE, Post.SECRETARY),
    "党组织副书记": (Body.PARTY_COMMITTEE, Post.DEPUTY_SECRETARY),
    "党支部副书记": (Body.PARTY_COMMITTEE, Post.DEPUTY_SECRETARY),
    "副书记": (Body.PARTY_COMMITTEE, Post.DEPUTY_SECRETARY),
    "党组织委员": (Body.PARTY_COMMITTEE, Post.MEMBER),
    "党支部委员": (Body.PARTY_COMMITTEE, Post.MEMBER),
    "支委": (Body.PARTY_COMMITTEE, Post.MEMBER),
    "村(居)委会主任": (Body.VILLAGERS_COMMITTEE, Post.DIRECTOR),
    "村委会主任": (Body.VILLAGERS_COMMITTEE, Post.DIRECTOR),
    "居委会主任": (Body.VILLAGERS_COMMITTEE, Post.DIRECTOR),
    "主任": (Body.VILLAGERS_COMMITTEE, Post.DIRECTOR),
    "村(居)委会副主任": (Body.VILLAGERS_COMMITTEE, Post.DEPUTY_DIRECTOR),
    "村委会副主任": (Body.VILLAGERS_COMMITTEE, Post.DEPUTY_DIRECTOR),
    "居委会副主任": (Body.VILLAGERS_COMMITTEE, Post.DEPUTY_DIRECTOR),
    "副主任": (Body.VILLAGERS_COMMITTEE, Post.DEPUTY_DIRECTOR),
    "村(居)委会委员": (Body.VILLAGERS_COMMITTEE, Post.MEMBER),
    "村委会委员": (Body.VILLAGERS_COMMITTEE, Post.MEMBER),
    "居委会委员": (Body.VILLAGERS_COMMITTEE, Post.MEMBER),
    "村委委员": (Body.VILLAGERS_COMMITTEE, Post.MEMBER),
}


def _post(value) -> tuple[str, str]:
    text = compact(value).replace("（", "(").replace("）", ")")
    if text in POST_NAMES:
        return POST_NAMES[text]
    if text == "委员":
        raise ValueError(_("请写明是“党组织委员”还是“村(居)委会委员”"))
    raise ValueError(
        _("职务应为：党组织书记、副书记、党组织委员、村(居)委会主任、副主任、村(居)委会委员")
    )


def _year(value) -> int:
    text = compact(value).removesuffix(".0").removesuffix("年")
    if not is_digits(text) or len(text) != 4:
        raise ValueError(_("届次应写年份，如 2021"))
    return int(text)


def _name(value) -> str:
    text = compact(value)
    if len(text) > 50:
        raise ValueError(_("过长（最多 50 个字）"))
    return text


def _id_number(value):
    try:
        return parse_id_number(value)
    except IdNumberError as exc:
        raise ValueError(str(exc)) from None


COLUMNS = [
    Column("township", "乡镇", ("乡镇(街道)", "township"), True, _name, "乡镇(街道)名称", "吉昌镇"),
    Column(
        "village",
        "村(社区)",
        ("村", "社区", "村名", "village"),
        True,
        _name,
        "村或社区名称",
        "东关村",
    ),
    Column("term", "届次", ("换届年份", "term"), True, _year, "换届年份，如 2021", "2021"),
    Column(
        "post",
        "职务",
        ("拟任职务", "post"),
        True,
        _post,
        "党组织书记、副书记、党组织委员、村(居)委会主任、副主任、村(居)委会委员",
        "党组织书记",
    ),
    Column("name", "姓名", ("name",), True, _name, "", "张三"),
    Column(
        "id_number",
        "公民身份号码",
        ("身份证号码", "身份证号", "id_number"),
        True,
        _id_number,
        "18 位公民身份号码",
        "14102819800615001X",
    ),
    Column(
        "source",
        "来源",
        ("人选来源", "source"),
        True,
        Source.parse,
        "留任、后备干部、回引、选派、其他",
        "留任",
    ),
    Column("gender", "性别", ("gender",), False, Gender.parse, "须与身份证号码一致", "男"),
    Column(
        "birth_date",
        "出生日期",
        ("birth_date",),
        False,
        parse_date,
        "须与身份证号码一致",
        "1980-06-15",
    ),
    Column("ethnicity", "民族", ("ethnicity",), False, _name, "", "汉族"),
    Column(
        "education_fulltime",
        "全日制学历",
        ("education_fulltime",),
        False,
        Education.parse,
        "研究生、大学本科、大学专科、中专、高中、初中、小学及以下",
        "高中",
    ),
    Column(
        "education_inservice", "在职学历", ("education_inservice",), False, Education.parse, "", ""
    ),
    Column(
        "political_status",
        "政治面貌",
        ("political_status",),
        False,
        PoliticalStatus.parse,
        "中共党员、中共预备党员、共青团员、民主党派、群众",
        "中共党员",
    ),
    Column("phone", "联系电话", ("手机", "phone"), False, compact, "", ""),
]


@dataclass
class ImportResult:
    created: int = 0
    new_people: int = 0
    errors: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@policy.requires_actor
def import_nominees(sheet: Sheet, *, actor, dry_run: bool = False) -> ImportResult:
    """Nominate every row of `sheet`; all or nothing."""
    result = ImportResult()
    try:
        checks = _RowChecks(sheet, actor)
    except IdLookupLimit as exc:
        result.errors = exc.messages  # the whole file: no row is named
        return result
    planned = [plan for row in sheet.rows if (plan := checks.check(row)) is not None]
    if sheet.errors:
        result.errors = sorted(sheet.errors, key=lambda error: error.row)
        return result
    try:
        with transaction.atomic():
            _save(planned, checks.known, actor, result)
            if dry_run:
                transaction.set_rollback(True)
    except ValidationError as exc:
        result.errors = list(exc.messages)
    except PermissionDenied as exc:
        result.errors = [str(exc)]
    if result.errors:
        result.created = result.new_people = 0
    return result


class _RowChecks:
    """The checks of one sheet's rows, one method per family, in the order their errors
    are reported; the registry and the people already saved are read once, up front."""

    def __init__(self, sheet: Sheet, actor):
        self.sheet = sheet
        self.townships = {t.name: t for t in Township.objects.for_user(actor)}
        self.villages = {
            (v.township_id, v.name): v
            for v in Village.objects.for_user(actor).select_related("township__county")
        }
        self.terms = {t.year: t for t in Term.objects.all()}
        self.known = _known_people(sheet)
        # Nominating a person outside the uploader's scope would put them on the uploader's
        # pages; the row fails without naming them (people.services.out_of_scope_message).
        self.outside = digests_out_of_scope(
            actor,
            {
                key: (person.county_id, person.village.township_id if person.village else None)
                for key, person in self.known.items()
            },
            door="nominees",
        )
        self.seen: dict[tuple, int] = {}  # (ID number, village, term, body) -> first row

    def check(self, row) -> tuple | None:
        """(row, parsed ID number, village, term, body, post) for a row that names a person
        and a post; its errors, if any, are in the sheet."""
        values = row.values
        village = self._village(row.number, values["township"], values["village"])
        term = self._term(row.number, values["term"])
        parsed = values["id_number"]
        if parsed is None or values["post"] is None:
            return None
        self._check_person_columns(row.number, values, parsed)
        person = self._known_person(row.number, values["name"], parsed)
        body, post = values["post"]
        self._check_repeated_row(
            row.number, (parsed.number, values["village"], values["term"], body)
        )
        if person is not None and village is not None and term is not None:
            self._check_not_nominated(row.number, person, village, term, body)
        if term is not None:
            self._check_eligible(row.number, values, parsed, person, term, body)
        return row, parsed, village, term, body, post

    def _check_eligible(self, number: int, values: dict, parsed, person, term, body) -> None:
        """At least 18 on the term's election date (on the ID number, which carries the
        birth date); a full party member for the party committee (the saved person's
        status, else the row's: the import registers new people only)."""
        status = person.political_status if person is not None else values["political_status"]
        for rule, message in eligibility.problems(
            body=body,
            birth_date=parsed.birth_date,
            political_status=status,
            on=eligibility.election_day(term),
        ):
            self.sheet.error(number, "id_number" if rule == "birth_date" else rule, message)

    def _village(self, number: int, township_name, village_name) -> Village | None:
        """The village the row names, within the uploader's townships; a merged one is
        reported but returned."""
        township = self.townships.get(township_name) if township_name else None
        if township_name and township is None:
            self.sheet.error(
                number,
                "township",
                _("找不到乡镇“%(name)s”，或不在您的范围内") % {"name": township_name},
            )
        if township is None or not village_name:
            return None
        village = self.villages.get((township.pk, village_name))
        if village is None:
            self.sheet.error(
                number,
                "village",
                _("%(township)s没有“%(village)s”")
                % {"township": township.name, "village": village_name},
            )
        elif not village.is_active:
            self.sheet.error(number, "village", _("该村已并入其他村，不能提名"))
        return village

    def _term(self, number: int, year) -> Term | None:
        term = self.terms.get(year) if year else None
        if year and term is None:
            self.sheet.error(number, "term", _("系统中没有 %(year)s 年届次") % {"year": year})
        return term

    def _check_person_columns(self, number: int, values: dict, parsed) -> None:
        """The gender and birth date, when given, agree with the ID number."""
        if values["gender"] and values["gender"] != parsed.gender:
            self.sheet.error(number, "gender", _("性别与身份证号码（第 17 位）不一致"))
        if values["birth_date"] and values["birth_date"] != parsed.birth_date:
            self.sheet.error(number, "birth_date", _("出生日期与身份证号码不一致"))

    def _known_person(self, number: int, name, parsed) -> Person | None:
        """The saved person with this ID number, if the uploader may nominate them and the
        row gives their name."""
        person = self.known.get(_digest(parsed.number))
        if person is None:
            return None
        if person.id_number_digest in self.outside:
            self.sheet.error(number, "id_number", out_of_scope_message())
            return None
        if name and person.name != name:
            self.sheet.error(
                number,
                "name",
                _("该身份证号码已登记为“%(name)s”，姓名不一致") % {"name": person.name},
            )
        return person

    def _check_repeated_row(self, number: int, key: tuple) -> None:
        """One nomination per person, village, term and body in the file."""
        if key in self.seen:
            self.sheet.error(
                number,
                "id_number",
                _("与第 %(row)s 行是同一人、同一组织的提名") % {"row": self.seen[key]},
            )
        self.seen.setdefault(key, number)

    def _check_not_nominated(self, number: int, person, village, term, body) -> None:
        """The person is not already a live candidate for this body of the village."""
        duplicate = Candidacy.objects.filter(
            person=person, village=village, term=term, body=body
        ).exclude(stage__in=ENDED_STAGES[1:])
        if duplicate.exists():
            self.sheet.error(number, "id_number", _("此人在该村本届已是该组织的人选"))


def _known_people(sheet: Sheet) -> dict[str, Person]:
    """The saved people among the sheet's ID numbers, by digest."""
    numbers = [
        row.values["id_number"].number
        for row in sheet.rows
        if row.values["id_number"] and row.values["post"]
    ]
    people = Person.objects.filter(
        id_number_digest__in=[_digest(n) for n in numbers]
    ).select_related("village")
    return {person.id_number_digest: person for person in people}


def _digest(number: str) -> str:
    from people import idnumbers

    return idnumbers.digest(number)


def _save(planned, known, actor, result: ImportResult) -> None:
    people_rows = []
    for row, parsed, village, _term, _body, _post in planned:
        if _digest(parsed.number) in known:
            continue
        values = row.values
        people_rows.append(
            PersonData(
                id_number=parsed.number,
                name=values["name"],
                county_id=village.township.county_id,
                village_id=village.pk,
                birth_date=parsed.birth_date,
                gender=parsed.gender,
                ethnicity=values["ethnicity"] or None,
                education_fulltime=values["education_fulltime"] or None,
                education_inservice=values["education_inservice"] or None,
                political_status=values["political_status"] or None,
                phone=values["phone"] or None,
            )
        )
    people = persons_bulk_upsert(people_rows, actor=actor) if people_rows else {}
    result.new_people = len(people)
    errors = []
    for row, parsed, village, term, body, post in planned:
        person = known.get(_digest(parsed.number)) or people[parsed.number]
        try:
            with transaction.atomic():
                services.candidacy_create(
                    person=person,
                    village=village,
                    term=term,
                    body=body,
                    post=post,
                    source=row.values["source"],
                    actor=actor,
                )
        except ValidationError as exc:
            errors.extend(
                _("第 %(row)s 行：%(message)s") % {"row": row.number, "message": message}
                for message in exc.messages
            )
            continue
        result.created += 1
    if errors:
        raise ValidationError(errors)
