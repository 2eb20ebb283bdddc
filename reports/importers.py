"""The villager representatives upload (村民代表名册): one row per representative, with the
villager group (and its leader) they belong to; all or nothing, every problem by row and column.

The upload replaces the village's groups and representatives for the term.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import policy
from core.exports import template_response as _template
from core.spreadsheets import Column, read_upload
from core.text import choice_by_label, compact, is_digits, normalize_text, parse_date
from elections.choices import Body, ElectionRound
from elections.models import Election
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


# -- registration and voting of a township's villages (选民登记与投票情况) ---------------------


def _count(value) -> int:
    text = compact(value)
    if not is_digits(text) or len(text) > 9:
        raise ValueError(_("应为不小于 0 的整数"))
    return int(text)


def _village_code(value) -> str:
    text = compact(value)
    if not is_digits(text) or len(text) != 12:
        raise ValueError(_("应为 12 位村(社区)区划代码"))
    return text


def _day(value):
    if isinstance(value, dt.datetime):
        return value.date()
    return parse_date(value)


def _count_column(key, header, example, required=False):
    return Column(key, header, (key,), required, _count, gettext_lazy("人数或个数"), example)


DETAIL_COLUMNS = [
    Column(
        "village",
        "村(社区)代码",
        ("区划代码", "village"),
        True,
        _village_code,
        gettext_lazy("12 位区划代码"),
        "141028100201",
    ),
    _count_column("registered_resident", "户籍在本村并居住", "900", True),
    _count_column("registered_away", "户籍在本村不居住", "80"),
    _count_column("registered_admitted", "户籍不在本村居住一年以上", "20"),
    _count_column("registered_women", "其中妇女", "480"),
    _count_column("registered_party", "其中党员", "60"),
    _count_column("registered_minorities", "其中少数民族", "0"),
    Column(
        "list_posted_on",
        "选民名单公布日期",
        ("公布日期", "list_posted_on"),
        True,
        _day,
        gettext_lazy("选举日 20 日前"),
        "2021-03-10",
    ),
    _count_column("sittings", "投票场次", "1"),
    _count_column("sub_venues", "分会场", "0"),
    _count_column("ballot_boxes", "票箱", "3"),
    _count_column("mobile_boxes", "流动票箱", "1"),
    _count_column("mobile_voters", "流动票箱投票人数", "12"),
    _count_column("booths", "秘密写票处", "2", True),
    _count_column("proxy_voters", "委托投票人数", "6"),
    _count_column("proxy_carriers", "受委托人数", "3"),
    _count_column("max_proxies_per_carrier", "一人最多受委托数", "2"),
    _count_column("written_for_others", "代写选票", "0"),
    Column("counted_in_public", "公开唱票计票", ("counted_in_public",), True, _yes, "", "是"),
    Column("announced_on_spot", "当场公布结果", ("announced_on_spot",), True, _yes, "", "是"),
]


def details_template_response():
    return _template("选民登记与投票情况.xlsx", DETAIL_COLUMNS, "选民登记与投票情况")


@policy.requires_actor
def import_election_details(*, upload, township, term, actor) -> int:
    """Registration and voting of the township's villages, one row per village (its first
    villagers' committee round); all or nothing."""
    sheet = read_upload(upload, DETAIL_COLUMNS)
    elections = {
        e.village.code: e
        for e in Election.objects.filter(
            village__township=township,
            term=term,
            body=Body.VILLAGERS_COMMITTEE,
            round=ElectionRound.FIRST,
        ).select_related("village")
    }
    bad = {error.row for error in sheet.errors}
    seen = {}
    with transaction.atomic():  # a problem in any row undoes every row
        for row in sheet.rows:
            if row.number not in bad:
                _detail_row(sheet, row, elections, seen, actor)
        if sheet.errors:
            raise ImportFailed(sorted(sheet.errors, key=lambda error: error.row))
    if not seen:
        raise ValidationError(_("文件中没有数据行"))
    return len(seen)


def _detail_row(sheet, row, elections, seen, actor) -> None:
    values = dict(row.values)
    code = values.pop("village")
    election = elections.get(code)
    if election is None:
        sheet.error(row.number, "village", _("本乡镇本届没有该村的村(居)委会第一轮选举"))
        return
    if code in seen:
        sheet.error(row.number, "village", _("与第 %(row)s 行重复") % {"row": seen[code]})
        return
    seen[code] = row.number
    fields = {key: value for key, value in values.items() if value is not None}
    try:
        with transaction.atomic():
            services.election_detail_save(election=election, actor=actor, **fields)
    except ValidationError as exc:
        for field, messages in getattr(exc, "message_dict", {None: exc.messages}).items():
            key = field if field in sheet.headers else None
            for message in messages:
                sheet.error(row.number, key, message)
