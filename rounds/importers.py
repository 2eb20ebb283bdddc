"""Visit logs and problem-ledger rows from a spreadsheet (Chinese headers, docs/rounds.md):
every row checked first, every problem reported with its row and column, nothing saved
unless every row is good; `dry_run` checks without saving."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import policy
from core.spreadsheets import Column, Sheet
from core.text import choice_by_label, compact, join_words, normalize_text, parse_date
from registry.models import Village

from . import coverage, services
from .choices import ProblemCategory, ProblemKind, ProblemSource


def _count(value) -> int:
    text = compact(value)
    if not text.isdigit() or len(text) > 6:
        raise ValueError(_("应为 0 至 999999 的整数"))
    return int(text)


def _text(limit):
    def clean(value) -> str:
        text = normalize_text(value)
        if len(text) > limit:
            raise ValueError(_("过长（最多 %(n)s 个字）") % {"n": limit})
        return text

    return clean


def _choice(choices):
    def clean(value):
        found = choice_by_label(choices, normalize_text(value))
        if found is None:
            raise ValueError(
                _("应为：%(labels)s") % {"labels": join_words(c.label for c in choices)}
            )
        return found

    return clean


VILLAGE = Column(
    "village",
    "村(社区)",
    ("村", "村名", "村(社区)名称", "village"),
    True,
    _text(50),
    "村(社区)名称或 12 位区划代码",
    "东关村",
)
TOWNSHIP = Column(
    "township",
    "乡镇",
    ("乡镇(街道)", "township"),
    False,
    _text(50),
    "村名在本县重复时填写",
    "吉昌镇",
)

VISIT_COLUMNS = [
    TOWNSHIP,
    VILLAGE,
    Column("visited_on", "走访日期", ("日期", "visited_on"), True, parse_date, "", "2026-11-20"),
    Column("visitors", "走访人", ("visitors",), True, _text(100), "", "张书记、李干部"),
    Column("households", "走访户数", ("户数", "households"), False, _count, "", "12"),
    Column("people", "走访人数", ("人数", "people"), False, _count, "", "30"),
    Column("forums", "座谈会次数", ("座谈会", "forums"), False, _count, "", "1"),
    Column(
        "analysis_meetings", "研判会次数", ("研判会", "analysis_meetings"), False, _count, "", "1"
    ),
    Column("note", "情况记录", ("备注", "note"), False, _text(2000), "", ""),
]

PROBLEM_COLUMNS = [
    TOWNSHIP,
    VILLAGE,
    Column(
        "kind",
        "类型",
        ("kind",),
        False,
        _choice(ProblemKind),
        "换届问题 或 开门办事；不填为换届问题",
        "换届问题",
    ),
    Column("source", "来源", ("source",), True, _choice(ProblemSource), "", "督导组"),
    Column("category", "类别", ("category",), True, _choice(ProblemCategory), "", "矛盾纠纷"),
    Column("description", "问题描述", ("问题", "description"), True, _text(2000), "", ""),
    Column(
        "owner",
        "责任人/单位",
        ("责任人", "责任单位", "领账成员", "owner"),
        False,
        _text(80),
        "开门办事填本村现任班子成员的姓名（领账）",
        "",
    ),
    Column("reported_on", "发现日期", ("reported_on",), False, parse_date, "不填为今天", ""),
    Column("deadline", "销号时限", ("时限", "deadline"), True, parse_date, "", "2026-12-31"),
]


@dataclass
class ImportResult:
    created: int = 0
    errors: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _villages(actor):
    """The villages `actor` may write to, by code and by (township, name)."""
    rows = Village.objects.for_user(actor).filter(is_active=True).select_related("township")
    by_code, by_name = {}, {}
    for village in rows:
        by_code[village.code] = village
        by_name.setdefault(village.name, []).append(village)
    return by_code, by_name


def _find_village(values, by_code, by_name):
    text = values["village"]
    if text in by_code:
        return by_code[text], None
    found = by_name.get(text, [])
    if values.get("township"):
        found = [v for v in found if v.township.name == values["township"]]
    if not found:
        return None, ("village", _("“%(name)s”不在您的范围内或不存在") % {"name": text})
    if len(found) > 1:
        return None, (
            "township",
            _("有 %(n)s 个“%(name)s”，请填写乡镇") % {"n": len(found), "name": text},
        )
    return found[0], None


def _run(sheet: Sheet, *, actor, dry_run: bool, save, check=None) -> ImportResult:
    result = ImportResult()
    by_code, by_name = _villages(actor)
    bad = {error.row for error in sheet.errors}
    plan = []
    for row in sheet.rows:
        if row.number in bad:
            continue
        village, problem = _find_village(row.values, by_code, by_name)
        if problem is not None:
            sheet.error(row.number, *problem)
        elif not policy.can(actor, "village.round_record", village) and not policy.can(
            actor, "problem.report", village
        ):
            sheet.error(row.number, "village", _("您无权为该村录入"))
        elif check is not None and (problem := check(row.values, village)) is not None:
            sheet.error(row.number, *problem)
        else:
            plan.append((row, village))
    if sheet.errors:
        result.errors = sorted(sheet.errors, key=lambda error: error.row)
        return result
    try:
        with transaction.atomic():
            for row, village in plan:
                try:
                    save(row.values, village)
                except (ValidationError, PermissionDenied) as exc:
                    messages = getattr(exc, "messages", None) or [str(exc)]
                    sheet.error(row.number, None, join_words(messages))
                else:
                    result.created += 1
            if sheet.errors or dry_run:
                transaction.set_rollback(True)
    finally:
        if sheet.errors:
            result.errors, result.created = sorted(sheet.errors, key=lambda e: e.row), 0
    return result


@policy.requires_actor
def import_visits(sheet: Sheet, *, actor, dry_run: bool = False) -> ImportResult:
    """Save every visit of `sheet`, or none."""

    def save(values, village):
        services.visit_create(
            village=village,
            visited_on=values["visited_on"],
            visitors=values["visitors"],
            note=values["note"] or "",
            actor=actor,
            **{name: values[name] or 0 for name in services.VISIT_COUNTS},
        )

    return _run(sheet, actor=actor, dry_run=dry_run, save=save)


@policy.requires_actor
def import_problems(sheet: Sheet, *, actor, dry_run: bool = False) -> ImportResult:
    """Save every row of the ledger in `sheet`, or none."""

    def check(values, village):
        """A 开门办事 need's 责任人 is a sitting member of the village's team, by name."""
        if (values["kind"] or ProblemKind.PROBLEM) != ProblemKind.NEED:
            values["owner_person"] = None
            return None
        name = values["owner"] or ""
        if not name:
            return "owner", _("开门办事须填写领账成员（本村现任班子成员的姓名）")
        found = list(coverage.sitting_members(village).filter(name=name)[:2])
        if not found:
            return "owner", _("“%(name)s”不是%(village)s现任班子成员") % {
                "name": name,
                "village": village.name,
            }
        if len(found) > 1:
            return "owner", _("%(village)s有两名以上现任成员叫“%(name)s”，请在网页上登记") % {
                "name": name,
                "village": village.name,
            }
        values["owner_person"], values["owner"] = found[0], ""
        return None

    def save(values, village):
        services.problem_create(
            village=village,
            kind=values["kind"] or ProblemKind.PROBLEM,
            source=values["source"],
            category=values["category"],
            description=values["description"],
            owner=values["owner"] or "",
            owner_person=values["owner_person"],
            reported_on=values["reported_on"],
            deadline=values["deadline"],
            actor=actor,
        )

    return _run(sheet, actor=actor, dry_run=dry_run, save=save, check=check)
