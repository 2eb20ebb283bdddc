"""Attendance: the phone roll call, the sign-in sheet upload and the attendance export."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View

from core import uploads
from core.exports import choice_labels, export_filename, template_response, xlsx_response
from core.permissions import RoleRequiredMixin
from core.spreadsheets import SpreadsheetError, read_upload
from people.models import Person
from registry.forms import UploadForm

from .. import importers, services
from ..choices import EnrolmentStatus
from ..forms import AbsenceForm
from ..models import Enrolment
from .common import json_error, wants_json
from .sessions import visible_session

ROLL_CALL_PAGE = 100


def roll_call_rows(session, user):
    """The invitations the user may see (an official sees their own people at a county
    session)."""
    return (
        Enrolment.objects.for_user(user)
        .filter(session=session)
        .select_related("person__village__township")
        .order_by("person__village__township__code", "person__village__code", "person__name", "pk")
    )


class RollCallView(RoleRequiredMixin, View):
    """The roll call: one big row per invitee with 签到 / 缺席 buttons; works without JS."""

    def get(self, request, pk):
        session = visible_session(request, pk)
        rows = roll_call_rows(session, request.user)
        counts = {status: 0 for status in EnrolmentStatus.values}
        for row in rows.order_by().values("status").annotate(n=Count("pk")):
            counts[row["status"]] = row["n"]
        search = request.GET.get("q", "").strip()
        if search:
            rows = rows.filter(person__name__contains=search)
        page = Paginator(rows, ROLL_CALL_PAGE).get_page(request.GET.get("page"))
        return render(
            request,
            "training/roll_call.html",
            {
                "session": session,
                "page": page,
                "rows": page.object_list,
                "invited": sum(counts.values()),
                "counts": counts,
                "can_edit": services.can_edit_session(request.user, session),
                "absence_form": AbsenceForm(),
            },
        )


class EnrolmentActionView(RoleRequiredMixin, View):
    """POST check-in / absent / undo for one enrolment; JSON for the script, else a redirect."""

    ACTIONS = ("check-in", "absent", "undo")

    def post(self, request, pk, action):
        enrolment = get_object_or_404(
            Enrolment.objects.for_user(request.user).select_related("session", "person"), pk=pk
        )
        if action not in self.ACTIONS:
            raise PermissionDenied
        try:
            if action == "check-in":
                enrolment = services.enrolment_check_in(enrolment=enrolment, actor=request.user)
                message = _("%(name)s 已签到") % {"name": enrolment.person.name}
            elif action == "absent":
                form = AbsenceForm(request.POST)
                reason = form.data.get("reason", "")
                enrolment = services.enrolment_mark_absent(
                    enrolment=enrolment, reason=reason, actor=request.user
                )
                message = _("%(name)s 记为缺席：%(reason)s") % {
                    "name": enrolment.person.name,
                    "reason": enrolment.absence_reason,
                }
            else:
                enrolment = services.enrolment_undo(enrolment=enrolment, actor=request.user)
                message = _("已撤销 %(name)s 的出勤记录") % {"name": enrolment.person.name}
        except (ValidationError, PermissionDenied) as exc:
            if wants_json(request):
                return json_error(exc)
            for text in getattr(exc, "messages", [str(exc)]):
                messages.error(request, text)
        else:
            if wants_json(request):
                return JsonResponse(enrolment_json(enrolment, message))
            messages.success(request, message)
        url = reverse("training:roll-call", args=[enrolment.session_id])
        return redirect(f"{url}#enrolment-{enrolment.pk}")


def enrolment_json(enrolment, message) -> dict:
    checked = enrolment.checked_in_at
    return {
        "ok": True,
        "id": enrolment.pk,
        "status": enrolment.status,
        "status_label": str(enrolment.get_status_display()),
        "checked_in_at": timezone.localtime(checked).strftime("%H:%M") if checked else "",
        "absence_reason": enrolment.absence_reason,
        "message": message,
    }


class AttendanceUploadView(RoleRequiredMixin, View):
    read_roles = write_roles = RoleRequiredMixin.write_roles

    def get(self, request, pk):
        session = visible_session(request, pk, for_update=True)
        return render(
            request, "training/attendance_upload.html", {"session": session, "form": UploadForm()}
        )

    def post(self, request, pk):
        session = visible_session(request, pk, for_update=True)
        kind = f"sign-in-{session.pk}"
        given = uploads.form_input(request, kind)
        form = UploadForm(given.data, given.files)
        context = {"session": session, "form": form}
        if given.expired:
            messages.error(request, uploads.EXPIRED)
        elif form.is_valid():
            try:
                sheet = read_upload(form.cleaned_data["file"], importers.COLUMNS)
            except SpreadsheetError as exc:
                form.add_error("file", str(exc))
            else:
                dry_run = form.cleaned_data["dry_run"]
                result = importers.import_attendance(
                    sheet, session=session, actor=request.user, dry_run=dry_run
                )
                context["result"] = result
                if result.ok:
                    verb = _("检查通过") if dry_run else _("导入成功")
                    messages.success(
                        request,
                        _("%(verb)s：签到 %(a)s 人，缺席 %(b)s 人")
                        % {"verb": verb, "a": result.attended, "b": result.absent},
                    )
                    if not dry_run:
                        uploads.forget(request, kind, given.token)
                        return redirect("training:roll-call", pk=session.pk)
                    context.update(uploads.offer(request, kind, form.cleaned_data["file"]))
                    return render(request, "training/attendance_upload.html", context)
        return render(request, "training/attendance_upload.html", context, status=400)


class AttendanceTemplateView(RoleRequiredMixin, View):
    """The sign-in sheet template, pre-filled with the session's invitees."""

    def get(self, request, pk):
        session = visible_session(request, pk)
        # The invitees replace the example row; a session nobody is invited to keeps it.
        invited = session.enrolments.exists()
        return template_response(
            export_filename(session.title, session.starts_on, _("签到表"), ext="xlsx"),
            importers.COLUMNS,
            "签到表",
            rows=importers.template_rows(session) if invited else None,
        )


class AttendanceExportView(RoleRequiredMixin, View):
    """The session's attendance list as XLSX (no ID numbers)."""

    HEADERS = [
        _lazy("序号"),
        _lazy("姓名"),
        _lazy("性别"),
        _lazy("乡镇"),
        _lazy("村(社区)"),
        _lazy("出勤"),
        _lazy("签到时间"),
        _lazy("缺席原因"),
        _lazy("计入学时"),
    ]

    def get(self, request, pk):
        session = visible_session(request, pk)
        return xlsx_response(
            export_filename(session.title, session.starts_on, _("出勤名单"), ext="xlsx"),
            self.HEADERS,
            self.rows(roll_call_rows(session, request.user)),
            title=session.title[:31],
        )

    @staticmethod
    def rows(enrolments):
        genders = choice_labels(Person, "gender")["gender"]
        statuses = choice_labels(Enrolment, "status")["status"]
        for number, enrolment in enumerate(enrolments.iterator(chunk_size=2000), start=1):
            person, village = enrolment.person, enrolment.person.village
            checked = enrolment.checked_in_at
            yield [
                number,
                person.name,
                genders.get(person.gender, person.gender),
                village.township.name if village else "",
                village.name if village else "",
                statuses.get(enrolment.status, enrolment.status),
                timezone.localtime(checked).strftime("%Y-%m-%d %H:%M") if checked else "",
                enrolment.absence_reason,
                float(enrolment.hours_credited),
            ]
