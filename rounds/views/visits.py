"""Visits (走访) with the printed line for a scope and period, risk screening, and talks
with their coverage."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core import exports, policy
from core.concurrency import VersionConflict
from core.forms import service_refusals
from core.permissions import RoleRequiredMixin
from core.roles import EDITOR_ROLES

from .. import coverage, selectors, services
from ..filters import TalkFilter, VisitFilter
from ..forms import KeyPersonForm, ScreeningForm, TalkForm, VisitForm
from ..models import KeyPerson, Screening, Talk, VisitLog
from . import BOARD_ROLES, posted_id
from .ledger import writable_villages


class VisitListView(RoleRequiredMixin, View):
    read_roles = BOARD_ROLES
    write_roles = EDITOR_ROLES

    def get(self, request, form=None):
        rows = VisitLog.objects.for_user(request.user).select_related("village__township")
        filters = VisitFilter(request.GET, queryset=rows, request=request)
        shown = filters.qs if filters.is_valid() else rows.none()
        data = filters.form.cleaned_data if filters.is_valid() else {}
        villages = selectors.visible_villages_for(request.user)
        if data.get("township"):
            villages = villages.filter(township=data["township"])
        totals = selectors.visit_totals(villages, data.get("start"), data.get("end"))
        context = {
            "filter": filters,
            "page": Paginator(shown, 50).get_page(request.GET.get("page")),
            "line": selectors.visit_line(totals),
            "form": form or VisitForm(villages=writable_villages(request.user)),
            "may_add": policy.has_role(request.user, EDITOR_ROLES),
        }
        return render(request, "rounds/visit_list.html", context)

    def post(self, request):
        form = VisitForm(request.POST, villages=writable_villages(request.user))
        if form.is_valid():
            with service_refusals(form):
                services.visit_create(actor=request.user, **form.cleaned_data)
            if not form.errors:
                messages.success(request, _("已保存走访记录"))
                return redirect("rounds:visit-list")
        return self.get(request, form=form)


class VisitExportView(RoleRequiredMixin, View):
    read_roles = BOARD_ROLES

    def get(self, request):
        rows = VisitLog.objects.for_user(request.user).select_related("village__township")
        filters = VisitFilter(request.GET, queryset=rows, request=request)
        shown = filters.qs if filters.is_valid() else rows.none()
        headers = [
            _("乡镇"),
            _("村(社区)"),
            _("走访日期"),
            _("走访人"),
            _("走访户数"),
            _("走访人数"),
            _("座谈会次数"),
            _("研判会次数"),
            _("情况记录"),
        ]
        data = (
            [
                v.village.township.name,
                v.village.name,
                v.visited_on,
                v.visitors,
                v.households,
                v.people,
                v.forums,
                v.analysis_meetings,
                v.note,
            ]
            for v in shown.iterator(chunk_size=2000)
        )
        return exports.xlsx_response(
            exports.export_filename(exports.scope_name(request.user), _("走访记录"), ext="xlsx"),
            headers,
            data,
            _("走访记录"),
        )


class ScreeningView(RoleRequiredMixin, View):
    """A village's risk screening: reasons from the county's list, note, emergency plan."""

    read_roles = BOARD_ROLES
    write_roles = EDITOR_ROLES

    def _load(self, request, pk):
        round_ = selectors.current_round(request.user, None)
        if round_ is None:
            from django.http import Http404

            raise Http404
        village = get_object_or_404(selectors.visible_villages(request.user, round_), pk=pk)
        return round_, village, Screening.objects.filter(round=round_, village=village).first()

    def get(self, request, pk, form=None):
        round_, village, screening = self._load(request, pk)
        if form is None:
            initial = {}
            if screening:
                initial = {
                    "version": screening.version,
                    "screened_on": screening.screened_on,
                    "reasons": list(screening.reasons.all()),
                    "note": screening.note,
                    "emergency_plan": screening.emergency_plan,
                }
            form = ScreeningForm(initial=initial, county=round_.county)
        return render(
            request,
            "rounds/screening.html",
            {
                "round": round_,
                "village": village,
                "screening": screening,
                "form": form,
                "may_edit": policy.can(request.user, "village.round_record", village),
            },
        )

    def post(self, request, pk):
        round_, village, _screening = self._load(request, pk)
        form = ScreeningForm(request.POST, request.FILES, county=round_.county)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version", None)
            with service_refusals(form):
                try:
                    services.screening_save(
                        round_=round_,
                        village=village,
                        actor=request.user,
                        expected_version=version,
                        **data,
                    )
                except VersionConflict as exc:  # saved by someone else since it was read
                    form.add_error(None, str(exc))
            if not form.errors:
                messages.success(request, _("已保存研判"))
                return redirect("rounds:village", pk=village.pk)
        return self.get(request, pk, form=form)


def key_person_rows(user, round_):
    if round_ is None:
        return KeyPerson.objects.none()
    return (
        KeyPerson.objects.for_user(user)
        .filter(round=round_)
        .select_related("village__township", "person")
        .order_by("village__township__code", "village__code", "person__name", "pk")
    )


def scoped_coverage(user, round_, filters):
    """The coverage of the round in the villages the caller sees, narrowed by the list's
    township and village filters."""
    if round_ is None:
        return None
    villages = selectors.visible_villages(user, round_)
    data = filters.form.cleaned_data if filters.is_valid() else {}
    if data.get("township"):
        villages = villages.filter(township=data["township"])
    if data.get("village"):
        villages = villages.filter(pk=data["village"])
    return coverage.talk_coverage(round_, villages)


class TalkListView(RoleRequiredMixin, View):
    """Talks with their coverage (who is still to be talked to, per village) and the round's
    key persons (重点人员), flagged here and given a warning talk."""

    read_roles = BOARD_ROLES
    write_roles = EDITOR_ROLES

    def get(self, request, form=None, key_form=None):
        rows = Talk.objects.for_user(request.user).select_related("village", "person")
        filters = TalkFilter(request.GET, queryset=rows, request=request)
        shown = filters.qs if filters.is_valid() else rows.none()
        round_ = selectors.current_round(request.user, None)
        may_add = policy.has_role(request.user, EDITOR_ROLES)
        return render(
            request,
            "rounds/talk_list.html",
            {
                "filter": filters,
                "page": Paginator(shown, 50).get_page(request.GET.get("page")),
                "coverage": scoped_coverage(request.user, round_, filters),
                "key_persons": key_person_rows(request.user, round_),
                "form": form or TalkForm(user=request.user),
                "key_form": key_form or (KeyPersonForm(user=request.user) if round_ else None),
                "may_add": may_add,
            },
        )

    def post(self, request):
        if request.POST.get("what") == "key":
            return self._key_person(request)
        if request.POST.get("remove_key"):
            round_ = selectors.current_round(request.user, None)
            row = get_object_or_404(
                key_person_rows(request.user, round_), pk=posted_id(request, "remove_key")
            )
            try:
                services.key_person_delete(key_person=row, actor=request.user)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
            return redirect("rounds:talk-list")
        form = TalkForm(request.POST, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            person = data.pop("person")
            with service_refusals(form):
                services.talk_create(
                    village=person.village, person=person, actor=request.user, **data
                )
            if not form.errors:
                messages.success(request, _("已保存谈话记录"))
                return redirect("rounds:talk-list")
        return self.get(request, form=form)

    def _key_person(self, request):
        round_ = selectors.current_round(request.user, None)
        if round_ is None:
            raise Http404
        form = KeyPersonForm(request.POST, user=request.user)
        if form.is_valid():
            with service_refusals(form):
                services.key_person_save(
                    round_=round_,
                    person=form.cleaned_data["key_person"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            if not form.errors:
                messages.success(request, _("已列为重点人员"))
                return redirect("rounds:talk-list")
        return self.get(request, key_form=form)


class TalkExportView(RoleRequiredMixin, View):
    read_roles = BOARD_ROLES

    def get(self, request):
        rows = Talk.objects.for_user(request.user).select_related("village__township", "person")
        filters = TalkFilter(request.GET, queryset=rows, request=request)
        shown = filters.qs if filters.is_valid() else rows.none()
        headers = [
            _("谈话日期"),
            _("类型"),
            _("乡镇"),
            _("村(社区)"),
            _("谈话对象"),
            _("谈话人"),
            _("谈话要点"),
        ]
        data = (
            [
                t.held_on,
                t.get_kind_display(),
                t.village.township.name,
                t.village.name,
                t.person.name,
                t.talker,
                t.note,
            ]
            for t in shown.iterator(chunk_size=2000)
        )
        writer = exports.XlsxWriter()
        writer.add_sheet(_("谈心谈话"), headers, data)
        round_ = selectors.current_round(request.user, None)
        result = scoped_coverage(request.user, round_, filters)
        if result is not None:
            writer.add_sheet(_("谈话覆盖"), *coverage_sheet(result))
            writer.add_sheet(
                _("重点人员"),
                [_("乡镇"), _("村(社区)"), _("重点人员"), _("列为重点人员的原因")],
                (
                    [k.village.township.name, k.village.name, k.person.name, k.reason]
                    for k in key_person_rows(request.user, round_)
                ),
            )
        return writer.response(
            exports.export_filename(exports.scope_name(request.user), _("谈心谈话"), ext="xlsx")
        )


def coverage_sheet(result) -> tuple[list, list]:
    """The coverage as a sheet: the figures, then each village's people still missing."""
    headers = [_("乡镇"), _("村(社区)"), _("尚未谈心谈话"), _("尚未警示谈话的重点人员")]
    rows = [
        [
            _("合计"),
            "",
            _("在任“两委”成员和确定人选 %(total)s 人，已谈心谈话 %(done)s 人")
            % {"total": result.to_talk, "done": result.talked},
            _("重点人员 %(total)s 人，已警示谈话 %(done)s 人")
            % {"total": result.key_persons, "done": result.key_warned},
        ]
    ]
    rows += [
        [
            gap.township,
            gap.name,
            "、".join(name for _pk, name in gap.missing_talks),
            "、".join(name for _pk, name in gap.missing_warnings),
        ]
        for gap in result.villages
    ]
    return headers, rows
