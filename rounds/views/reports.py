"""The stored daily reports and weekly dispatches: list, one report (printable on A4), its
XLSX, building one on demand, and who opened it."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core import exports, policy
from core.permissions import RoleRequiredMixin
from core.roles import COUNTY_ROLES

from .. import selectors, services
from ..choices import ReportKind, StepStatus
from ..filters import ReportFilter
from ..models import Report
from ..reports import report_build
from . import BOARD_ROLES

STATUS_KEYS = [value for value, _label in StepStatus.choices]


def visible_reports(user):
    return Report.objects.for_user(user).select_related("township", "round__term")


class ReportListView(RoleRequiredMixin, View):
    read_roles = BOARD_ROLES
    write_roles = COUNTY_ROLES

    def get(self, request):
        filters = ReportFilter(request.GET, queryset=visible_reports(request.user))
        rows = filters.qs if filters.is_valid() else Report.objects.none()
        round_ = selectors.current_round(request.user, None)
        return render(
            request,
            "rounds/report_list.html",
            {
                "filter": filters,
                "reports": rows.prefetch_related("reads__user")[:200],
                "round": round_,
                "may_build": round_ is not None and policy.can(request.user, "round.plan", round_),
                "kinds": ReportKind.choices,
            },
        )

    def post(self, request):
        round_ = selectors.current_round(request.user, None)
        kind = request.POST.get("kind", ReportKind.DAILY)
        if round_ is None or kind not in ReportKind.values:
            messages.error(request, _("无法生成报告"))
            return redirect("rounds:report-list")
        reports = report_build(round_=round_, kind=kind, actor=request.user)
        messages.success(request, _("已生成 %(n)s 份报告") % {"n": len(reports)})
        return redirect(reports[0])


class ReportDetailView(RoleRequiredMixin, View):
    read_roles = BOARD_ROLES

    def get(self, request, pk):
        report = get_object_or_404(visible_reports(request.user), pk=pk)
        steps = [
            (entry["label"], [entry.get(key, 0) for key in STATUS_KEYS])
            for entry in report.data.get("steps", [])
        ]
        return render(
            request,
            "rounds/report_detail.html",
            {
                "report": report,
                "data": report.data,
                "steps": steps,
                "statuses": StepStatus.choices,
                "reads": report.reads.select_related("user").order_by("first_opened_at"),
                "may_see_reads": policy.has_role(request.user, COUNTY_ROLES),
            },
        )


class ReportOpenedView(RoleRequiredMixin, View):
    """POSTed by the report page when it is opened (a GET writes nothing)."""

    read_roles = BOARD_ROLES
    write_roles = BOARD_ROLES

    def post(self, request, pk):
        report = get_object_or_404(visible_reports(request.user), pk=pk)
        services.report_opened(report=report, user=request.user)
        return HttpResponse(status=204)


class ReportExportView(RoleRequiredMixin, View):
    read_roles = BOARD_ROLES

    def get(self, request, pk):
        report = get_object_or_404(visible_reports(request.user), pk=pk)
        data = report.data
        writer = exports.XlsxWriter()
        writer.add_sheet(
            _("步骤"),
            [_("步骤")] + [label for _v, label in StepStatus.choices],
            ([e["label"], *[e.get(k, 0) for k in STATUS_KEYS]] for e in data.get("steps", [])),
        )
        writer.add_sheet(
            _("逾期"),
            [_("乡镇"), _("村(社区)"), _("步骤"), _("逾期天数"), _("包联领导"), _("乡镇包村干部")],
            (
                [
                    o["township"],
                    o["name"],
                    o["step"],
                    o["days"],
                    "、".join(o["leaders"]),
                    o["cadre"],
                ]
                for o in data.get("overdue", [])
            ),
        )
        writer.add_sheet(
            _("今日进展"),
            [_("乡镇"), _("村(社区)"), _("步骤")],
            ([m["township"], m["name"], m["step"]] for m in data.get("moved", [])),
        )
        if report.kind == ReportKind.WEEKLY:
            writer.add_sheet(
                _("一周未动"),
                [_("乡镇"), _("村(社区)"), _("停留步骤")],
                ([s["township"], s["name"], s["step"]] for s in data.get("stuck", [])),
            )
        return writer.response(
            exports.export_filename(
                exports.scope_name(request.user), report.get_kind_display(), report.date, ext="xlsx"
            )
        )
