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
from core.text import choice_by_label, compact, is_digits

from . import services
from .choices import VillageKind
from .models import County, Township, Village


def _code(value) -> str:
    text = compact(value)
    if text.endswith(".0"):
        text = text[:-2]
    if not is_digits(text) or len(text) != 12:
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
    counties = {c.code: c for c in County.objects.all()}
    checks = _RowChecks(sheet, counties)
    for row in rows:
        checks.check_within_file(row)
    existing = {v.code: v for v in Village.objects.select_related("township__county")}
    checks.know_registry(existing, rows)
    for row in rows:
        checks.check_against_registry(row, actor)
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


class _RowChecks:
    """The checks of one sheet's rows: first among the rows of the file, then against the
    villages already saved; one method per check, in the order their errors are reported."""

    def __init__(self, sheet: Sheet, counties: dict):
        self.sheet, self.counties = sheet, counties
        self.codes_seen: dict[str, int] = {}
        self.names_seen: dict[tuple[str, str], int] = {}
        self.township_names: dict[str, tuple[str, int]] = {}
        self.existing: dict[str, Village] = {}
        self.by_name: dict[tuple[str, str], Village] = {}
        self.file_by_name: dict[tuple[str, str], str] = {}

    def check_within_file(self, row) -> None:
        if self._repeated_code(row):
            return
        self._check_repeated_name(row)
        self._check_township_name(row)
        self._check_county(row)

    def know_registry(self, existing: dict[str, Village], rows) -> None:
        """The saved villages by code, and the villages of the saved and of the file by
        township code and name."""
        self.existing = existing
        self.by_name = {(v.township.code, v.name): v for v in existing.values()}
        self.file_by_name = {
            (r.values["code"][:9], r.values["village"]): r.values["code"] for r in rows
        }

    def check_against_registry(self, row, actor) -> None:
        self._check_same_name_elsewhere(row)
        self._check_merge_target(row)
        if not policy.is_system(actor) and not _may_edit(actor, row.values["code"], self.existing):
            self.sheet.error(row.number, "code", _("您只能导入本乡镇的村(社区)"))

    def _repeated_code(self, row) -> bool:
        code = row.values["code"]
        if code in self.codes_seen:
            self.sheet.error(
                row.number,
                "code",
                _("与第 %(row)s 行的区划代码重复") % {"row": self.codes_seen[code]},
            )
            return True
        self.codes_seen[code] = row.number
        return False

    def _check_repeated_name(self, row) -> None:
        key = (row.values["code"][:9], row.values["village"])
        if key in self.names_seen:
            self.sheet.error(
                row.number,
                "village",
                _("与第 %(row)s 行的村名重复") % {"row": self.names_seen[key]},
            )
        self.names_seen.setdefault(key, row.number)

    def _check_township_name(self, row) -> None:
        """One township name per township code in the file."""
        code, township = row.values["code"][:9], row.values["township"]
        prior = self.township_names.setdefault(code, (township, row.number))
        if township and prior[0] != township:
            self.sheet.error(
                row.number,
                "township",
                _("区划代码 %(code)s 在第 %(row)s 行对应“%(there)s”，此处却是“%(here)s”")
                % {"code": code, "row": prior[1], "there": prior[0], "here": township},
            )

    def _check_county(self, row) -> None:
        """A county not yet in the system needs its name."""
        code = row.values["code"][:6]
        if code not in self.counties and not row.values["county"]:
            self.sheet.error(
                row.number,
                "code",
                _("系统中没有代码为 %(code)s 的县，请填写「县(市、区)」列") % {"code": code},
            )

    def _check_same_name_elsewhere(self, row) -> None:
        """A saved village of the same township and name has this code."""
        code = row.values["code"]
        other = self.by_name.get((code[:9], row.values["village"]))
        if other is not None and other.code != code:
            self.sheet.error(
                row.number,
                "village",
                _("本乡镇已有同名村，区划代码为 %(code)s") % {"code": other.code},
            )

    def _check_merge_target(self, row) -> None:
        """The village merged into is in the file or the system (by code, or by name in the
        same county), and is not the village itself."""
        target = row.values.get("merged_into")
        if not target:
            return
        code = row.values["code"]
        if not self._known_village(target, code[:6]):
            self.sheet.error(
                row.number, "merged_into", _("找不到要并入的村“%(name)s”") % {"name": target}
            )
        elif target in (code, row.values["village"]):
            self.sheet.error(row.number, "merged_into", _("村不能并入自身"))

    def _known_village(self, target: str, county_code: str) -> bool:
        return (
            target in self.codes_seen
            or target in self.existing
            or any(
                name == target and tcode[:6] == county_code for (tcode, name) in self.file_by_name
            )
            or any(v.name == target and v.code[:6] == county_code for v in self.existing.values())
        )


