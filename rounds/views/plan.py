"""The round's plan: the county starts a round for a term, renames, adds or drops steps
before it starts, moves their windows, and sets its liaison limit."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core import policy
from core.forms import DateInput, service_refusals
from core.permissions import RoleRequiredMixin
from core.roles import COUNTY_ROLES
from registry.models import Term

from .. import selectors, services
from ..forms import RiskReasonForm
from ..models import RiskReason
from . import BOARD_ROLES, posted_id


class RoundForm(forms.Form):
    term = forms.ModelChoiceField(label=gettext_lazy("届次"), queryset=Term.objects.none())
    starts_on = forms.DateField(label=gettext_lazy("开始日期"), widget=DateInput)
    ends_on = forms.DateField(label=gettext_lazy("结束日期"), widget=DateInput)


class StepForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("代码"), max_length=32, required=False)
    label = forms.CharField(label=gettext_lazy("名称"), max_length=60, required=False)
    starts_on = forms.DateField(label=gettext_lazy("计划开始"), widget=DateInput)
    ends_on = forms.DateField(label=gettext_lazy("计划完成"), widget=DateInput)


class LimitForm(forms.Form):
    liaison_limit = forms.IntegerField(
        label=gettext_lazy("每位县级领导包联村数上限"), min_value=1, max_value=50
    )


class PlanView(RoleRequiredMixin, View):
    read_roles = BOARD_ROLES
    write_roles = COUNTY_ROLES

    def get(self, request, round_form=None, step_form=None, limit_form=None, reason_form=None):
        round_ = selectors.current_round(request.user, None)
        taken = round_.term_id if round_ else None
        round_form = round_form or RoundForm()
        round_form.fields["term"].queryset = Term.objects.exclude(pk=taken).latest_first()
        return render(
            request,
            "rounds/plan.html",
            {
                "round": round_,
                "steps": round_.steps.order_by("order") if round_ else [],
                "round_form": round_form,
                "step_form": step_form or StepForm(),
                "limit_form": limit_form
                or LimitForm(initial={"liaison_limit": round_.liaison_limit if round_ else 4}),
                "may_plan": bool(round_) and policy.can(request.user, "round.plan", round_),
                "reasons": RiskReason.objects.filter(county_id=request.user.county_id),
                "reason_form": reason_form or RiskReasonForm(),
                "may_edit_reasons": request.user.county_id is not None
                and policy.can_manage_county(request.user, request.user.county_id),
                "may_start": policy.has_role(request.user, COUNTY_ROLES)
                and request.user.county_id is not None,
            },
        )

    def post(self, request):
        what = request.POST.get("what", "")
        round_ = selectors.current_round(request.user, None)
        if what == "round":
            return self._start(request)
        if what == "reason":
            return self._reason(request)
        if round_ is None:
            return redirect("rounds:plan")
        handlers = {"step": self._step, "drop": self._drop, "limit": self._limit}
        if what not in handlers:
            messages.error(request, _("未知的操作"))
            return redirect("rounds:plan")
        return handlers[what](request, round_)

    def _start(self, request):
        form = RoundForm(request.POST)
        form.fields["term"].queryset = Term.objects.all()
        if form.is_valid():
            with service_refusals(form):
                services.round_create(
                    county=request.user.county, actor=request.user, **form.cleaned_data
                )
            if not form.errors:
                messages.success(request, _("已建立换届工作计划"))
                return redirect("rounds:plan")
        return self.get(request, round_form=form)

    def _reason(self, request):
        county = request.user.county
        reason = None
        if request.POST.get("reason"):
            reason = get_object_or_404(
                RiskReason, county_id=request.user.county_id, pk=posted_id(request, "reason")
            )
        form = RiskReasonForm(request.POST if reason is None else {"text": reason.text})
        if form.is_valid() and county is not None:
            with service_refusals(form):
                services.risk_reason_save(
                    county=county,
                    reason=reason,
                    text=form.cleaned_data["text"],
                    active=not reason.active if reason else True,
                    actor=request.user,
                )
            if not form.errors:
                messages.success(request, _("已保存"))
                return redirect("rounds:plan")
        return self.get(request, reason_form=form)

    def _step(self, request, round_):
        form = StepForm(request.POST)
        step = None
        if request.POST.get("step"):
            step = get_object_or_404(round_.steps, pk=posted_id(request, "step"))
        if form.is_valid():
            fields = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
            if step is not None and fields.get("label") == step.label:
                fields.pop("label")
            if step is not None:
                fields.pop("code", None)
            with service_refusals(form):
                services.round_step_save(round_=round_, step=step, actor=request.user, **fields)
            if not form.errors:
                messages.success(request, _("已保存"))
                return redirect("rounds:plan")
        return self.get(request, step_form=form)

    def _drop(self, request, round_):
        step = get_object_or_404(round_.steps, pk=posted_id(request, "step"))
        try:
            services.round_step_delete(step=step, actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("已删除步骤"))
        return redirect("rounds:plan")

    def _limit(self, request, round_):
        form = LimitForm(request.POST)
        if form.is_valid():
            with service_refusals(form):
                services.round_update(round_=round_, actor=request.user, **form.cleaned_data)
            if not form.errors:
                messages.success(request, _("已保存"))
                return redirect("rounds:plan")
        return self.get(request, limit_form=form)
