"""Pages: elections and their results, post holders, the roster upload and its jobs."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy
from django.views import View

from core import policy
from core.access import COUNTY_ROLES, STAFF_ROLES
from core.api import KeysFirstPaginator
from core.exports import (
    csv_response,
    export_filename,
    scope_name,
    template_response,
    xlsx_response,
)
from core.forms import form_errors_from, service_refusals
from core.permissions import RoleRequiredMixin
from core.text import is_digits
from people import privacy
from people.models import Person

from . import importers, rules, selectors, services
from .choices import ImportStatus
from .filters import ElectionFilter, SeatFilter
from .forms import (
    CandidateFormSet,
    ConfirmationForm,
    ElectionForm,
    ReasonForm,
    RosterUploadForm,
    SeatEndForm,
)
from .models import Election, ImportJob, Seat

EDIT_FIELDS = [
    "round",
    "held_on",
    "seats_chair",
    "seats_deputy",
    "seats_member",
    *services.COUNT_FIELDS,
]


class ElectionListView(RoleRequiredMixin, View):
    def get(self, request):
        queryset = Election.objects.for_user(request.user).select_related(
            "village__township", "term"
        )
        election_filter = ElectionFilter(request.GET, queryset=queryset, request=request)
        page = KeysFirstPaginator(election_filter.qs, 50).get_page(request.GET.get("page"))
        return render(
            request,
            "elections/election_list.html",
            {"filter": election_filter, "page": page, "total": page.paginator.count},
        )


def _scoped_election(request, pk):
    return get_object_or_404(
        Election.objects.for_user(request.user).select_related("village__township", "term"),
        pk=pk,
    )


class ElectionDetailView(RoleRequiredMixin, View):
    def get(self, request, pk):
        election = _scoped_election(request, pk)
        return render(request, "elections/election_detail.html", _detail_context(request, election))


def _detail_context(request, election, **extra):
    candidates = list(election.candidates.select_related("person"))
    findings = services.election_findings(election, candidates)
    confirmed = set(election.confirmations)
    return {
        "election": election,
        "candidates": candidates,
        "findings": findings,
        "blocking": rules.blocking(findings, confirmed),
        "to_confirm": [f for f in findings if f.needs_confirmation and f.key not in confirmed],
        "steps": services.allowed_steps(election, request.user),
        "transitions": election.transitions.select_related("actor"),
        "seats": Seat.objects.filter(election=election).select_related("person"),
        "reason_form": extra.pop("reason_form", ReasonForm()),
        **extra,
    }


class ElectionFormView(RoleRequiredMixin, View):
    """Create an election, or edit a draft one with its candidates' votes."""

    read_roles = write_roles = RoleRequiredMixin.write_roles

    def _people(self, request, election):
        if election is None:
            return Person.objects.none()
        return (
            Person.objects.for_user(request.user)
            .filter(village=election.village)
            .select_related("village__township")
        )

    def _context(self, form, formset, election):
        return {"form": form, "formset": formset, "election": election}

    def get(self, request, pk=None):
        election = _scoped_election(request, pk) if pk else None
        form = ElectionForm(instance=election, user=request.user)
        initial = [
            {"person": c.person_id, "votes": c.votes, "post": c.post}
            for c in (election.candidates.all() if election else [])
        ]
        formset = CandidateFormSet(
            initial=initial,
            people=self._people(request, election),
            describe=privacy.picker_labeller(request.user),
        )
        return render(
            request, "elections/election_form.html", self._context(form, formset, election)
        )

    def post(self, request, pk=None):
        election = _scoped_election(request, pk) if pk else None
        form = ElectionForm(request.POST, instance=election, user=request.user)
        formset = CandidateFormSet(
            request.POST,
            people=self._people(request, election),
            describe=privacy.picker_labeller(request.user),
        )
        if form.is_valid() and (election is None or formset.is_valid()):
            data = form.cleaned_data
            try:
                if election is None:
                    election = services.election_create(
                        actor=request.user,
                        village=data["village"],
                        term=data["term"],
                        body=data["body"],
                        **{name: data[name] for name in EDIT_FIELDS},
                    )
                    messages.success(request, _("已创建，请录入候选人得票"))
                    return redirect("elections:election-update", election.pk)
                candidates = [
                    services.CandidateInput(row["person"], row["votes"], row.get("post") or "")
                    for row in formset.cleaned_data
                    if row and row.get("person") and not row.get("DELETE")
                ]
                services.election_results_set(
                    election=election,
                    actor=request.user,
                    candidates=candidates,
                    expected_version=_posted_version(request),
                    **{name: data[name] for name in EDIT_FIELDS},
                )
            except services.ElectionConflict as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                form_errors_from(exc, form)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已保存"))
                return redirect(election)
        return render(
            request,
            "elections/election_form.html",
            self._context(form, formset, election),
            status=400,
        )


