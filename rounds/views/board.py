"""The progress board, its XLSX export, a village's round and a leader's villages."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core import exports, policy
from core.forms import service_refusals
from core.permissions import RoleRequiredMixin
from core.roles import EDITOR_ROLES

from .. import selectors, services
from ..choices import StepSource, StepStatus
from ..forms import BoardForm, StepRecordForm, StepWindowForm, TeamForm
from ..models import Problem, RoundStep, StepRecord, VillageTeam, VisitLog
from . import BOARD_ROLES

STATUS_LABELS = dict(StepStatus.choices)


def board_for(request):
    """(form, board or None, round or None) from the query string."""
    term = request.GET.get("term")
    year = int(term) if term and term.isdigit() and len(term) == 4 else None
    round_ = selectors.current_round(request.user, year)
    form = BoardForm(request.GET or None, user=request.user, round_=round_)
    if round_ is None:
        return form, None, None
    params = form.cleaned_data if form.is_valid() else {}
    result = selectors.board(
        round_,
        user=request.user,
        as_of=params.get("as_of"),
        township=params.get("township"),
        risk_class=params.get("risk_class", ""),
        leader=params.get("leader"),
        overdue_only=params.get("overdue", False),
        step_code=params.get("step", ""),
        status=params.get("status", ""),
    )
    return form, result, round_


class BoardView(RoleRequiredMixin, View):
    read_roles = BOARD_ROLES

    def get(self, request):
        form, result, round_ = board_for(request)
        return render(
            request,
            "rounds/board.html",
            {"form": form, "board": result, "round": round_, "statuses": StepStatus.choices},
        )


class BoardExportView(RoleRequiredMixin, View):
    read_roles = BOARD_ROLES

    def get(self, request):
        _form, result, round_ = board_for(request)
        if result is None:
            raise Http404
        headers = [_("乡镇"), _("村(社区)"), _("区划代码"), _("分类"), _("包联领导")] + [
            step.label for step in result.steps
        ]
        rows = (
            [
                row.village.township.name,
                row.village.name,
                row.village.code,
                row.village.get_risk_class_display(),
                "、".join(row.leaders),
                *[STATUS_LABELS[status] for _step, status, _window in row.cells],
            ]
            for row in result.rows
        )
        return exports.xlsx_response(
            exports.export_filename(
                exports.scope_name(request.user),
                round_.term.year,
                _("换届进度"),
                result.as_of,
                ext="xlsx",
            ),
            headers,
            rows,
            _("进度"),
        )


def _village_row(request, pk):
    round_ = selectors.current_round(request.user, None)
    if round_ is None:
        raise Http404
    villages = selectors.visible_villages(request.user, round_)
    village = get_object_or_404(villages, pk=pk)
    row = selectors.board(round_, user=request.user, village=village).rows[0]
    return round_, village, row


class VillageRoundView(RoleRequiredMixin, View):
    """A village's round: its plan (windows, statuses), team, problems and timeline; the
    hand records and windows of its steps."""

    read_roles = BOARD_ROLES
    write_roles = EDITOR_ROLES

    def get(self, request, pk, record_form=None, window_form=None, step_code="", team_form=None):
        round_, village, row = _village_row(request, pk)
        team = VillageTeam.objects.filter(round=round_, village=village).first()
        context = {
            "team": team,
            "team_form": team_form
            or TeamForm(
                initial={
                    "township_cadre": team.township_cadre if team else "",
                    "work_group": team.work_group if team else "",
                }
            ),
            "round": round_,
            "village": village,
            "row": row,
            "problems": Problem.objects.filter(village=village)
            .select_related("village", "owner_person")  # each row names both
            .order_by("state", "deadline"),
            "visits": VisitLog.objects.filter(village=village)[:20],
            "records": StepRecord.objects.filter(village=village, step__round=round_)
            .select_related("step")
            .order_by("done_on"),
            "may_edit": policy.can(request.user, "village.round_record", village),
            "record_form": record_form or StepRecordForm(),
            "window_form": window_form or StepWindowForm(),
            "step_code": step_code,
            "manual": StepSource.MANUAL,
        }
        return render(request, "rounds/village_round.html", context)

    def post(self, request, pk):
        round_, village, _row = _village_row(request, pk)
        if request.POST.get("what") == "team":
            return self._team(request, round_, village)
        step = get_object_or_404(RoundStep, round=round_, code=request.POST.get("step", ""))
        what = request.POST.get("what")
        form_class = StepRecordForm if what == "record" else StepWindowForm
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            with service_refusals(form):
                if what == "record":
                    services.step_record_create(
                        step=step, village=village, actor=request.user, **form.cleaned_data
                    )
                else:
                    services.step_window_set(
                        step=step, village=village, actor=request.user, **form.cleaned_data
                    )
            if not form.errors:
                messages.success(request, _("已保存"))
                return redirect("rounds:village", pk=village.pk)
        kwargs = {"record_form": form} if what == "record" else {"window_form": form}
        return self.get(request, pk, step_code=step.code, **kwargs)

    def _team(self, request, round_, village):
        form = TeamForm(request.POST)
        if form.is_valid():
            with service_refusals(form):
                services.team_set(
                    round_=round_, village=village, actor=request.user, **form.cleaned_data
                )
            if not form.errors:
                messages.success(request, _("已保存"))
                return redirect("rounds:village", pk=village.pk)
        return self.get(request, village.pk, team_form=form)


class MyVillagesView(RoleRequiredMixin, View):
    """A liaison leader's villages: their status on each step and their open problems."""

    read_roles = BOARD_ROLES

    def get(self, request):
        round_ = selectors.current_round(request.user, None)
        result = None
        if round_ is not None:
            result = selectors.board(round_, user=request.user, leader=request.user)
        problems = (
            Problem.objects.for_user(request.user)
            .open()
            .filter(village__liaisons__leader=request.user)
            .select_related("village", "owner_person")
            .distinct()
            .order_by("deadline")
        )
        return render(
            request,
            "rounds/my_villages.html",
            {"board": result, "round": round_, "problems": problems},
        )
