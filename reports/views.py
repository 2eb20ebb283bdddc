"""Pages: the village detail behind the forms, the forms of a village/township/county (page and
XLSX), and the filing board (上报 / 驳回 / 接收 / 汇总)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core import exports, policy
from core.access import can_edit_township
from core.forms import form_errors_from
from core.permissions import RoleRequiredMixin
from core.roles import COUNTY_ROLES
from core.spreadsheets import SpreadsheetError
from core.text import is_digits
from elections.choices import Body
from elections.models import Election, ElectionCandidate
from registry.models import County, Term, Township, Village

from . import forms, importers, selectors, services
from .choices import FilingState, Origin
from .models import (
    PROXY_LIMIT,
    ByElection,
    CommitteeMember,
    CountyFiling,
    ElectionDetail,
    LeavingAudit,
    Recall,
    Representative,
    TownshipFiling,
    VillageDetail,
    VillagerGroup,
)
from .workbook import FORMS, LIST_FORMS, _list_value, _value, workbook_bytes


def _term(year) -> Term:
    term = Term.objects.filter(year=year).first() if 1980 <= int(year) <= 2100 else None
    if term is None:
        raise Http404
    return term


def _xlsx(content: bytes, *name) -> FileResponse:
    return exports.workbook_response(exports.export_filename(*name, ext="xlsx"), content)


# -- the village detail ------------------------------------------------------------------


def _leave(data, village, term, actor):
    member = get_object_or_404(
        CommitteeMember.objects.for_user(actor), pk=data["member"], detail__village=village
    )
    return services.committee_member_leave(
        member=member, left_on=data["left_on"], reason=data["reason"], actor=actor
    )


def _confirm(data, village, term, actor):
    if data.get("election"):
        election = _village_election(village, term, str(data["election"]))
        return services.election_detail_confirm(
            election=election, code=data["code"], note=data["note"], actor=actor
        )
    return services.village_detail_confirm(
        village=village, term=term, code=data["code"], note=data["note"], actor=actor
    )


def _origin(data, village, term, actor):
    candidate = get_object_or_404(
        ElectionCandidate.objects.for_user(actor), pk=data["candidate"], election__village=village
    )
    return services.elected_origin_set(candidate=candidate, origin=data["origin"], actor=actor)


def _in_village(service):
    return lambda data, village, term, actor: service(
        village=village, term=term, actor=actor, **data
    )


HANDLERS = {
    "detail": _in_village(services.village_detail_save),
    "member": _in_village(services.committee_member_add),
    "leave": _leave,
    "confirm": _confirm,
    "origin": _origin,
    "group": _in_village(services.group_save),
    "representative": _in_village(services.representative_save),
    "audit": _in_village(services.leaving_audit_set),
    "recall": lambda data, village, term, actor: services.recall_record(
        seat=data.pop("seat"), actor=actor, **data
    ),
    "by_election": lambda data, village, term, actor: services.by_election_record(
        village=village, term=term, person=data.pop("person"), actor=actor, **data
    ),
}


def _call(name, form, village, term, actor):
    """Run the service behind the posted form `name`."""
    data = dict(form.cleaned_data)
    if name.startswith("election_"):
        election = _village_election(village, term, name.removeprefix("election_"))
        return services.election_detail_save(election=election, actor=actor, **data)
    return HANDLERS[name](data, village, term, actor)


def _village_election(village, term, pk: str) -> Election:
    if not is_digits(pk) or len(pk) > 18:
        raise Http404
    return get_object_or_404(
        Election, pk=int(pk), village=village, term=term, body=Body.VILLAGERS_COMMITTEE
    )


FORM_CLASSES = {
    "detail": forms.VillageDetailForm,
    "member": forms.MemberForm,
    "leave": forms.MemberLeaveForm,
    "confirm": forms.ConfirmForm,
    "origin": forms.OriginForm,
    "group": forms.GroupForm,
    "representative": forms.RepresentativeForm,
    "audit": forms.AuditForm,
    "recall": forms.RecallForm,
    "by_election": forms.ByElectionForm,
}


class VillageDetailView(RoleRequiredMixin, View):
    """Everything the forms need from one village for one term, entered where it belongs."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.bound = {}

    def _objects(self, request, pk, year):
        village = get_object_or_404(
            Village.objects.for_user(request.user).select_related("township"), pk=pk
        )
        return village, _term(year)

    def _form(self, name, village, term, data=None):
        if name in self.bound:
            return self.bound[name]
        if name.startswith("election_"):
            election = _village_election(village, term, name.removeprefix("election_"))
            instance = ElectionDetail.objects.filter(election=election).first()
            return forms.ElectionDetailForm(data, instance=instance, prefix=name)
        kwargs = {"village": village, "term": term, "prefix": name}
        if name == "detail":
            kwargs["instance"] = VillageDetail.objects.filter(village=village, term=term).first()
        return FORM_CLASSES[name](data, **kwargs)

    def get(self, request, pk, year):
        village, term = self._objects(request, pk, year)
        return self.render_page(request, village, term)

    def post(self, request, pk, year):
        village, term = self._objects(request, pk, year)
        name = request.POST.get("form", "")
        if name not in FORM_CLASSES and not name.startswith("election_"):
            raise Http404
        form = self._form(name, village, term, request.POST)
        if form.is_valid():
            try:
                _call(name, form, village, term, request.user)
            except (ValidationError, PermissionDenied) as exc:
                if isinstance(exc, ValidationError):
                    form_errors_from(exc, form)
                else:
                    form.add_error(None, str(exc))
            else:
                messages.success(request, _("已保存"))
                return redirect(reverse("reports:village", args=[village.pk, term.year]))
        self.bound[name] = form
        messages.error(request, _("未保存，请检查标红的内容"))
        return self.render_page(request, village, term, status=400)

    def render_page(self, request, village, term, status=200):
        data = selectors.report(selectors.Scope("village", village), term)
        elections = list(
            Election.objects.filter(village=village, term=term, body=Body.VILLAGERS_COMMITTEE)
            .select_related("report_detail")
            .order_by("round", "held_on")
        )
        detail = VillageDetail.objects.filter(village=village, term=term).first()
        filing = services.filing_for(village.township, term)
        may_edit = can_edit_township(request.user, village.township) and not filing.locks_detail
        proxy_election = next(
            (
                e.pk
                for e in elections
                if getattr(e, "report_detail", None) is not None
                and e.report_detail.max_proxies_per_carrier > PROXY_LIMIT
            ),
            "",
        )
        confirmables = [
            (check, proxy_election if check["code"] == "proxy_limit" else "")
            for check in data["checks"]
            if check["confirmable"] and not check["confirmed"]
        ]
        context = {
            "confirmables": confirmables,
            "village": village,
            "term": term,
            "data": data,
            "detail": detail,
            "may_edit": may_edit,
            "filing": filing,
            "forms": {name: self._form(name, village, term) for name in FORM_CLASSES},
            "election_forms": [
                (e, self._form(f"election_{e.pk}", village, term)) for e in elections
            ],
            "members": CommitteeMember.objects.filter(detail__village=village, detail__term=term)
            .select_related("person")
            .order_by("pk"),
            "groups": VillagerGroup.objects.filter(village=village, term=term),
            "representatives": Representative.objects.filter(
                village=village, term=term
            ).select_related("group"),
            "audits": LeavingAudit.objects.filter(village=village, term=term).select_related(
                "person"
            ),
            "recalls": Recall.objects.filter(village=village, term=term).select_related(
                "seat__person"
            ),
            "by_elections": ByElection.objects.filter(village=village, term=term).select_related(
                "person"
            ),
            "origins": Origin.choices,
            "terms": Term.objects.order_by("-year"),
        }
        return render(request, "reports/village_detail.html", context, status=status)


