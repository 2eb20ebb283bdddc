"""The village list import (区划导入): spreadsheet rows to counties, townships and villages.

All or nothing: every problem is collected with its row and column, and nothing is saved
unless the whole file is good.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import policy
from core.access import can_edit_township
from core.spreadsheets import Column, Sheet
from core.text import choice_by_label, compact

from . import services
from .choices import VillageKind
from .models import County, Township, Village


def _code(value) -> str:
    text = compact(value)
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit() or len(text) != 12:
        raise ValueError(_("区划代码应为 12 位数字"))
    return text


def _kind(value) -> str:
    found = choice_by_label(VillageKind, compact(value))
    if found:
        return found
    raise ValueError(_("类型应为“村”或“社区”"))


def _name(value) -> str:
    text = compact(value)
    if len(text) > 50:
        raise ValueError(_("名称过长（最多 50 个字）"))
    return text


COLUMNS = [
    Column(
        "county",
        "县(市、区)",
        ("县", "县(市,区)", "县市区", "county"),
        False,
        _name,
        "县名；不填时按区划代码前 6 位匹配已有的县",
        "吉县",
    ),
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
        "村或社区名称",
        "东关村",
    ),
    Column(
        "code",
        "区划代码",
        ("统计用区划代码", "代码", "code"),
        True,
        _code,
        "12 位统计用区划代码",
        "141028100201",
    ),
    Column("kind", "类型", ("kind",), False, _kind, "村 或 社区；默认 村", "村"),
    Column(
        "merged_into",
        "并入",
        ("并入村", "merged_into"),
        False,
        compact,
        "已合并的村填写其并入的村的名称或区划代码",
        "",
    ),
]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@policy.requires_actor
def import_villages(sheet: Sheet, *, actor, dry_run: bool = False) -> ImportResult:
    """Create or update every village in `sheet`; all or nothing."""
    result = ImportResult()
    rows = [row for row in sheet.rows if row.values["code"] and row.values["village"]]
    codes_seen: dict[str, int] = {}
    names_seen: dict[tuple[str, str], int] = {}
    township_names: dict[str, tuple[str, int]] = {}
    counties = {c.code: c for c in County.objects.all()}
    for row in rows:
        code = row.values["code"]
        if code in codes_seen:
            sheet.error(
                row.number, "code", _("与第 %(row)s 行的区划代码重复") % {"row": codes_seen[code]}
            )
            continue
        codes_seen[code] = row.number
        key = (code[:9], row.values["village"])
        if key in names_seen:
            sheet.error(
                row.number, "village", _("与第 %(row)s 行的村名重复") % {"row": names_seen[key]}
            )
        names_seen.setdefault(key, row.number)
        prior = township_names.setdefault(code[:9], (row.values["township"], row.number))
        if row.values["township"] and prior[0] != row.values["township"]:
            sheet.error(
                row.number,
                "township",
                _("区划代码 %(code)s 在第 %(row)s 行对应“%(there)s”，此处却是“%(here)s”")
                % {
                    "code": code[:9],
                    "row": prior[1],
                    "there": prior[0],
                    "here": row.values["township"],
                },
            )
        if code[:6] not in counties and not row.values["county"]:
            sheet.error(
                row.number,
                "code",
                _("系统中没有代码为 %(code)s 的县，请填写「县(市、区)」列") % {"code": code[:6]},
            )
    existing = {v.code: v for v in Village.objects.select_related("township__county")}
    by_name = {(v.township.code, v.name): v for v in existing.values()}
    file_by_name = {(r.values["code"][:9], r.values["village"]): r.values["code"] for r in rows}
    for row in rows:
        code = row.values["code"]
        other = by_name.get((code[:9], row.values["village"]))
        if other is not None and other.code != code:
            sheet.error(
                row.number,
                "village",
                _("本乡镇已有同名村，区划代码为 %(code)s") % {"code": other.code},
            )
        target = row.values.get("merged_into")
        if target:
            known = (
                target in codes_seen
                or target in existing
                or any(name == target and tcode[:6] == code[:6] for (tcode, name) in file_by_name)
                or any(v.name == target and v.code[:6] == code[:6] for v in existing.values())
            )
            if not known:
                sheet.error(
                    row.number, "merged_into", _("找不到要并入的村“%(name)s”") % {"name": target}
                )
            elif target in (code, row.values["village"]):
                sheet.error(row.number, "merged_into", _("村不能并入自身"))
        if not policy.is_system(actor) and not _may_edit(actor, code, existing):
            sheet.error(row.number, "code", _("您只能导入本乡镇的村(社区)"))
    if sheet.errors:
        result.errors = sorted(sheet.errors, key=lambda error: error.row)
        return result
    try:
        with transaction.atomic():
            _save(sheet, counties, existing, result, actor)
            if dry_run:
                transaction.set_rollback(True)
    except ValidationError as exc:
        result.errors = list(sheet.errors) or [str(message) for message in exc.messages]
    if result.errors:
        result.created = result.updated = 0
    return result


def _may_edit(actor, code: str, existing: dict) -> bool:
    township = Township.objects.filter(code=code[:9]).first()
    if township is None:
        county = County.objects.filter(code=code[:6]).first()
        return county is not None and can_edit_township(actor, Township(county=county))
    return can_edit_township(actor, township)


def _save(sheet: Sheet, counties: dict, existing: dict, result: ImportResult, actor) -> None:
    townships: dict[str, Township] = {}
    saved: dict[str, Village] = {}
    failed = False
    for row in sheet.rows:
        values = row.values
        code = values["code"]
        try:
            county = counties.get(code[:6])
            if county is None or (values["county"] and county.name != values["county"]):
                county = services.county_upsert(code=code[:6], name=values["county"] or county.name)
                counties[code[:6]] = county
            township = townships.get(code[:9])
            if township is None:
                township = services.township_upsert(
                    county=county, code=code[:9], name=values["township"]
                )
                townships[code[:9]] = township
            village = existing.get(code)
            fields = {"township": township, "name": values["village"]}
            if values["kind"]:
                fields["kind"] = values["kind"]
            if village is None:
                saved[code] = services.village_create(code=code, actor=actor, **fields)
                result.created += 1
            else:
                saved[code] = services.village_update(village=village, actor=actor, **fields)
                result.updated += 1
        except ValidationError as exc:
            failed = True
            for message in exc.messages:
                sheet.error(row.number, "village", message)
    for row in sheet.rows:
        target = row.values.get("merged_into")
        if not target or failed:
            continue
        code = row.values["code"]
        into = saved.get(target) or Village.objects.filter(code=target).first()
        if into is None:
            into = (
                next((v for c, v in saved.items() if v.name == target and c[:6] == code[:6]), None)
                or Village.objects.filter(name=target, township__county__code=code[:6]).first()
            )
        try:
            services.village_merge(village=saved[code], into=into, actor=actor)
        except ValidationError as exc:
            failed = True
            for message in exc.messages:
                sheet.error(row.number, "merged_into", message)
    if failed:
        raise ValidationError(_("导入失败"))
