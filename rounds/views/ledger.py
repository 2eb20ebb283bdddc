"""The problem ledger (问题台账 / 开门办事): list with counts, new, one problem and its moves,
export and upload."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core import exports, policy
from core.concurrency import VersionConflict
from core.forms import form_errors_from, service_refusals
from core.permissions import RoleRequiredMixin
from core.spreadsheets import SpreadsheetError, read_upload

from .. import importers, selectors, services
from ..choices import PROBLEM_TRANSITIONS, ProblemCategory, ProblemState
from ..filters import ProblemFilter
from ..forms import PeriodForm, ProblemForm, ProblemMoveForm, UploadForm
from ..models import Problem
from . import BOARD_ROLES, LEDGER_ROLES

MOVE_LABELS = {
    "assign": gettext_lazy("交办"),
    "resolve": gettext_lazy("销号"),
    "verify": gettext_lazy("核验通过"),
    "reopen": gettext_lazy("重新打开"),
}


def ledger_rows(user):
    return Problem.objects.for_user(user).select_related("village__township", "owner_person")


def writable_villages(user):
    round_ = selectors.current_round(user, None)
    if round_ is None:
        from registry.models import Village

        return Village.objects.none()
    return selectors.visible_villages(user, round_).order_by("township__code", "code")


class ProblemListView(RoleRequiredMixin, View):
    read_roles = BOARD_ROLES
    write_roles = LEDGER_ROLES

    def get(self, request, form=None):
        rows = ledger_rows(request.user)
        filters = ProblemFilter(request.GET, queryset=rows, request=request)
        shown = filters.qs if filters.is_valid() else rows.none()
        period = PeriodForm(request.GET or None, user=request.user)
        start = end = None
        if period.is_valid():
            start, end = period.cleaned_data["start"], period.cleaned_data["end"]
        counts = selectors.problem_counts(shown)
        context = {
            "by_state": [
                (label, counts["by_state"].get(value, 0)) for value, label in ProblemState.choices
            ],
            "by_category": [
                (label, counts["by_category"][value])
                for value, label in ProblemCategory.choices
                if counts["by_category"].get(value)
            ],
            "filter": filters,
            "page": Paginator(shown.order_by("deadline", "pk"), 50).get_page(
                request.GET.get("page")
            ),
            "counts": counts,
            "resolved_line": selectors.resolved_line(selectors.resolved_count(shown, start, end)),
            "period": period,
            "form": form or ProblemForm(villages=writable_villages(request.user)),
            "may_add": policy.has_role(request.user, LEDGER_ROLES),
        }
        return render(request, "rounds/problem_list.html", context)

    def post(self, request):
        form = ProblemForm(request.POST, villages=writable_villages(request.user))
        if form.is_valid():
            with service_refusals(form):
                problem = services.problem_create(actor=request.user, **form.cleaned_data)
            if not form.errors:
                messages.success(request, _("已登记"))
                return redirect(problem)
        return self.get(request, form=form)


class ProblemDetailView(RoleRequiredMixin, View):
    read_roles = BOARD_ROLES
    write_roles = LEDGER_ROLES

    def get(self, request, pk, form=None):
        problem = get_object_or_404(ledger_rows(request.user), pk=pk)
        moves = [
            (action, MOVE_LABELS[action])
            for action, (allowed, _target) in PROBLEM_TRANSITIONS.items()
            if problem.state in allowed
            and policy.can(
                request.user,
                "problem.verify" if action in ("verify", "reopen") else "problem.report",
                problem if action in ("verify", "reopen") else problem.village,
            )
        ]
        return render(
            request,
            "rounds/problem_detail.html",
            {
                "problem": problem,
                "moves": moves,
                "form": form
                or ProblemMoveForm(initial={"version": problem.version}, problem=problem),
                "history": problem.history.select_related("history_user").order_by("-history_date")[
                    :30
                ],
            },
        )

    def post(self, request, pk):
        problem = get_object_or_404(ledger_rows(request.user), pk=pk)
        form = ProblemMoveForm(request.POST, request.FILES, problem=problem)
        action = request.POST.get("action", "")
        if form.is_valid():
            fields = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            version = fields.pop("version", None)
            try:
                services.problem_move(
                    problem=problem,
                    action=action,
                    actor=request.user,
                    expected_version=version,
                    **fields,
                )
            except VersionConflict as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                form_errors_from(exc, form)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已保存"))
                return redirect(problem)
        return self.get(request, pk, form=form)


class ProblemExportView(RoleRequiredMixin, View):
    read_roles = BOARD_ROLES

    def get(self, request):
        rows = ProblemFilter(request.GET, queryset=ledger_rows(request.user), request=request)
        shown = rows.qs if rows.is_valid() else Problem.objects.none()
        headers = [
            _("乡镇"),
            _("村(社区)"),
            _("类型"),
            _("来源"),
            _("类别"),
            _("问题描述"),
            _("责任人/单位"),
            _("领账成员"),
            _("发现日期"),
            _("销号时限"),
            _("状态"),
            _("逾期"),
            _("销号日期"),
            _("整改情况"),
        ]
        data = (
            [
                p.village.township.name,
                p.village.name,
                p.get_kind_display(),
                p.get_source_display(),
                p.get_category_display(),
                p.description,
                p.owner_display,
                p.owner_person.name if p.owner_person_id else "",
                p.reported_on,
                p.deadline,
                p.get_state_display(),
                _("是") if p.is_overdue else _("否"),
                p.resolved_on,
                p.resolution,
            ]
            for p in shown.order_by("deadline", "pk").iterator(chunk_size=2000)
        )
        return exports.xlsx_response(
            exports.export_filename(exports.scope_name(request.user), _("问题台账"), ext="xlsx"),
            headers,
            data,
            _("问题台账"),
        )


class UploadView(RoleRequiredMixin, View):
    """The browser's door to import_visits / import_problems: same columns, same checks."""

    read_roles = LEDGER_ROLES
    write_roles = LEDGER_ROLES
    columns = importers.PROBLEM_COLUMNS
    title = gettext_lazy("导入问题台账")
    template_name = "problems.xlsx"

    def run(self, sheet, actor, dry_run):
        return importers.import_problems(sheet, actor=actor, dry_run=dry_run)

    def get(self, request):
        if request.GET.get("template"):
            return exports.template_response(self.template_name, self.columns, str(self.title))
        return render(request, "rounds/upload.html", {"form": UploadForm(), "title": self.title})

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        result = None
        if form.is_valid():
            try:
                sheet = read_upload(form.cleaned_data["file"], self.columns)
            except SpreadsheetError as exc:
                form.add_error("file", str(exc))
            else:
                dry_run = form.cleaned_data["dry_run"]
                result = self.run(sheet, request.user, dry_run)
                if result.ok:
                    text = (
                        _("检查通过：%(n)s 行可以导入，未保存") if dry_run else _("已导入 %(n)s 行")
                    )
                    messages.success(request, text % {"n": result.created})
                    if not dry_run:
                        return redirect(request.path)
        return render(
            request,
            "rounds/upload.html",
            {"form": form, "title": self.title, "result": result},
        )


class VisitUploadView(UploadView):
    read_roles = LEDGER_ROLES - {"liaison_leader"}
    write_roles = read_roles
    columns = importers.VISIT_COLUMNS
    title = gettext_lazy("导入走访记录")
    template_name = "visits.xlsx"

    def run(self, sheet, actor, dry_run):
        return importers.import_visits(sheet, actor=actor, dry_run=dry_run)