# -- the forms of a scope ----------------------------------------------------------------


def form_tables(data: dict) -> list[dict]:
    """The forms as page tables, laid out like the workbook."""
    tables = []
    for title, key, groups in FORMS:
        section = data[key]
        columns = [column for _group, cols in groups for column in cols]
        rows = [
            [row["name"], row["villages"]] + [_value(row, c[0]) for c in columns]
            for row in section["rows"]
        ]
        total = [_("合计"), sum(r["villages"] for r in section["rows"])] + [
            _value(section, c[0]) for c in columns
        ]
        tables.append(
            {
                "title": title,
                "key": key,
                "groups": [(group, len(cols)) for group, cols in groups],
                "columns": [
                    _("%(label)s（%(unit)s）") % {"label": label, "unit": unit}
                    for _k, label, unit in columns
                ],
                "rows": rows,
                "total": total,
            }
        )
    return tables


def list_tables(data: dict) -> list[dict]:
    return [
        {
            "title": title,
            "key": key,
            "columns": [label for _k, label in columns],
            "rows": [[_list_value(k, row.get(k, "")) for k, _l in columns] for row in data[key]],
        }
        for title, key, columns in LIST_FORMS
    ]


class ReportView(RoleRequiredMixin, View):
    """The forms of a county, township or village: a page, or `?format=xlsx`."""

    def get(self, request, code, year):
        scope = selectors.scope_for_code(code, request.user)
        if scope is None:
            raise Http404
        term = _term(year)
        data = selectors.report(scope, term)
        if request.GET.get("format") == "xlsx":
            content = workbook_bytes(
                data, preparer=request.user.get_full_name() or request.user.username
            )
            return _xlsx(content, scope.name, term.year, _("村委会选举统计表"))
        return render(
            request,
            "reports/report.html",
            {
                "scope": scope,
                "term": term,
                "data": data,
                "tables": form_tables(data),
                "lists": list_tables(data),
            },
        )


