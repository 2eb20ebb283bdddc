"""The statutory forms as an XLSX workbook laid out as government forms: one sheet per form,
a title, the filing unit and date over merged two-row headers with units, a row per township
(or village) and a total row, the preparer in the footer, printed A4 landscape.

Every text cell goes through `core.exports.neutralize`, so a typed name never becomes a formula.
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from core.exports import neutralize
from elections.choices import Body

from .choices import Origin, RequestedBy, VacancyReason

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
L = gettext_lazy
PERSON = L("人")
UNIT = L("个")
PLACE = L("处")

# form: (sheet title, section key, [(group, [(key, label, unit)])])
FORMS = (
    (
        L("表一 选举委员会和选民登记"),
        "registration",
        [
            (
                L("村民选举委员会"),
                [
                    ("election_committees", L("已推选"), UNIT),
                    ("formed_by_assembly", L("村民会议推选"), UNIT),
                    ("formed_by_representatives", L("村民代表会议推选"), UNIT),
                    ("formed_by_groups", L("村民小组会议推选"), UNIT),
                    ("committee_members", L("成员"), PERSON),
                    ("committee_party_members", L("其中党员"), PERSON),
                    ("committee_women", L("其中妇女"), PERSON),
                    ("left_on_nomination", L("被提名退出"), PERSON),
                ],
            ),
            (
                L("登记选民"),
                [
                    ("registered", L("合计"), PERSON),
                    ("registered_resident", L("户籍在本村并居住"), PERSON),
                    ("registered_away", L("户籍在本村不居住"), PERSON),
                    ("registered_admitted", L("户籍不在本村居住一年以上"), PERSON),
                    ("women", L("其中妇女"), PERSON),
                    ("party_members", L("其中党员"), PERSON),
                    ("minorities", L("其中少数民族"), PERSON),
                ],
            ),
            (
                L("另行选举选民变动"),
                [
                    ("second_round_added", L("四增"), PERSON),
                    ("second_round_removed", L("四减"), PERSON),
                ],
            ),
        ],
    ),
    (
        L("表二 投票情况"),
        "voting",
        [
            (
                L("选举"),
                [
                    ("elections", L("选举村数"), UNIT),
                    ("entitled", L("登记选民"), PERSON),
                    ("voted", L("参加投票"), PERSON),
                    ("turnout_percent", L("参选率"), "%"),
                ],
            ),
            (
                L("选票"),
                [
                    ("ballots_issued", L("发出"), L("张")),
                    ("ballots_returned", L("收回"), L("张")),
                    ("ballots_valid", L("有效"), L("张")),
                    ("ballots_invalid", L("无效"), L("张")),
                ],
            ),
            (
                L("投票方式"),
                [
                    ("single_sitting", L("一次集中投票"), UNIT),
                    ("several_sittings", L("分场投票"), UNIT),
                    ("sub_venues", L("分会场"), UNIT),
                    ("ballot_boxes", L("票箱"), UNIT),
                    ("mobile_boxes", L("流动票箱"), UNIT),
                    ("mobile_voters", L("流动票箱投票"), PERSON),
                    ("booths", L("秘密写票处"), PLACE),
                ],
            ),
            (
                L("委托与代写"),
                [
                    ("proxy_voters", L("委托投票"), PERSON),
                    ("proxy_carriers", L("受委托人"), PERSON),
                    ("written_for_others", L("代写选票"), L("张")),
                ],
            ),
            (
                L("公开计票"),
                [
                    ("counted_in_public", L("公开唱票计票"), UNIT),
                    ("announced_on_spot", L("当场公布结果"), UNIT),
                    ("second_rounds", L("另行选举"), L("次")),
                    ("second_round_voted", L("另行选举投票"), PERSON),
                ],
            ),
        ],
    ),
    (
        L("表四 新一届两委班子结构"),
        "committees",
        [
            (
                L("两委班子"),
                [
                    ("members", L("成员"), PERSON),
                    ("cross_serving", L("交叉任职"), PERSON),
                    ("one_shoulder", L("书记主任一肩挑"), UNIT),
                    ("villages_with_woman", L("村委会有女成员"), UNIT),
                ],
            ),
            *[
                (
                    label,
                    [
                        (f"{body}.{key}", text, PERSON)
                        for key, text in (
                            ("seats", L("职数")),
                            ("women", L("妇女")),
                            ("party_members", L("党员")),
                            ("re_elected", L("连任")),
                            ("new", L("新当选")),
                            ("age_35_under", L("35岁及以下")),
                            ("age_36_45", L("36至45岁")),
                            ("age_46_55", L("46至55岁")),
                            ("age_56_over", L("56岁及以上")),
                            ("college_plus", L("大专及以上")),
                            ("high_school", L("高中中专")),
                            ("junior_high_under", L("初中及以下")),
                        )
                    ],
                )
                for body, label in (
                    (Body.PARTY_COMMITTEE, L("党组织委员会")),
                    (Body.VILLAGERS_COMMITTEE, L("村(居)民委员会")),
                )
            ],
        ],
    ),
    (
        L("表五 村民小组和村民代表"),
        "groups_and_representatives",
        [
            (
                L("村民小组"),
                [
                    ("groups", L("小组"), UNIT),
                    ("group_leaders", L("组长"), PERSON),
                    ("leaders_women", L("其中妇女"), PERSON),
                    ("leaders_party_members", L("其中党员"), PERSON),
                ],
            ),
            (
                L("村民代表"),
                [
                    ("representatives", L("代表"), PERSON),
                    ("representatives_women", L("其中妇女"), PERSON),
                    ("representatives_party_members", L("其中党员"), PERSON),
                    ("by_households", L("按户推选"), PERSON),
                    ("by_group", L("按小组推选"), PERSON),
                    ("assembly", L("代表会议组成人员"), PERSON),
                    ("representatives_percent", L("代表占比"), "%"),
                    ("women_percent", L("妇女代表占比"), "%"),
                ],
            ),
        ],
    ),
    (
        L("表六 村务监督委员会"),
        "supervision",
        [
            (
                L("村务监督委员会"),
                [
                    ("committees", L("已建立"), UNIT),
                    ("members", L("成员"), PERSON),
                    ("women", L("其中妇女"), PERSON),
                    ("party_members", L("其中党员"), PERSON),
                ],
            ),
            (
                L("推选与财会"),
                [
                    ("formed_by_assembly", L("村民会议推选"), UNIT),
                    ("formed_by_representatives", L("村民代表会议推选"), UNIT),
                    ("with_accounting_member", L("有财会成员"), UNIT),
                    ("without_accounting_member", L("无财会成员"), UNIT),
                ],
            ),
        ],
    ),
    (
        L("表七 离任经济责任审计"),
        "leaving_audits",
        [
            (
                L("离任审计"),
                [
                    ("outgoing", L("应审计"), PERSON),
                    ("not_started", L("未开展"), PERSON),
                    ("done", L("已完成"), PERSON),
                    ("published", L("已完成并公开"), PERSON),
                ],
            ),
            (
                L("审计建议"),
                [
                    ("recommended_stay", L("建议留任"), PERSON),
                    ("recommended_go", L("建议不再留任"), PERSON),
                ],
            ),
        ],
    ),
)


def _value(row: dict, key: str):
    for part in key.split("."):
        row = row.get(part, "") if isinstance(row, dict) else ""
    return "" if row is None else row


def _head(ws, title, data, width: int, preparer: str) -> None:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1, neutralize(f"{data['term']} {title}")).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = CENTER
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.cell(
        2,
        1,
        neutralize(
            _("填报单位：%(unit)s（%(code)s）    填报日期：%(date)s")
            % {"unit": data["name"], "code": data["scope"], "date": timezone.localdate()}
        ),
    )
    ws.oddFooter.left.text = _("填表人：%(name)s") % {"name": preparer}
    ws.oddFooter.right.text = _("第 &P 页，共 &N 页")
    ws.oddHeader.center.text = str(title)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "3:4"


def _header_cell(ws, row, column, text):
    cell = ws.cell(row, column)
    if text and not isinstance(cell, MergedCell):  # a merged range's other cells stay empty
        cell.value = neutralize(text)
    cell.font, cell.alignment, cell.border = Font(bold=True), CENTER, BOX
    return cell


def _form_sheet(wb, title, section: dict, groups, data, preparer) -> None:
    ws = wb.create_sheet(str(title)[:31])
    columns = [column for _group, cols in groups for column in cols]
    width = 2 + len(columns)
    _head(ws, title, data, width, preparer)
    unit_label = _("乡镇(街道)") if data["kind"] == "county" else _("村(社区)")
    for col, text in ((1, unit_label), (2, _("村数（个）"))):
        ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        _header_cell(ws, 3, col, text)
        _header_cell(ws, 4, col, "")
    column = 3
    for group, cols in groups:
        ws.merge_cells(
            start_row=3, start_column=column, end_row=3, end_column=column + len(cols) - 1
        )
        for offset in range(len(cols)):
            _header_cell(ws, 3, column + offset, group if offset == 0 else "")
        for offset, (_key, label, unit) in enumerate(cols):
            _header_cell(
                ws, 4, column + offset, _("%(label)s（%(unit)s）") % {"label": label, "unit": unit}
            )
        column += len(cols)
    row_number = 5
    for row in section["rows"]:
        _data_row(ws, row_number, row["name"], row["villages"], row, columns)
        row_number += 1
    villages = sum(row["villages"] for row in section["rows"])
    _data_row(ws, row_number, _("合计"), villages, section, columns, bold=True)
    ws.column_dimensions["A"].width = 16
    for index in range(2, width + 1):
        ws.column_dimensions[get_column_letter(index)].width = 10
    ws.row_dimensions[4].height = 48


def _data_row(ws, number, name, villages, row, columns, bold=False) -> None:
    values = [name, villages] + [_value(row, key) for key, _label, _unit in columns]
    for col, value in enumerate(values, start=1):
        cell = ws.cell(number, col, neutralize(value))
        cell.border, cell.alignment = BOX, CENTER
        if bold:
            cell.font = Font(bold=True)


LIST_FORMS = (
    (
        L("表三 当选人员"),
        "elected",
        [
            ("township", L("乡镇")),
            ("village", L("村(社区)")),
            ("name", L("姓名")),
            ("gender", L("性别")),
            ("age", L("年龄（岁）")),
            ("ethnicity", L("民族")),
            ("political_status", L("政治面貌")),
            ("education", L("学历")),
            ("post", L("职务")),
            ("votes", L("得票（张）")),
            ("ballots", L("收回选票（张）")),
            ("re_elected", L("连任/新当选")),
            ("origin", L("来源")),
        ],
    ),
    (
        L("表八 罢免"),
        "recalls",
        [
            ("township", L("乡镇")),
            ("village", L("村(社区)")),
            ("name", L("被罢免人")),
            ("post", L("职务")),
            ("requested_by", L("提出方式")),
            ("requesters", L("联名（人）")),
            ("registered", L("登记选民（人）")),
            ("voted", L("参加投票（人）")),
            ("agreed", L("赞成（票）")),
            ("passed", L("结果")),
        ],
    ),
    (
        L("表九 补选"),
        "by_elections",
        [
            ("township", L("乡镇")),
            ("village", L("村(社区)")),
            ("post", L("补选职务")),
            ("reason", L("补选原因")),
            ("held_on", L("补选日期")),
            ("name", L("当选人")),
            ("registered", L("登记选民（人）")),
            ("voted", L("参加投票（人）")),
            ("votes", L("得票（张）")),
        ],
    ),
)


def _list_value(key, value):
    if key == "re_elected":
        return _("连任") if value else _("新当选")
    if key == "passed":
        return _("通过") if value else _("未通过")
    if key == "origin":
        return Origin(value).label
    if key == "requested_by":
        return RequestedBy(value).label
    if key == "reason":
        return VacancyReason(value).label
    return value


def _list_sheet(wb, title, rows, columns, data, preparer) -> None:
    ws = wb.create_sheet(str(title)[:31])
    width = len(columns) + 1
    _head(ws, title, data, width, preparer)
    _header_cell(ws, 3, 1, _("序号"))
    ws.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    _header_cell(ws, 4, 1, "")
    for col, (_key, label) in enumerate(columns, start=2):
        ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        _header_cell(ws, 3, col, label)
        _header_cell(ws, 4, col, "")
    for number, row in enumerate(rows, start=1):
        values = [number] + [_list_value(key, row.get(key, "")) for key, _label in columns]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(4 + number, col, neutralize(value))
            cell.border, cell.alignment = BOX, CENTER
    total = 5 + len(rows)
    ws.cell(total, 1, _("合计")).font = Font(bold=True)
    ws.cell(total, 2, neutralize(_("%(n)s 人") % {"n": len(rows)})).font = Font(bold=True)
    for index in range(1, width + 1):
        ws.column_dimensions[get_column_letter(index)].width = 12


def workbook_bytes(data: dict, preparer: str = "") -> bytes:
    """The whole set of forms of `data` (a `selectors.report`) as XLSX bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    lists = {key: (title, columns) for title, key, columns in LIST_FORMS}
    for title, key, groups in FORMS:
        _form_sheet(wb, title, data[key], groups, data, preparer)
        if key == "voting":
            list_title, columns = lists["elected"]
            _list_sheet(wb, list_title, data["elected"], columns, data, preparer)
    for key in ("recalls", "by_elections"):
        title, columns = lists[key]
        _list_sheet(wb, title, data[key], columns, data, preparer)
    checks = wb.create_sheet(_("审核检查"))
    checks.append([_("级别"), _("检查"), _("说明")])
    for check in data["checks"]:
        checks.append(
            [
                _("错误") if check["level"] == "error" else _("提示"),
                check["code"],
                neutralize(check["message"]),
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
