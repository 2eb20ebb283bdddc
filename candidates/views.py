"""Pages of candidate vetting: queues, nomination (form and spreadsheet), the candidacy page
with its timeline and decisions, the department reviewers' queue, the funnel and the
negative list. Every write goes through candidates.services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core import policy, uploads
from core.access import COUNTY_ROLES, EDITOR_ROLES, STAFF_ROLES, Role
from core.exports import export_filename, template_response, xlsx_response
from core.forms import form_errors_from, service_refusals
from core.permissions import RoleRequiredMixin
from core.spreadsheets import SpreadsheetError, read_upload
from core.text import is_digits
from people import privacy
from registry.forms import UploadForm
from registry.models import County, Term, Township

from . import importers, selectors, services
from .choices import MEETING_STAGES, STAGE_PATH, Outcome, Stage
from .filters import CandidacyFilter, ReviewQueueFilter
from .forms import (
    BulkDecisionForm,
    ClearFlagForm,
    DecisionForm,
    NegativeItemForm,
    NominationEditForm,
    NominationForm,
    ReplaceForm,
    SignOffForm,
    WithdrawForm,
    split_post,
)
from .models import Candidacy, NegativeListItem, ReviewDepartment, SignOff

REVIEWER = frozenset({Role.DEPARTMENT_REVIEWER})
ALL_PAGE_ROLES = STAFF_ROLES | REVIEWER
DECIDER_ROLES = EDITOR_ROLES | REVIEWER


def _conflict_or_errors(request, exc) -> None:
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(exc))


def _versions(request, ids) -> dict[int, int | None]:
    versions = {}
    for pk in ids:
        raw = request.POST.get(f"version_{pk}")
        versions[pk] = int(raw) if is_digits(raw) else None
    return versions


def _ids(request) -> list[int]:
    return [int(v) for v in request.POST.getlist("ids") if is_digits(v)]


class CandidacyListView(RoleRequiredMixin, View):
    """The queues: officials see their township, organizers the county, by stage, with
    filters; a POST records one meeting's decision for every ticked name."""

    read_roles = STAFF_ROLES
    write_roles = EDITOR_ROLES

    def get_filter(self, request, data):
        return CandidacyFilter(
            data, queryset=selectors.queue_for_user(request.user), request=request
        )

    def get(self, request, form=None, status=200):
        candidacy_filter = self.get_filter(request, request.GET)
        page = Paginator(candidacy_filter.qs, 50).get_page(request.GET.get("page"))
        stage = request.GET.get("stage", "")
        county_id = request.user.county_id or (County.objects.values_list("pk", flat=True).first())
        if form is None and stage in Stage.values and stage in {s.value for s in STAGE_PATH[:-1]}:
            form = BulkDecisionForm(
                county_id=county_id,
                meeting=stage in MEETING_STAGES,
                returnable=stage != Stage.NOMINATED,
                prefix="bulk",
            )
        # The tabs count what the list shows under the same filters, whatever the stage,
        # with the funnel's own selector: the two never disagree.
        others = request.GET.copy()
        others.pop("stage", None)
        counts = selectors.stage_counts(self.get_filter(request, others).qs.order_by())
        tabs = [(s.value, s.label, counts[s.value]) for s in Stage]
        can_bulk = form is not None and policy.can(request.user, "candidacy.decide_stage", stage)
        return render(
            request,
            "candidates/candidacy_list.html",
            {
                "filter": candidacy_filter,
                "page": page,
                "total": page.paginator.count,
                "tabs": tabs,
                "stage": stage,
                "bulk_form": form,
                "can_bulk": can_bulk,
            },
            status=status,
        )

    def post(self, request):
        stage = request.GET.get("stage", "")
        if stage not in {s.value for s in STAGE_PATH[:-1]}:
            raise Http404
        county_id = request.user.county_id or County.objects.values_list("pk", flat=True).first()
        form = BulkDecisionForm(
            request.POST,
            county_id=county_id,
            meeting=stage in MEETING_STAGES,
            returnable=stage != Stage.NOMINATED,
            prefix="bulk",
        )
        ids = _ids(request)
        if not ids:
            messages.error(request, _("请至少勾选一个人选"))
            return self.get(request, form=form, status=400)
        if not form.is_valid():
            return self.get(request, form=form, status=400)
        versions = _versions(request, ids)
        rows = Candidacy.objects.for_user(request.user).filter(pk__in=ids, stage=stage)
        rows = rows.select_related("village__township", "person")
        result = services.candidacies_decide_bulk(
            candidacies=[(c, versions.get(c.pk)) for c in rows],
            outcome=form.cleaned_data["outcome"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
            negative_items=form.cleaned_data["negative_items"],
            meeting_date=form.cleaned_data.get("meeting_date"),
            minute_number=form.cleaned_data.get("minute_number", ""),
        )
        if result.done:
            messages.success(
                request,
                _("已记录 %(n)s 人的决定：%(outcome)s")
                % {"n": len(result.done), "outcome": Outcome(form.cleaned_data["outcome"]).label},
            )
        for candidacy, message in result.failed:
            messages.error(
                request,
                _("%(name)s：%(message)s") % {"name": candidacy.person.name, "message": message},
            )
        missing = len(ids) - len(result.done) - len(result.failed)
        if missing:
            messages.error(
                request, _("%(n)s 人已不在本阶段或不在您的范围内，未处理") % {"n": missing}
            )
        return redirect(request.get_full_path())


class CandidacyCreateView(RoleRequiredMixin, View):
    read_roles = write_roles = EDITOR_ROLES

    def get(self, request):
        initial = {"term": Term.objects.order_by("-year").first()}
        if request.GET.get("village"):
            initial["village"] = request.GET["village"]
        form = NominationForm(user=request.user, initial=initial)
        return render(request, "candidates/candidacy_form.html", {"form": form})

    def post(self, request):
        form = NominationForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            body, post = split_post(data["post"])
            with service_refusals(form):
                candidacy = services.candidacy_nominate(
                    person_data=form.person_data(),
                    village=data["village"],
                    term=data["term"],
                    body=body,
                    post=post,
                    source=data["source"],
                    actor=request.user,
                    assessment=form.assessment(),
                    audit_recommendation=data["audit_recommendation"],
                )
            if not form.errors:
                messages.success(request, _("已提名 %(name)s") % {"name": candidacy.person.name})
                return redirect(candidacy)
        return render(request, "candidates/candidacy_form.html", {"form": form}, status=400)


class CandidacyImportView(RoleRequiredMixin, View):
    read_roles = write_roles = EDITOR_ROLES

    def get(self, request):
        return render(request, "candidates/candidacy_import.html", {"form": UploadForm()})

    def post(self, request):
        given = uploads.form_input(request, "nominees")
        form = UploadForm(given.data, given.files)
        context = {"form": form}
        status = 400
        if given.expired:
            messages.error(request, uploads.EXPIRED)
        elif form.is_valid():
            try:
                sheet = read_upload(form.cleaned_data["file"], importers.COLUMNS)
            except SpreadsheetError as exc:
                form.add_error("file", str(exc))
            else:
                dry_run = form.cleaned_data["dry_run"]
                result = importers.import_nominees(sheet, actor=request.user, dry_run=dry_run)
                context["result"] = result
                if result.ok:
                    verb = _("检查通过") if dry_run else _("导入成功")
                    messages.success(
                        request,
                        _("%(verb)s：提名 %(n)s 人，其中新登记人员 %(p)s 人")
                        % {"verb": verb, "n": result.created, "p": result.new_people},
                    )
                    if not dry_run:
                        uploads.forget(request, "nominees", given.token)
                        return redirect("candidates:candidacy-list")
                    context.update(uploads.offer(request, "nominees", form.cleaned_data["file"]))
                    status = 200
        return render(request, "candidates/candidacy_import.html", context, status=status)


class CandidacyTemplateView(RoleRequiredMixin, View):
    read_roles = EDITOR_ROLES

    def get(self, request):
        return template_response(
            export_filename(_("人选名单导入模板"), ext="xlsx"), importers.COLUMNS, "人选名单"
        )


def _candidacy(request, pk):
    return get_object_or_404(
        Candidacy.objects.for_user(request.user).select_related(
            "person",
            "village__township__county",
            "term",
            "proposed_by",
            "replaces__person",
        ),
        pk=pk,
    )


class CandidacyDetailView(RoleRequiredMixin, View):
    read_roles = ALL_PAGE_ROLES

    def get(self, request, pk):
        candidacy = _candidacy(request, pk)
        county = candidacy.village.township.county
        user = request.user
        if policy.is_department_reviewer(user):
            mine = SignOff.objects.filter(candidacy=candidacy, department=user.department).first()
            disclosures = privacy.Disclosures(user, request=request, where="candidacy")
            response = render(
                request,
                "candidates/candidacy_review.html",
                {
                    "candidacy": candidacy,
                    "id_display": _queue_id_number(request, candidacy, disclosures),
                    "mine": mine,
                    "form": None if mine else SignOffForm(county_id=county.pk),
                    "can_decide": policy.can(user, "candidacy.decide", candidacy),
                    "decision_form": self._decision_form(candidacy),
                    "sign_offs": self._sign_offs(candidacy),
                    "blockers": selectors.joint_review_blockers(candidacy),
                    "can_clear": policy.can(user, "sign_off.clear"),
                },
            )
            disclosures.record()
            return response
        replaced_by = getattr(candidacy, "replaced_by", None)
        context = {
            "candidacy": candidacy,
            "id_display": candidacy.person.id_number_for(user),
            "timeline": selectors.timeline(candidacy),
            "sign_offs": self._sign_offs(candidacy),
            "required": selectors.required_departments(county),
            "replaced_by": replaced_by,
            "can_decide": (
                not candidacy.is_ended and policy.can(user, "candidacy.decide", candidacy)
            ),
            "decision_form": self._decision_form(candidacy),
            "can_edit": user.role in EDITOR_ROLES and not candidacy.is_ended,
            "may_correct": policy.can(user, "candidacy.edit", candidacy),
            "withdraw_form": WithdrawForm(initial={"version": candidacy.version}),
            "can_clear": policy.can(user, "sign_off.clear"),
            "can_replace": candidacy.stage in (Stage.REJECTED, Stage.WITHDRAWN)
            and user.role in EDITOR_ROLES,
        }
        if candidacy.stage == Stage.JOINT_REVIEW:
            context["blockers"] = selectors.joint_review_blockers(candidacy)
        return render(request, "candidates/candidacy_detail.html", context)

    @staticmethod
    def _sign_offs(candidacy):
        return list(
            candidacy.sign_offs.select_related(
                "signed_by", "clearance__cleared_by"
            ).prefetch_related("negative_items")
        )

    @staticmethod
    def _decision_form(candidacy):
        if candidacy.is_ended:
            return None
        return DecisionForm(
            county_id=candidacy.village.township.county_id,
            meeting=candidacy.stage in MEETING_STAGES,
            returnable=candidacy.stage != Stage.NOMINATED,
            initial={"version": candidacy.version},
        )


class CandidacyDecideView(RoleRequiredMixin, View):
    read_roles = write_roles = DECIDER_ROLES

    def post(self, request, pk):
        candidacy = _candidacy(request, pk)
        form = DecisionForm(
            request.POST,
            county_id=candidacy.village.township.county_id,
            meeting=candidacy.stage in MEETING_STAGES,
        )
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(candidacy)
        data = form.cleaned_data
        try:
            decision = services.candidacy_decide(
                candidacy=candidacy,
                outcome=data["outcome"],
                expected_version=data["version"],
                actor=request.user,
                negative_items=data["negative_items"],
                reason=data["reason"],
                meeting_date=data.get("meeting_date"),
                minute_number=data.get("minute_number", ""),
            )
        except (ValidationError, PermissionDenied, services.CandidacyConflict) as exc:
            _conflict_or_errors(request, exc)
        else:
            messages.success(
                request,
                _("已记录：%(stage)s %(outcome)s，现为“%(to)s”")
                % {
                    "stage": decision.get_stage_display(),
                    "outcome": decision.get_outcome_display(),
                    "to": decision.get_to_stage_display(),
                },
            )
        if not Candidacy.objects.for_user(request.user).filter(pk=pk).exists():
            return redirect("candidates:review-queue")
        return redirect(candidacy)


class CandidacyWithdrawView(RoleRequiredMixin, View):
    read_roles = write_roles = EDITOR_ROLES

    def post(self, request, pk):
        candidacy = _candidacy(request, pk)
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                services.candidacy_withdraw(
                    candidacy=candidacy,
                    expected_version=form.cleaned_data["version"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except (ValidationError, PermissionDenied, services.CandidacyConflict) as exc:
                _conflict_or_errors(request, exc)
            else:
                messages.success(request, _("已记录退出"))
        else:
            messages.error(request, _("退出须写明理由"))
        return redirect(candidacy)


class CandidacyEditView(RoleRequiredMixin, View):
    """Correct a nomination (post, source, assessment, notes) until the joint review starts;
    afterwards the page says how: a return decision to 预审 (candidates `candidacy.edit`)."""

    read_roles = write_roles = EDITOR_ROLES

    def get(self, request, pk):
        candidacy = _candidacy(request, pk)
        form = NominationEditForm(initial=NominationEditForm.initial_for(candidacy))
        return self.page(request, candidacy, form)

    def post(self, request, pk):
        candidacy = _candidacy(request, pk)
        form = NominationEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            body, post = split_post(data["post"])
            try:
                services.candidacy_update(
                    candidacy=candidacy,
                    expected_version=data["version"],
                    actor=request.user,
                    body=body,
                    post=post,
                    source=data["source"],
                    assessment=form.assessment(),
                    audit_recommendation=data["audit_recommendation"],
                )
            except ValidationError as exc:
                form_errors_from(exc, form)
            except (PermissionDenied, services.CandidacyConflict) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已修改提名信息"))
                return redirect(candidacy)
        return self.page(request, candidacy, form, status=400)

    def page(self, request, candidacy, form, status=200):
        may_edit = policy.can(request.user, "candidacy.edit", candidacy)
        context = {"candidacy": candidacy, "form": form, "may_edit": may_edit}
        if not may_edit:
            context["closed"] = services.EDIT_CLOSED
        return render(request, "candidates/candidacy_edit.html", context, status=status)


class CandidacyReplaceView(RoleRequiredMixin, View):
    read_roles = write_roles = EDITOR_ROLES

    def get(self, request, pk):
        candidacy = _candidacy(request, pk)
        form = ReplaceForm(initial={"version": candidacy.version})
        return render(
            request, "candidates/candidacy_replace.html", {"form": form, "candidacy": candidacy}
        )

    def post(self, request, pk):
        candidacy = _candidacy(request, pk)
        form = ReplaceForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                new = services.candidacy_replace(
                    candidacy=candidacy,
                    person_data=form.person_data(),
                    source=data["source"],
                    reason=data["reason"],
                    expected_version=data["version"],
                    actor=request.user,
                    assessment=form.assessment(),
                    audit_recommendation=data["audit_recommendation"],
                )
            except ValidationError as exc:
                form_errors_from(exc, form)
            except (PermissionDenied, services.CandidacyConflict) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已提名替换人选 %(name)s") % {"name": new.person.name})
                return redirect(new)
        return render(
            request,
            "candidates/candidacy_replace.html",
            {"form": form, "candidacy": candidacy},
            status=400,
        )


class SignOffView(RoleRequiredMixin, View):
    """A department reviewer's pass or flag on one candidacy."""

    read_roles = write_roles = REVIEWER | {Role.ADMIN}

    def post(self, request, pk):
        candidacy = _candidacy(request, pk)
        form = SignOffForm(request.POST, county_id=candidacy.village.township.county_id)
        if form.is_valid():
            data = form.cleaned_data
            try:
                sign_off = services.sign_off_record(
                    candidacy=candidacy,
                    outcome=data["outcome"],
                    actor=request.user,
                    negative_items=data["negative_items"],
                    note=data["note"],
                )
            except (ValidationError, PermissionDenied, services.CandidacyConflict) as exc:
                _conflict_or_errors(request, exc)
                return redirect(candidacy)
            messages.success(
                request,
                _("已出具意见：%(name)s %(outcome)s")
                % {"name": candidacy.person.name, "outcome": sign_off.get_outcome_display()},
            )
        else:
            messages.error(request, _("请选择结论"))
            return redirect(candidacy)
        return redirect("candidates:review-queue")


class ClearFlagView(RoleRequiredMixin, View):
    read_roles = write_roles = COUNTY_ROLES | REVIEWER

    def post(self, request, pk):
        sign_off = get_object_or_404(
            SignOff.objects.filter(
                candidacy__in=Candidacy.objects.for_user(request.user)
            ).select_related("candidacy__village__township"),
            pk=pk,
        )
        form = ClearFlagForm(request.POST)
        if form.is_valid():
            try:
                services.flag_clear(
                    sign_off=sign_off, reason=form.cleaned_data["reason"], actor=request.user
                )
            except (ValidationError, PermissionDenied, services.CandidacyConflict) as exc:
                _conflict_or_errors(request, exc)
            else:
                messages.success(request, _("已核销该问题"))
        else:
            messages.error(request, _("核销须写明理由"))
        return redirect(sign_off.candidacy)


def _queue_id_number(request, candidacy, disclosures, *, from_queue: bool = False) -> str:
    """The ID number as the reader may see it here: a department reviewer sees the whole
    number of a name in their own queue (candidates `candidacy.see_id_number`), each showing
    logged and collected in `disclosures` (privacy.Disclosures: one audit row each, written
    in one INSERT per page); anywhere else, people/privacy.py decides. `from_queue`: the
    row was read through selectors.review_queue, so it awaits the reader's sign-off."""
    user = request.user
    if from_queue:
        candidacy.awaiting_my_sign_off = True
    if policy.is_department_reviewer(user) and policy.can(
        user, "candidacy.see_id_number", candidacy
    ):
        return disclosures.show(candidacy.person, subject=candidacy)
    return candidacy.person.id_number_for(user)


class ReviewQueueView(RoleRequiredMixin, View):
    """A department reviewer's pending sign-offs, with bulk pass for clean cases."""

    read_roles = write_roles = REVIEWER

    def get(self, request):
        queue_filter = ReviewQueueFilter(
            request.GET, queryset=selectors.review_queue(request.user), request=request
        )
        page = Paginator(queue_filter.qs, 50).get_page(request.GET.get("page"))
        with privacy.Disclosures(request.user, request=request, where="review-queue") as shown:
            for candidacy in page:
                candidacy.id_display = _queue_id_number(request, candidacy, shown, from_queue=True)
        return render(
            request,
            "candidates/review_queue.html",
            {
                "filter": queue_filter,
                "page": page,
                "total": page.paginator.count,
                "department": request.user.get_department_display(),
            },
        )

    def post(self, request):
        ids = _ids(request)
        if not ids:
            messages.error(request, _("请至少勾选一个人选"))
            return redirect(request.get_full_path())
        rows = list(selectors.review_queue(request.user).filter(pk__in=ids))
        result = services.sign_offs_pass_bulk(
            candidacies=rows, actor=request.user, note=request.POST.get("note", "")
        )
        if result.done:
            messages.success(request, _("已通过 %(n)s 人") % {"n": len(result.done)})
        for candidacy, message in result.failed:
            messages.error(
                request,
                _("%(name)s：%(message)s") % {"name": candidacy.person.name, "message": message},
            )
        return redirect(request.get_full_path())


class ReviewQueueExportView(RoleRequiredMixin, View):
    """A department reviewer's queue as XLSX, whole ID numbers included (each recorded in
    the audit log), to check against their department's records."""

    read_roles = REVIEWER

    def get(self, request):
        queue_filter = ReviewQueueFilter(
            request.GET, queryset=selectors.review_queue(request.user), request=request
        )
        reference = privacy.age_reference_date()
        shown = privacy.Disclosures(request.user, request=request, where="review-export")
        headers = [
            _("乡镇"),
            _("村(社区)"),
            _("职务"),
            _("姓名"),
            _("性别"),
            _("公民身份号码"),
            _("年龄"),
            _("政治面貌"),
            _("进入联审时间"),
        ]
        rows = [
            [
                c.village.township.name,
                c.village.name,
                c.post_label,
                c.person.name,
                c.person.get_gender_display(),
                _queue_id_number(request, c, shown, from_queue=True),
                c.person.age_on(reference),
                c.person.get_political_status_display(),
                timezone.localtime(c.stage_changed_at).strftime("%Y-%m-%d %H:%M")
                if c.stage_changed_at
                else "",
            ]
            for c in queue_filter.qs
        ]
        shown.record()
        department = request.user.get_department_display()
        filename = export_filename(department, _("资格联审待审人选"), ext="xlsx")
        return xlsx_response(filename, headers, rows, _("待审人选"))


class FunnelView(RoleRequiredMixin, View):
    """The funnel of the user's scope, of a county (`?county=`) or of a township
    (`?township=`). Over several counties (a province's administrator) the breakdown is by
    county, each a link to its townships: 1,460 townships' rows were 510 KiB and most of
    the page's 300-430 ms."""

    read_roles = STAFF_ROLES

    def get(self, request):
        rows = Candidacy.objects.for_user(request.user)
        terms = list(Term.objects.order_by("-year"))
        year = request.GET.get("term") or (terms[0].year if terms else "")
        rows = rows.filter(term__year=year) if is_digits(str(year)) else rows
        # Every county for whoever sees them all; one county (or part of one) otherwise.
        every = policy.scope_filter(request.user, county_lookup="pk", township_lookup=None)
        counties = list(County.objects.order_by("code")) if every is policy.ALL else []
        scoped = Township.objects.for_user(request.user).order_by("code")
        county = township = None
        if is_digits(request.GET.get("county", "")):
            county = County.objects.for_user(request.user).filter(pk=request.GET["county"]).first()
            if county is None:
                raise Http404
            rows = rows.filter(village__township__county=county)
            scoped = scoped.filter(county=county)
        if len(counties) > 1 and county is None:
            townships = []  # choose a county first
        else:
            townships = list(scoped)
        if is_digits(request.GET.get("township", "")):
            township = scoped.filter(pk=request.GET["township"]).first()
            if township is None:
                raise Http404
            rows = rows.filter(village__township=township)
            if township not in townships:
                townships.append(township)
        by_county = len(counties) > 1 and county is None and township is None
        data = selectors.funnel(rows, by_county=by_county)
        return render(
            request,
            "candidates/funnel.html",
            {
                "funnel": data,
                "terms": terms,
                "year": str(year),
                "counties": counties if len(counties) > 1 else [],
                "county": county,
                "townships": townships,
                "township": township,
                "chart": {
                    "stages": [s["label"] for s in data["stages"]],
                    "reached": [data["total"]] + [s["passed"] for s in data["stages"][:-1]],
                    "sources": [
                        {"name": s["label"], "value": s["count"]} for s in data["approved_sources"]
                    ],
                },
            },
        )


class NegativeListView(RoleRequiredMixin, View):
    """The county's negative list; county organizers add and change items."""

    read_roles = ALL_PAGE_ROLES
    write_roles = COUNTY_ROLES

    def _county(self, request):
        county = request.user.county or County.objects.order_by("code").first()
        if county is None:
            raise Http404
        return county

    def get(self, request, form=None, status=200):
        county = self._county(request)
        items = NegativeListItem.objects.for_user(request.user).filter(county=county)
        return render(
            request,
            "candidates/negative_list.html",
            {
                "items": items,
                "county": county,
                "form": form or NegativeItemForm(),
                "can_edit": request.user.role in COUNTY_ROLES or request.user.is_superuser,
                "departments": ReviewDepartment.objects.filter(county=county),
            },
            status=status,
        )

    def post(self, request):
        county = self._county(request)
        if request.POST.get("department"):
            try:
                services.review_department_set(
                    county=county,
                    department=request.POST["department"],
                    takes_part=bool(request.POST.get("takes_part")),
                    required=bool(request.POST.get("required")),
                    actor=request.user,
                )
            except ValidationError as exc:
                _conflict_or_errors(request, exc)
            else:
                messages.success(request, _("联审部门设置已保存"))
            return redirect("candidates:negative-list")
        item = None
        if is_digits(request.POST.get("item", "")):
            item = get_object_or_404(
                NegativeListItem.objects.for_user(request.user), pk=request.POST["item"]
            )
        form = NegativeItemForm(request.POST)
        if form.is_valid():
            with service_refusals(form):
                services.negative_item_save(
                    county=county, item=item, actor=request.user, **form.cleaned_data
                )
            if not form.errors:
                messages.success(request, _("负面清单已保存"))
                return redirect("candidates:negative-list")
        return self.get(request, form=form, status=400)
