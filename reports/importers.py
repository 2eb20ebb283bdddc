"""The villager representatives upload (村民代表名册): one row per representative, with the
villager group (and its leader) they belong to; all or nothing, every problem by row and column.

The upload replaces the village's groups and representatives for the term.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import policy
from core.exports import template_response as _template
from core.spreadsheets import Column, read_upload
from core.text import choice_by_label, compact, normalize_text
from people.choices import Gender

from . import services
from .choices import ChosenBy


class ImportFailed(Exception):
    def __init__(self, errors):
        super().__init__(errors)
        self.errors = [str(error) for error in errors]


def _name(value) -> str:
    text = normalize_text(value)
    if len(text) > 50:
        raise ValueError(_("过长（最多 50 个字）"))
    return text


def _yes(value) -> bool:
    text = compact(value).lower()
    if text in {"是", "党员", "中共党员", "y", "yes", "√"}:
        return True
    if text in {"", "否", "群众", "n", "no"}:
        return False
    raise ValueError(_("应填写“是”或“否”"))


def _chosen_by(value) -> str:
    text = compact(value)
    found = choice_by_label(ChosenBy, text)
    if found:
        return found
    if text in {"按户", "户代表", "每五至十五户"}:
        return ChosenBy.HOUSEHOLDS
    if text in {"按组", "小组", "村民小组"}:
        return ChosenBy.GROUP
    raise ValueError(_("应填写“每五至十五户推选”或“村民小组推选”"))


COLUMNS = [
    Column("name", "姓名", ("代表姓名", "name"), True, _name, gettext_lazy("村民代表姓名"), "张三"),
    Column("gender", "性别", ("gender",), True, Gender.parse, gettext_lazy("男 或 女"), "女"),
    Column(
        "party_member",
        "中共党员",
        ("党员", "party_member"),
        False,
        _yes,
        gettext_lazy("是 或 否"),
        "是",
    ),
    Column(
        "chosen_by",
        "推选方式",
        ("chosen_by",),
        True,
        _chosen_by,
        gettext_lazy("每五至十五户推选 或 村民小组推选"),
        "村民小组推选",
    ),
    Column(
        "group", "村民小组", ("小组", "group"), False, _name, gettext_lazy("所在村民小组"), "第一组"
    ),
    Column(
        "leader",
        "组长姓名",
        ("组长", "leader"),
        False,
        _name,
        gettext_lazy("该组组长（每组填一次即可）"),
        "李四",
    ),
    Column("leader_gender", "组长性别", ("leader_gender",), False, Gender.parse, "", "男"),
    Column("leader_party", "组长是党员", ("leader_party",), False, _yes, "", "否"),
]


def template_response():
    return _template("村民代表名册.xlsx", COLUMNS, "村民代表")


@policy.requires_actor
def import_groups(*, upload, village, term, actor) -> int:
    """Replace the village's groups and representatives with the file's; all or nothing."""
    sheet = read_upload(upload, COLUMNS)
    groups: dict[str, dict] = {}
    representatives = []
    bad = {error.row for error in sheet.errors}
    for row in sheet.rows:
        values = row.values
        if row.number in bad:
            continue
        group = values.get("group") or ""
        if values.get("leader"):
            known = groups.get(group)
            if not group:
                sheet.error(row.number, "group", _("填写了组长，请同时填写村民小组"))
                continue
            if known and known["leader_name"] and known["leader_name"] != values["leader"]:
                sheet.error(row.number, "leader", _("同一村民小组填写了不同的组长"))
                continue
            groups[group] = {
                "name": group,
                "leader_name": values["leader"],
                "leader_gender": values.get("leader_gender") or "",
                "leader_party_member": bool(values.get("leader_party")),
            }
        elif group:
            groups.setdefault(group, {"name": group})
        representatives.append(
            {
                "name": values["name"],
                "gender": values["gender"],
                "party_member": bool(values.get("party_member")),
                "chosen_by": values["chosen_by"],
                "group_name": group,
            }
        )
    if sheet.errors:
        raise ImportFailed(sorted(sheet.errors, key=lambda error: error.row))
    if not representatives:
        raise ValidationError(_("文件中没有村民代表"))
    services.groups_replace(
        village=village,
        term=term,
        groups=list(groups.values()),
        representatives=representatives,
        actor=actor,
    )
    return len(representatives)
