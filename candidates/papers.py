"""Papers for the review meetings (issue 13, point 9): the candidate qualification review
form (人选资格审查表) of one candidacy, and the candidate list of a village or township for
the three-level review meetings (会审), as A4 print pages and as XLSX (core.exports)."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View

from core.exports import export_filename, scope_name, xlsx_response
from core.permissions import RoleRequiredMixin
from core.roles import STAFF_ROLES
from core.text import is_digits
from registry.models import Term, Township, Village

from .choices import Stage
from .models import Candidacy, Decision, SignOff

OUT_OF_THE_RUNNING = (Stage.REJECTED, Stage.WITHDRAWN, Stage.REPLACED)
LIST_HEADERS = [
    _lazy("序号"),
    _lazy("乡镇"),
    _lazy("村(社区)"),
    _lazy("拟任职务"),
    _lazy("姓名"),
    _lazy("性别"),
    _lazy("年龄"),
    _lazy("政治面貌"),
    _lazy("全日制学历"),
    _lazy("在职学历"),
    _lazy("来源"),
    _lazy("审查阶段"),
    _lazy("联审意见"),
]


class QualificationFormView(RoleRequiredMixin, View):
    """人选资格审查表: one candidacy on one A4 sheet, for the meeting's file."""

    read_roles = STAFF_ROLES

    def get(self, request, pk):
        candidacy = get_object_or_404(
            Candidacy.objects.for_user(request.user).select_related(
                "person__village", "village__township__county", "term", "proposed_by"
            ),
            pk=pk,
        )
        decisions = (
            Decision.objects.filter(candidacy=candidacy)
            .select_related("decided_by")
            .prefetch_related("negative_items")
            .order_by("decided_at", "pk")
        )
        sign_offs = (
            SignOff.objects.filter(candidacy=candidacy)
            .select_related("clearance")
            .prefetch_related("negative_items")
            .order_by("department")
        )
        return render(
            request,
            "candidates/papers/qualification_form.html",
            {
                "candidacy": candidacy,
                "person": candidacy.person,
                "age": candidacy.person.age_on(candidacy.term.reference_date),
                "id_display": candidacy.person.id_number_for(request.user),
                "decisions": decisions,
                "sign_offs": sign_offs,
            },
        )


PRINT_LIMIT = 500  # names on the candidate list's page; the workbook holds them all


class CandidateListView(RoleRequiredMixin, View):
    """The candidates of a township (or one village) in a term, for the review meetings:
    a print page, or `?format=xlsx`. Names no longer in the running are left out."""

    read_roles = STAFF_ROLES

    def get(self, request):
        terms = list(Term.objects.latest_first())
        year = request.GET.get("term", "")
        term = next((t for t in terms if is_digits(year) and t.year == int(year)), None)
        term = term or (terms[0] if terms else None)
        townships = Township.objects.for_user(request.user).order_by("code")
        township = village = None
        if is_digits(request.GET.get("township", "")):
            township = get_object_or_404(townships, pk=request.GET["township"])
        if is_digits(request.GET.get("village", "")):
            village = get_object_or_404(
                Village.objects.for_user(request.user).select_related("township"),
                pk=request.GET["village"],
            )
            township = village.township
        rows = (
            Candidacy.objects.for_user(request.user)
            .filter(term=term)
            .exclude(stage__in=OUT_OF_THE_RUNNING)
            .select_related("person", "village__township")
            .with_flags()
            .order_by("village__township__code", "village__code", "body", "post", "pk")
        )
        if village is not None:
            rows = rows.filter(village=village)
        elif township is not None:
            rows = rows.filter(village__township=township)
        place = (village or township).name if (village or township) else scope_name(request.user)
        title = _("“两委”人选名单")
        if request.GET.get("format") == "xlsx":
            return xlsx_response(
                export_filename(place, term.year if term else "", title, ext="xlsx"),
                [str(h) for h in LIST_HEADERS],
                _list_rows(rows, term),
                title=title,
            )
        # A print page: a province (the administrator's scope, 40,000 names) is not one.
        shown = list(rows[: PRINT_LIMIT + 1])
        total = len(shown) if len(shown) <= PRINT_LIMIT else rows.count()
        shown = shown[:PRINT_LIMIT]
        for candidacy in shown:
            candidacy.age = candidacy.person.age_on(term.reference_date)
        return render(
            request,
            "candidates/papers/candidate_list.html",
            {
                "rows": shown,
                "total": total,
                "limit": PRINT_LIMIT if total > PRINT_LIMIT else None,
                "term": term,
                "terms": terms,
                "townships": townships,
                "township": township,
                "village": village,
                "place": place,
                "title": title,
                "query": request.GET.urlencode(),
            },
        )


def _list_rows(rows, term):
    for number, c in enumerate(rows, start=1):
        yield [
            number,
            c.village.township.name,
            c.village.name,
            c.post_label,
            c.person.name,
            c.person.get_gender_display(),
            c.person.age_on(term.reference_date),
            c.person.get_political_status_display(),
            c.person.get_education_fulltime_display(),
            c.person.get_education_inservice_display(),
            c.get_source_display(),
            c.get_stage_display(),
            review_note(c),
        ]


def review_note(candidacy) -> str:
    """The joint review in a word: not reached yet, under way, flags open, or passed."""
    if candidacy.stage in (Stage.NOMINATED, Stage.PRELIMINARY_REVIEW):
        return _("未到联审")
    if candidacy.open_flags:
        return _("有未处理的负面清单情形")
    if candidacy.stage == Stage.JOINT_REVIEW:
        return _("联审中")
    return _("联审通过")