def _posted_version(request) -> int | None:
    """The form's version; a garbled one matches no version, so the save is refused as a
    conflict (reload and retry) instead of skipping the check or failing with a 500."""
    raw = request.POST.get("version") or ""
    if not raw:
        return None
    return (int(raw) or None) if is_digits(raw) else -1


STEPS = {
    "submit": lambda election, user, reason: services.election_submit(
        election=election, actor=user
    ),
    "certify": lambda election, user, reason: services.election_certify(
        election=election, actor=user
    ),
    "return": lambda election, user, reason: services.election_return(
        election=election, actor=user, reason=reason
    ),
    "unlock": lambda election, user, reason: services.election_unlock(
        election=election, actor=user, reason=reason
    ),
}
# Flash messages after a step; "已上报" is also a state's name, hence the context.
STEP_DONE = {
    "submit": pgettext_lazy("flash message", "已上报"),
    "certify": _lazy("已审核确认，任职已生成"),
    "return": pgettext_lazy("flash message", "已退回"),
    "unlock": _lazy("已解锁"),
}


class ElectionStepView(RoleRequiredMixin, View):
    """POST: take one step of the state machine (submit, certify, return, unlock)."""

    read_roles = write_roles = RoleRequiredMixin.write_roles

    def post(self, request, pk, step):
        if step not in STEPS:
            raise Http404
        election = _scoped_election(request, pk)
        try:
            STEPS[step](election, request.user, request.POST.get("reason", ""))
        except (ValidationError, PermissionDenied) as exc:
            errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            election.refresh_from_db()
            context = _detail_context(request, election, step_errors=errors)
            return render(request, "elections/election_detail.html", context, status=400)
        messages.success(request, STEP_DONE[step])
        return redirect("elections:election-detail", pk)


class ElectionConfirmView(RoleRequiredMixin, View):
    read_roles = write_roles = RoleRequiredMixin.write_roles

    def post(self, request, pk):
        election = _scoped_election(request, pk)
        form = ConfirmationForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("请填写书面说明"))
            services.election_confirm(
                election=election,
                actor=request.user,
                code=form.cleaned_data["code"],
                note=form.cleaned_data["note"],
            )
        except (ValidationError, PermissionDenied) as exc:
            errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            context = _detail_context(request, election, step_errors=errors)
            return render(request, "elections/election_detail.html", context, status=400)
        messages.success(request, _("书面说明已记录"))
        return redirect(election)


class SeatListView(RoleRequiredMixin, View):
    def get(self, request):
        queryset = Seat.objects.for_user(request.user).select_related(
            "village__township", "term", "person"
        )
        seat_filter = SeatFilter(request.GET, queryset=queryset, request=request)
        page = KeysFirstPaginator(seat_filter.qs, 50).get_page(request.GET.get("page"))
        return render(
            request,
            "elections/seat_list.html",
            {"filter": seat_filter, "page": page, "total": page.paginator.count},
        )


class SeatEndView(RoleRequiredMixin, View):
    read_roles = write_roles = RoleRequiredMixin.write_roles

    def _seat(self, request, pk):
        return get_object_or_404(
            Seat.objects.for_user(request.user).select_related("person", "village", "term"),
            pk=pk,
        )

    def get(self, request, pk):
        seat = self._seat(request, pk)
        return render(request, "elections/seat_end.html", {"seat": seat, "form": SeatEndForm()})

    def post(self, request, pk):
        seat = self._seat(request, pk)
        form = SeatEndForm(request.POST)
        if form.is_valid():
            with service_refusals(form):
                services.seat_end(seat=seat, actor=request.user, **form.cleaned_data)
            if not form.errors:
                messages.success(request, _("已办理离任"))
                return redirect(seat.village)
        return render(request, "elections/seat_end.html", {"seat": seat, "form": form}, status=400)


class ExportView(RoleRequiredMixin, View):
    """Results or post holders, filtered like the lists, as CSV or XLSX."""

    def get(self, request, what, fmt):
        if what == "results":
            found = ElectionFilter(
                request.GET, queryset=Election.objects.for_user(request.user), request=request
            )
            headers, rows, title = (
                [str(h) for h in selectors.RESULT_HEADERS],
                selectors.result_rows(found.qs),
                _("选举结果"),
            )
        else:
            found = SeatFilter(
                request.GET, queryset=Seat.objects.for_user(request.user), request=request
            )
            headers, rows, title = (
                selectors.seat_headers(request.user),
                selectors.seat_rows(found.qs, request.user),
                _("任职"),
            )
        filename = _export_name(request.user, found, title, fmt)
        if fmt == "csv":
            return csv_response(filename, headers, rows)
        return xlsx_response(filename, headers, rows, title)