# -- filing -------------------------------------------------------------------------------


def _board_county(request) -> County | None:
    user = request.user
    if user.county_id:
        return County.objects.filter(pk=user.county_id).first()
    return County.objects.for_user(user).order_by("code").first()


class BoardView(RoleRequiredMixin, View):
    """The filing board: each township's state, a report changed since filing, the actions."""

    def get(self, request):
        county = _board_county(request)
        terms = list(Term.objects.order_by("-year"))
        year = request.GET.get("term", "")
        voted = Term.objects.filter(elections__village__township__county=county).order_by("-year")
        term = next((t for t in terms if str(t.year) == year), None) or voted.first()
        term = term or (terms[0] if terms else None)
        if county is None or term is None:
            return render(request, "reports/board.html", {"rows": [], "terms": terms})
        filings = {
            f.township_id: f
            for f in TownshipFiling.objects.filter(
                township__county=county, term=term
            ).select_related("filed_by", "decided_by", "unlocked_by")
        }
        rows = []
        for township in (
            Township.objects.for_user(request.user).filter(county=county).order_by("code")
        ):
            filing = filings.get(township.pk) or TownshipFiling(township=township, term=term)
            changed = False
            if filing.fingerprint:
                current = selectors.frozen_report(selectors.Scope("township", township), term)
                changed = selectors.fingerprint(current) != filing.fingerprint
            rows.append(
                {
                    "township": township,
                    "filing": filing,
                    "changed": changed,
                    "may_submit": can_edit_township(request.user, township)
                    and (
                        filing.state in (FilingState.NOT_FILED, FilingState.RETURNED)
                        or filing.unlocked_at is not None
                    ),
                    "may_decide": filing.pk is not None
                    and policy.can(request.user, "report.decide", filing),
                }
            )
        county_filing = CountyFiling.objects.filter(county=county, term=term).first()
        county_changed = False
        if county_filing is not None:
            current = selectors.frozen_report(selectors.Scope("county", county), term)
            county_changed = selectors.fingerprint(current) != county_filing.fingerprint
        return render(
            request,
            "reports/board.html",
            {
                "county": county,
                "term": term,
                "terms": terms,
                "rows": rows,
                "county_filing": county_filing,
                "county_changed": county_changed,
                "may_file_county": policy.can(request.user, "report.file_county", county),
                "reason_form": forms.ReasonForm(),
            },
        )


class FilingActionView(RoleRequiredMixin, View):
    """POST a step on a township's report: submit, return, accept, unlock."""

    def post(self, request, pk, year, step):
        township = get_object_or_404(Township.objects.for_user(request.user), pk=pk)
        term = _term(year)
        reason = request.POST.get("reason", "")
        try:
            if step == "submit":
                services.filing_submit(township=township, term=term, actor=request.user)
                messages.success(request, _("已上报：%(name)s") % {"name": township.name})
            else:
                filing = get_object_or_404(TownshipFiling, township=township, term=term)
                if step == "return":
                    services.filing_return(filing=filing, reason=reason, actor=request.user)
                elif step == "accept":
                    services.filing_accept(filing=filing, actor=request.user)
                elif step == "unlock":
                    services.filing_unlock(filing=filing, reason=reason, actor=request.user)
                else:
                    raise Http404
                messages.success(request, _("已办理：%(name)s") % {"name": township.name})
        except (ValidationError, PermissionDenied) as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                messages.error(request, message)
        return redirect(f"{reverse('reports:board')}?term={term.year}")


