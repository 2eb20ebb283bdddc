"""Pages for villages (list, detail, form, upload) and terms."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core import uploads
from core.exports import export_filename, template_response
from core.forms import service_refusals
from core.permissions import RoleRequiredMixin
from core.roles import COUNTY_ROLES
from core.spreadsheets import SpreadsheetError, read_upload

from . import importers, services
from .filters import VillageFilter
from .forms import TermOpenForm, UploadForm, VillageForm
from .models import Term, Village


class VillageListView(RoleRequiredMixin, View):
    def get(self, request):
        queryset = Village.objects.for_user(request.user).select_related("township", "merged_into")
        village_filter = VillageFilter(request.GET, queryset=queryset, request=request)
        page = Paginator(village_filter.qs, 50).get_page(request.GET.get("page"))
        return render(
            request,
            "registry/village_list.html",
            {"filter": village_filter, "page": page, "total": page.paginator.count},
        )


class VillageDetailView(RoleRequiredMixin, View):
    def get(self, request, pk):
        village = get_object_or_404(
            Village.objects.for_user(request.user).select_related(
                "township__county", "merged_into"
            ),
            pk=pk,
        )
        return render(
            request,
            "registry/village_detail.html",
            {"village": village, "merged_from": village.merged_from.all()},
        )


class VillageFormView(RoleRequiredMixin, View):
    read_roles = write_roles = RoleRequiredMixin.write_roles

    def get_village(self, request, pk):
        if pk is None:
            return None
        return get_object_or_404(Village.objects.for_user(request.user), pk=pk)

    def get(self, request, pk=None):
        village = self.get_village(request, pk)
        form = VillageForm(instance=village, user=request.user)
        return render(request, "registry/village_form.html", {"form": form, "village": village})

    def post(self, request, pk=None):
        village = self.get_village(request, pk)
        form = VillageForm(request.POST, instance=village, user=request.user)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "code" or village is None}
            with service_refusals(form):
                if village is None:
                    village = services.village_create(actor=request.user, **data)
                else:
                    village = services.village_update(village=village, actor=request.user, **data)
            if not form.errors:
                messages.success(request, _("已保存 %(name)s") % {"name": village.name})
                return redirect(village)
        return render(
            request, "registry/village_form.html", {"form": form, "village": village}, status=400
        )


class VillageImportView(RoleRequiredMixin, View):
    read_roles = write_roles = RoleRequiredMixin.write_roles

    def get(self, request):
        return render(request, "registry/village_import.html", {"form": UploadForm()})

    def post(self, request):
        given = uploads.form_input(request, "villages")
        form = UploadForm(given.data, given.files)
        context = {"form": form}
        if given.expired:
            messages.error(request, uploads.EXPIRED)
        elif form.is_valid():
            try:
                sheet = read_upload(form.cleaned_data["file"], importers.COLUMNS)
            except SpreadsheetError as exc:
                form.add_error("file", str(exc))
            else:
                result = importers.import_villages(
                    sheet, actor=request.user, dry_run=form.cleaned_data["dry_run"]
                )
                context["result"] = result
                if result.ok:
                    verb = _("检查通过") if form.cleaned_data["dry_run"] else _("导入成功")
                    messages.success(
                        request,
                        _("%(verb)s：新增 %(created)s 个，更新 %(updated)s 个")
                        % {"verb": verb, "created": result.created, "updated": result.updated},
                    )
                    if not form.cleaned_data["dry_run"]:
                        uploads.forget(request, "villages", given.token)
                        return redirect("registry:village-list")
                    context.update(uploads.offer(request, "villages", form.cleaned_data["file"]))
        status = (
            200 if form.is_valid() and context.get("result", None) and context["result"].ok else 400
        )
        return render(request, "registry/village_import.html", context, status=status)


class VillageTemplateView(RoleRequiredMixin, View):
    def get(self, request):
        return template_response(
            export_filename(_("村(社区)导入模板"), ext="xlsx"), importers.COLUMNS, "村(社区)"
        )


class TermListView(RoleRequiredMixin, View):
    def get(self, request):
        return render(request, "registry/term_list.html", {"terms": Term.objects.all()})


class TermOpenView(RoleRequiredMixin, View):
    """Opening a new round (a term) from the browser: county organizers and administrators."""

    read_roles = write_roles = COUNTY_ROLES

    def get(self, request):
        return render(request, "registry/term_form.html", {"form": TermOpenForm()})

    def post(self, request):
        form = TermOpenForm(request.POST)
        if form.is_valid():
            with service_refusals(form):
                term, _created = services.term_upsert(
                    actor=request.user, create_only=True, **form.cleaned_data
                )
            if not form.errors:
                messages.success(request, _("已开启 %(term)s") % {"term": term})
                return redirect("registry:term-list")
        return render(request, "registry/term_form.html", {"form": form}, status=400)
