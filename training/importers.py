"""The sign-in sheet upload (签到表): one row per invited person, all or nothing.

Rows are matched to the session's invitations by name (and, where two invitees share a name,
by ID number); a person who was not invited, a second check-in, an absence without reason
are errors with their row and column, and nothing is saved unless every row is good.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import policy
from core.spreadsheets import Column, Sheet
from core.text import compact, normalize_text, parse_date
from people import idnumbers

from . import services
from .choices import EnrolmentStatus

ATTENDED_WORDS = {"已到", "到", "签到", "已签到", "出席", "参加", "是", "√", "✓", "attended", "y"}
ABSENT_WORDS = {"缺席", "未到", "请假", "否", "×", "absent", "n"}


def _status(value) -> str:
    text = compact(value).lower()
    if text in ATTENDED_WORDS:
        return EnrolmentStatus.ATTENDED
    if text in ABSENT_WORDS:
        return EnrolmentStatus.ABSENT
    raise ValueError(_("应填写“已到”或“缺席”"))


def _time(value) -> dt.datetime | dt.date:
    """A date, or a date and a time (2021-05-10 08:30); a bare time is refused."""
    if isinstance(value, dt.datetime):
        return value
    text = normalize_text(value)
    match = re.fullmatch(r"(.+?)[ T](\d{1,2}):(\d{2})(?::\d{2})?", text)
    if match:
        day = parse_date(match.group(1))
        hour, minute = int(match.group(2)), int(match.group(3))
        if hour > 23 or minute > 59:
            raise ValueError(_("时间无效，请写作 2021-05-10 08:30"))
        return dt.datetime.combine(day, dt.time(hour, minute))
    return parse_date(value)


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(_("学时应为数字")) from None
    if hours < 0 or hours > 200:
        raise ValueError(_("学时应在 0 至 200 之间"))
    return hours


def _name(value) -> str:
    text = normalize_text(value)
    if len(text) > 50:
        raise ValueError(_("过长（最多 50 个字）"))
    return text


def _id_number(value) -> str:
    text = compact(value).upper()
    try:
        idnumbers.parse_id_number(text)
    except idnumbers.IdNumberError as exc:
        raise ValueError(str(exc)) from None
    return text


COLUMNS = [
    Column("name", "姓名", ("name",), True, _name, "参训人员姓名，须在邀请名单中", "张三"),
    Column(
        "id_number",
        "公民身份号码",
        ("身份证号", "身份证号码", "id_number"),
        False,
        _id_number,
        "名单中有同名人员时必填",
        "",
    ),
    Column("status", "签到", ("出勤", "状态", "status"), True, _status, "已到 或 缺席", "已到"),
    Column(
        "checked_in_at",
        "签到时间",
        ("时间", "checked_in_at"),
        False,
        _time,
        "如 2021-05-10 08:30；只写日期时记为当天 08:00；不填为培训开始日 08:00",
        "2021-05-10 08:30",
    ),
    Column(
        "absence_reason",
        "缺席原因",
        ("原因", "absence_reason"),
        False,
        normalize_text,
        "缺席时必填",
        "",
    ),
    Column("hours", "学时", ("hours",), False, _hours, "不填按培训班的学时计", ""),
]


@dataclass
class ImportResult:
    attended: int = 0
    absent: int = 0
    errors: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _aware(value, session) -> dt.datetime:
    if value is None:
        value = session.starts_on
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(8, 0))
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@policy.requires_actor
def import_attendance(sheet: Sheet, *, session, actor, dry_run: bool = False) -> ImportResult:
    """Record the attendance in `sheet` for `session`; all or nothing."""
    result = ImportResult()
    plan = _plan(sheet, session)
    if sheet.errors:
        result.errors = sorted(sheet.errors, key=lambda error: error.row)
        return result
    try:
        with transaction.atomic():
            for row, enrolment in plan:
                _record(row.values, enrolment, session, actor, result)
            if dry_run:
                transaction.set_rollback(True)
    except ValidationError as exc:
        result.errors = list(exc.messages)
    if result.errors:
        result.attended = result.absent = 0
    return result


def _plan(sheet: Sheet, session) -> list[tuple]:
    """(row, invitation) for every good row; the others reported, one problem per row."""
    by_name: dict[str, list] = {}
    for enrolment in session.enrolments.select_related("person"):
        by_name.setdefault(enrolment.person.name, []).append(enrolment)
    seen: dict[int, int] = {}  # invitation pk -> the row that named it
    plan = []
    # A row with a bad cell already has its message; matching it with the cell left out
    # would add a second, misleading one (e.g. "fill in the ID number" when it was filled in).
    bad_rows = {error.row for error in sheet.errors}
    for row in sheet.rows:
        values = row.values
        if row.number in bad_rows or not values["name"] or values["status"] is None:
            continue
        enrolment, problem = _invitation(values, by_name, seen)
        if enrolment is not None:
            seen[enrolment.pk] = row.number
            problem = _status_problem(values, enrolment, session)
        if problem is None:
            plan.append((row, enrolment))
        else:
            sheet.error(row.number, *problem)
    return plan


def _invitation(values: dict, by_name: dict[str, list], seen: dict[int, int]) -> tuple:
    """(the one invitation the row names, None), or (None, (column, message)) when it names
    none, several, or one an earlier row named."""
    name = values["name"]
    candidates = by_name.get(name, [])
    if values["id_number"]:
        digest = idnumbers.digest(values["id_number"])
        candidates = [e for e in candidates if e.person.id_number_digest == digest]
        if not candidates:
            return None, (
                "id_number",
                _("邀请名单中没有身份证号码与“%(name)s”相符的人员") % {"name": name},
            )
    if not candidates:
        return None, ("name", _("“%(name)s”未被邀请参加本次培训，不能登记出勤") % {"name": name})
    if len(candidates) > 1:
        return None, (
            "id_number",
            _("名单中有 %(n)s 位“%(name)s”，请填写身份证号码")
            % {"n": len(candidates), "name": name},
        )
    if candidates[0].pk in seen:
        return None, ("name", _("与第 %(row)s 行是同一人") % {"row": seen[candidates[0].pk]})
    return candidates[0], None


def _status_problem(values: dict, enrolment, session) -> tuple[str, str] | None:
    """(column, message) when the row's 已到/缺席 cannot be recorded for the invitation."""
    if values["status"] == EnrolmentStatus.ATTENDED:
        return _check_in_problem(values, enrolment, session)
    if not values["absence_reason"]:
        return "absence_reason", _("缺席时必须填写原因")
    if enrolment.status == EnrolmentStatus.ATTENDED:
        return "status", _("%(name)s 已签到，不能记为缺席") % {"name": values["name"]}
    return None


