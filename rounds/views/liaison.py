"""Liaison (包联): county leaders and their villages, attached units, and the "四个一" of
every difficult village."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core import exports, policy
from core.forms import service_refusals
from core.permissions import RoleRequiredMixin
from core.roles import COUNTY_ROLES
from registry.choices import RiskClass

from .. import selectors, services
from ..forms import LiaisonForm, UnitForm
from ..models import AttachedUnit, Liaison
from . import BOARD_ROLES, posted_id


def _round(request):
    round_ = selectors.current_round(request.user, None)
    if round_ is None:
        raise Http404
    return round_


class LiaisonView(RoleRequiredMixin, View):
    read_roles = BOARD_ROLES
    write_roles = COUNTY_ROLES

    def get(self, request, form=None, unit_form=None):
        round_ = _round(request)
        villages = selectors.visible_villages(request.user, round_)
        liaisons = (
            Liaison.objects.for_user(request.user)
            .filter(round=round_)
            .select_related("leader", "village__township")
            .order_by("leader__username", "village__code")
        )
        units = AttachedUnit.objects.filter(round=round_).prefetch_related("villages")
        result = selectors.board(round_, user=request.user, risk_class=RiskClass.DIFFICULT)
        return render(
            request,
            "rounds/liaison.html",
            {
                "round": round_,
                "liaisons": liaisons,
                "units": units,
                "difficult": result.rows,
                "form": form or LiaisonForm(round_=round_, villages=villages),
                "unit_form": unit_form or UnitForm(villages=villages),
                "may_edit": policy.can(request.user, "round.plan", round_),
            },
        )

    def post(self, request):
        round_ = _round(request)
        villages = selectors.visible_villages(request.user, round_)
        if request.POST.get("what") == "unit":
            return self._unit(request, round_, villages)
        if request.POST.get("remove"):
            liaison = get_object_or_404(Liaison, round=round_, pk=posted_id(request, "remove"))
            try:
                services.liaison_remove(liaison=liaison, actor=request.user)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
            return redirect("rounds:liaison")
        form = LiaisonForm(request.POST, round_=round_, villages=villages)
        if form.is_valid():
            with service_refusals(form):
                services.liaison_add(round_=round_, actor=request.user, **form.cleaned_data)
            if not form.errors:
                messages.success(request, _("已添加包联"))
                return redirect("rounds:liaison")
        return self.get(request, form=form)

    def _unit(self, request, round_, villages):
        form = UnitForm(request.POST, villages=villages)
        if form.is_valid():
            data = form.cleaned_data
            unit = AttachedUnit.objects.filter(round=round_, name=data["name"].strip()).first()
            with service_refusals(form):
                services.unit_save(
                    round_=round_,
                    unit=unit,
                    name=data["name"],
                    villages=data["villages"],
                    actor=request.user,
                )
            if not form.errors:
                messages.success(request, _("已保存"))
                return redirect("rounds:liaison")
        return self.get(request, unit_form=form)


class LiaisonExportView(RoleRequiredMixin, View):
    read_roles = BOARD_ROLES

    def get(self, request):
        round_ = _round(request)
        rows = (
            Liaison.objects.for_user(request.user)
            .filter(round=round_)
            .select_related("leader", "village__township")
            .order_by("leader__username", "village__code")
        )
        headers = [_("县级包联领导"), _("乡镇"), _("村(社区)"), _("区划代码")]
        data = (
            [
                row.leader.full_name or row.leader.username,
                row.village.township.name,
                row.village.name,
                row.village.code,
            ]
            for row in rows
        )
        return exports.xlsx_response(
            exports.export_filename(exports.scope_name(request.user), _("包联"), ext="xlsx"),
            headers,
            data,
            _("包联"),
        )
