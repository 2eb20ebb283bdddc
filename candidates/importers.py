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
from core.text import compact, parse_date
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
    if not text.isdigit() or len(text) != 4:
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
    townships = {t.name: t for t in Township.objects.for_user(actor)}
    villages = {
        (v.township_id, v.name): v
        for v in Village.objects.for_user(actor).select_related("township__county")
    }
    terms = {t.year: t for t in Term.objects.all()}
    rows = [row for row in sheet.rows if row.values["id_number"] and row.values["post"]]
    numbers = [row.values["id_number"].number for row in rows]
    known = {}
    for person in Person.objects.filter(
        id_number_digest__in=[_digest(n) for n in numbers]
    ).select_related("village"):
        known[person.id_number_digest] = person
    # Nominating a person outside the uploader's scope would put them on the uploader's
    # pages; the row fails without naming them (people.services.out_of_scope_message).
    outside = digests_out_of_scope(
        actor,
        {
            key: (person.county_id, person.village.township_id if person.village else None)
            for key, person in known.items()
        },
    )
    seen: dict[tuple, int] = {}
    planned = []
    for row in sheet.rows:
        values = row.values
        township = townships.get(values["township"]) if values["township"] else None
        if values["township"] and township is None:
            sheet.error(
                row.number,
                "township",
                _("找不到乡镇“%(name)s”，或不在您的范围内") % {"name": values["township"]},
            )
        village = None
        if township is not None and values["village"]:
            village = villages.get((township.pk, values["village"]))
            if village is None:
                sheet.error(
                    row.number,
                    "village",
                    _("%(township)s没有“%(village)s”")
                    % {"township": township.name, "village": values["village"]},
                )
            elif not village.is_active:
                sheet.error(row.number, "village", _("该村已并入其他村，不能提名"))
        term = terms.get(values["term"]) if values["term"] else None
        if values["term"] and term is None:
            sheet.error(
                row.number, "term", _("系统中没有 %(year)s 年届次") % {"year": values["term"]}
            )
        parsed = values["id_number"]
        if parsed is None or values["post"] is None:
            continue
        if values["gender"] and values["gender"] != parsed.gender:
            sheet.error(row.number, "gender", _("性别与身份证号码（第 17 位）不一致"))
        if values["birth_date"] and values["birth_date"] != parsed.birth_date:
            sheet.error(row.number, "birth_date", _("出生日期与身份证号码不一致"))
        person = known.get(_digest(parsed.number))
        if person is not None and person.id_number_digest in outside:
            sheet.error(row.number, "id_number", out_of_scope_message())
            person = None
        elif person is not None and values["name"] and person.name != values["name"]:
            sheet.error(
                row.number,
                "name",
                _("该身份证号码已登记为“%(name)s”，姓名不一致") % {"name": person.name},
            )
        body, post = values["post"]
        key = (parsed.number, values["village"], values["term"], body)
        if key in seen:
            sheet.error(
                row.number,
                "id_number",
                _("与第 %(row)s 行是同一人、同一组织的提名") % {"row": seen[key]},
            )
        seen.setdefault(key, row.number)
        if person is not None and village is not None and term is not None:
            duplicate = Candidacy.objects.filter(
                person=person, village=village, term=term, body=body
            ).exclude(stage__in=ENDED_STAGES[1:])
            if duplicate.exists():
                sheet.error(row.number, "id_number", _("此人在该村本届已是该组织的人选"))
        planned.append((row, parsed, village, term, body, post))
    if sheet.errors:
        result.errors = sorted(sheet.errors, key=lambda error: error.row)
        return result
    try:
        with transaction.atomic():
            _save(planned, known, actor, result)
            if dry_run:
                transaction.set_rollback(True)
    except ValidationError as exc:
        result.errors = list(exc.messages)
    except PermissionDenied as exc:
        result.errors = [str(exc)]
    if result.errors:
        result.created = result.new_people = 0
    return result


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