def _check_in_problem(values: dict, enrolment, session) -> tuple[str, str] | None:
    """(column, message) when the person has already checked in, or the time given is
    outside the session (a day early is allowed)."""
    if enrolment.status == EnrolmentStatus.ATTENDED:
        when = timezone.localtime(enrolment.checked_in_at)
        return "status", _("%(name)s 已于 %(when)s 签到，不能重复签到") % {
            "name": values["name"],
            "when": f"{when:%Y-%m-%d %H:%M}",
        }
    at = _aware(values["checked_in_at"], session)
    if at.date() < session.starts_on - dt.timedelta(days=1) or at.date() > session.ends_on:
        return "checked_in_at", _("签到时间应在培训期间（%(start)s 至 %(end)s）") % {
            "start": session.starts_on,
            "end": session.ends_on,
        }
    return None


def _record(values: dict, enrolment, session, actor, result: ImportResult) -> None:
    if values["status"] == EnrolmentStatus.ATTENDED:
        services.enrolment_check_in(
            enrolment=enrolment,
            actor=actor,
            hours=values["hours"],
            at=_aware(values["checked_in_at"], session),
        )
        result.attended += 1
    else:
        services.enrolment_mark_absent(
            enrolment=enrolment, reason=values["absence_reason"], actor=actor
        )
        result.absent += 1


def template_rows(session):
    """The invitees, pre-filled, so that the sheet only needs ticks, times and reasons."""
    names = session.enrolments.order_by("person__name", "pk").values_list("person__name")
    for (name,) in names.iterator(chunk_size=2000):
        yield [name, "", "", "", "", ""]