def _may_edit(actor, code: str, existing: dict) -> bool:
    township = Township.objects.filter(code=code[:9]).first()
    if township is None:
        county = County.objects.filter(code=code[:6]).first()
        return county is not None and can_edit_township(actor, Township(county=county))
    return can_edit_township(actor, township)


def _save(sheet: Sheet, counties: dict, existing: dict, result: ImportResult, actor) -> None:
    saved = _save_villages(sheet, counties, existing, result, actor)
    if saved is None or not _merge_villages(sheet, saved, actor):
        raise ValidationError(_("导入失败"))


def _save_villages(sheet: Sheet, counties: dict, existing: dict, result: ImportResult, actor):
    """Every row's village (with its county and township) saved, by code; None when any
    failed, with the failures reported on their rows."""
    townships: dict[str, Township] = {}
    saved: dict[str, Village] = {}
    failed = False
    for row in sheet.rows:
        try:
            saved[row.values["code"]] = _save_village(
                row.values, counties, townships, existing, result, actor
            )
        except ValidationError as exc:
            failed = True
            for message in exc.messages:
                sheet.error(row.number, "village", message)
    return None if failed else saved


def _save_village(values, counties: dict, townships: dict, existing: dict, result, actor):
    code = values["code"]
    county = counties.get(code[:6])
    if county is None or (values["county"] and county.name != values["county"]):
        county = services.county_upsert(code=code[:6], name=values["county"] or county.name)
        counties[code[:6]] = county
    township = townships.get(code[:9])
    if township is None:
        township = services.township_upsert(county=county, code=code[:9], name=values["township"])
        townships[code[:9]] = township
    village = existing.get(code)
    fields = {"township": township, "name": values["village"]}
    if values["kind"]:
        fields["kind"] = values["kind"]
    if village is None:
        village = services.village_create(code=code, actor=actor, **fields)
        result.created += 1
    else:
        village = services.village_update(village=village, actor=actor, **fields)
        result.updated += 1
    return village


def _merge_villages(sheet: Sheet, saved: dict[str, Village], actor) -> bool:
    """Merge the villages that name one to merge into; at the first failure, reported on
    its row, stop and return False."""
    for row in sheet.rows:
        target = row.values.get("merged_into")
        if not target:
            continue
        code = row.values["code"]
        into = _merge_target(target, code, saved)
        if into is not None and saved[code].merged_into_id == into.pk:
            continue  # merged there already (a re-import): keep the day it was merged
        try:
            services.village_merge(village=saved[code], into=into, actor=actor)
        except ValidationError as exc:
            for message in exc.messages:
                sheet.error(row.number, "merged_into", message)
            return False
    return True


def _merge_target(target: str, code: str, saved: dict[str, Village]) -> Village | None:
    """The village `target` names: a code, else a name in the same county (the file's
    villages first)."""
    into = saved.get(target) or Village.objects.filter(code=target).first()
    if into is None:
        into = (
            next((v for c, v in saved.items() if v.name == target and c[:6] == code[:6]), None)
            or Village.objects.filter(name=target, township__county__code=code[:6]).first()
        )
    return into