def _export_name(user, found, title, fmt) -> str:
    """What the file holds: the place (village, township chosen, else the user's scope),
    the term and the list, e.g. 吉县-2021-选举结果.xlsx."""
    data = found.form.cleaned_data if found.form.is_valid() else {}
    place = data.get("village") or data.get("township")
    place = place.name if place else scope_name(user)
    term = data.get("term")
    return export_filename(place, term.year if term else "", title, ext=fmt)


class RosterTemplateView(RoleRequiredMixin, View):
    def get(self, request):
        return template_response(
            export_filename(_("任职花名册导入模板"), ext="xlsx"), importers.COLUMNS, "花名册"
        )


class RosterImportView(RoleRequiredMixin, View):
    """Upload a roster: it is checked and imported in the background; see the job page."""

    read_roles = write_roles = RoleRequiredMixin.write_roles

    def get(self, request):
        jobs = _recent_jobs(request.user)
        return render(
            request, "elections/roster_import.html", {"form": RosterUploadForm(), "jobs": jobs}
        )

    def post(self, request):
        form = RosterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            job = services.roster_job_create(
                actor=request.user,
                filename=upload.name,
                content=upload.read(),
                dry_run=form.cleaned_data["dry_run"],
            )
            return redirect(job)
        jobs = _recent_jobs(request.user)
        return render(
            request, "elections/roster_import.html", {"form": form, "jobs": jobs}, status=400
        )


def _jobs(user):
    """The upload jobs `user` follows: county roles every job in their scope (they may
    cancel them), everyone else their own."""
    jobs = ImportJob.objects.for_user(user).defer("content")
    if not policy.is_county_level(user):
        jobs = jobs.filter(created_by=user)
    return jobs


def _recent_jobs(user):
    return _jobs(user).select_related("created_by").order_by("-created_at")[:20]


def _job(request, pk):
    return get_object_or_404(_jobs(request.user), pk=pk)


class ImportJobView(RoleRequiredMixin, View):
    read_roles = STAFF_ROLES

    def get(self, request, pk):
        job = _job(request, pk)
        context = {
            "job": job,
            "can_cancel": job.may_be_cancelled_by(request.user),
            "can_import_now": _importable(job, request.user),
        }
        return render(request, "elections/import_job.html", context)


# A dry run that passed can be imported for real from its job page, without choosing the
# file again (the job keeps it), for this long after the check, by its uploader only.
IMPORT_NOW_HOURS = 24


def _importable(job, user) -> bool:
    return (
        job.dry_run
        and job.status == ImportStatus.SUCCEEDED
        and job.created_by_id == user.pk
        and job.created_at >= timezone.now() - dt.timedelta(hours=IMPORT_NOW_HOURS)
    )


class ImportJobImportView(RoleRequiredMixin, View):
    """ "Import now": the file of a dry run that passed, imported for real as a new job."""

    read_roles = write_roles = RoleRequiredMixin.write_roles

    def post(self, request, pk):
        job = _job(request, pk)
        if not _importable(job, request.user):
            messages.error(
                request,
                _("该检查结果已不能直接导入（须为本人 24 小时内检查通过的文件），请重新上传"),
            )
            return redirect(job)
        content = ImportJob.objects.values_list("content", flat=True).get(pk=job.pk)
        new = services.roster_job_create(
            actor=request.user, filename=job.filename, content=bytes(content), dry_run=False
        )
        return redirect(new)


class ImportJobCancelView(RoleRequiredMixin, View):
    """Cancel a queued or running roster job (administrators; county organizers for their
    county's jobs, which are the only ones they can see)."""

    read_roles = write_roles = COUNTY_ROLES

    def post(self, request, pk):
        job = _job(request, pk)
        try:
            services.roster_job_cancel(job=job, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已取消该导入任务，未保存任何数据"))
        return redirect(job)


class ImportJobStatusView(RoleRequiredMixin, View):
    """The small JSON the progress bar polls."""

    def get(self, request, pk):
        job = _job(request, pk)
        return JsonResponse(
            {
                "status": job.status,
                "status_display": job.get_status_display(),
                "progress": job.progress,
                "finished": job.is_finished,
            }
        )