class CountyFileView(RoleRequiredMixin, View):
    write_roles = COUNTY_ROLES

    def post(self, request, year):
        county = _board_county(request)
        term = _term(year)
        if county is None:
            raise Http404
        try:
            services.county_file(county=county, term=term, actor=request.user)
            messages.success(request, _("已汇总上报"))
        except (ValidationError, PermissionDenied) as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                messages.error(request, message)
        return redirect(f"{reverse('reports:board')}?term={term.year}")


class FiledWorkbookView(RoleRequiredMixin, View):
    """The report exactly as it was filed (a township's, or `county` for the aggregate)."""

    def get(self, request, kind, pk):
        if kind == "township":
            row = get_object_or_404(TownshipFiling.objects.for_user(request.user), pk=pk)
            who = row.filed_by
        else:
            row = get_object_or_404(CountyFiling.objects.for_user(request.user), pk=pk)
            who = row.filed_by
        if not row.data:
            raise Http404
        preparer = (who.get_full_name() or who.username) if who else ""
        return _xlsx(
            workbook_bytes(row.data, preparer=preparer),
            row.data["name"],
            row.data["term"],
            _("村委会选举统计表（报送版）"),
        )


# -- upload -------------------------------------------------------------------------------


class GroupsUploadView(RoleRequiredMixin, View):
    """Upload a village's groups and representatives (all or nothing)."""

    def get(self, request, pk, year):
        if request.GET.get("template"):
            return importers.template_response()
        village = get_object_or_404(Village.objects.for_user(request.user), pk=pk)
        return render(
            request,
            "reports/groups_upload.html",
            {"village": village, "term": _term(year), "form": forms.UploadForm()},
        )

    def post(self, request, pk, year):
        village = get_object_or_404(
            Village.objects.for_user(request.user).select_related("township"), pk=pk
        )
        term = _term(year)
        form = forms.UploadForm(request.POST, request.FILES)
        errors = []
        if form.is_valid():
            try:
                count = importers.import_groups(
                    upload=form.cleaned_data["file"], village=village, term=term, actor=request.user
                )
            except importers.ImportFailed as exc:
                errors = exc.errors
            except (ValidationError, PermissionDenied, SpreadsheetError) as exc:
                errors = list(getattr(exc, "messages", [str(exc)]))
            else:
                messages.success(request, _("已导入村民代表 %(n)s 人") % {"n": count})
                return redirect(reverse("reports:village", args=[village.pk, term.year]))
        return render(
            request,
            "reports/groups_upload.html",
            {"village": village, "term": term, "form": form, "errors": errors},
            status=400,
        )


class ElectionDetailsUploadView(RoleRequiredMixin, View):
    """Upload the registration and voting of a township's villages (all or nothing)."""

    def get(self, request, pk, year):
        if request.GET.get("template"):
            return importers.details_template_response()
        township = get_object_or_404(Township.objects.for_user(request.user), pk=pk)
        return render(
            request,
            "reports/details_upload.html",
            {"township": township, "term": _term(year), "form": forms.UploadForm()},
        )

    def post(self, request, pk, year):
        township = get_object_or_404(Township.objects.for_user(request.user), pk=pk)
        term = _term(year)
        form = forms.UploadForm(request.POST, request.FILES)
        errors = []
        if form.is_valid():
            try:
                count = importers.import_election_details(
                    upload=form.cleaned_data["file"],
                    township=township,
                    term=term,
                    actor=request.user,
                )
            except importers.ImportFailed as exc:
                errors = exc.errors
            except (ValidationError, PermissionDenied, SpreadsheetError) as exc:
                errors = list(getattr(exc, "messages", [str(exc)]))
            else:
                messages.success(request, _("已导入 %(n)s 个村的选民登记与投票情况") % {"n": count})
                return redirect(f"{reverse('reports:board')}?term={term.year}")
        return render(
            request,
            "reports/details_upload.html",
            {"township": township, "term": term, "form": form, "errors": errors},
            status=400,
        )
