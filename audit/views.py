"""History pages: the audited models, one model's history (per object / per user), export.

Read-only: there is no form that writes, and every non-GET request is refused (405).
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.access import COUNTY_ROLES
from core.api import KeysFirstPaginator
from core.exports import export_filename, xlsx_response
from core.permissions import RoleRequiredMixin

from .forms import HistoryFilterForm, IdNumberViewFilterForm
from .selectors import (
    EXPORT_HEADERS,
    ID_NUMBER_VIEW_HEADERS,
    ID_NUMBER_VIEW_PLACES,
    audited_model,
    audited_models,
    entries,
    export_rows,
    history_for,
    id_number_view_rows,
    id_number_views_for,
)

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000
EXPORT_CHUNK = 2000


class AuditAccessMixin(RoleRequiredMixin):
    read_roles = COUNTY_ROLES
    write_roles = frozenset()
    http_method_names = ["get", "head", "options"]


class AuditIndexView(AuditAccessMixin, TemplateView):
    template_name = "audit/index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(models=audited_models(), **kwargs)


class AuditHistoryView(AuditAccessMixin, TemplateView):
    template_name = "audit/history.html"

    def get_audited(self):
        audited = audited_model(self.kwargs["model"])
        if audited is None:
            raise Http404(_("没有这种审计对象"))
        return audited

    def get_rows(self):
        self.audited = self.get_audited()
        self.form = HistoryFilterForm(self.request.GET or None)
        return history_for(self.request.user, self.audited, **self.form.filters())

    def get_context_data(self, **kwargs):
        rows = self.get_rows()
        page = KeysFirstPaginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            audited=self.audited,
            form=self.form,
            page=page,
            entries=entries(page.object_list, self.audited),
            **kwargs,
        )


class AuditExportView(AuditHistoryView):
    def get(self, request, *args, **kwargs):
        rows = self.get_rows()[:EXPORT_LIMIT]
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(
            export_filename(self.audited.verbose_name, _("变更记录"), stamp, ext="xlsx"),
            EXPORT_HEADERS,
            export_rows(self.entries_in_chunks(rows), self.audited),
            title=_("变更记录"),
        )

    def entries_in_chunks(self, rows):
        """The entries a few thousand records at a time: memory stays bounded and the
        previous versions are fetched once per chunk, not once per row."""
        chunk = []
        for record in rows.iterator(chunk_size=EXPORT_CHUNK):
            chunk.append(record)
            if len(chunk) == EXPORT_CHUNK:
                yield from entries(chunk, self.audited)
                chunk = []
        yield from entries(chunk, self.audited)


class IdNumberViewsView(AuditAccessMixin, TemplateView):
    """Every showing of a whole ID number to a department reviewer (audit.IdNumberView):
    who, when, whose, where, from which address — never the number."""

    template_name = "audit/id_numbers.html"

    def get_rows(self):
        self.form = IdNumberViewFilterForm(self.request.GET or None)
        return id_number_views_for(self.request.user, **self.form.filters())

    def get_context_data(self, **kwargs):
        page = Paginator(self.get_rows(), PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            form=self.form, page=page, places=ID_NUMBER_VIEW_PLACES, **kwargs
        )


class IdNumberViewsExportView(IdNumberViewsView):
    def get(self, request, *args, **kwargs):
        rows = self.get_rows()[:EXPORT_LIMIT]
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(
            export_filename(_("身份证号查看记录"), stamp, ext="xlsx"),
            ID_NUMBER_VIEW_HEADERS,
            id_number_view_rows(rows.iterator(chunk_size=EXPORT_CHUNK)),
            title=_("身份证号查看记录"),
        )
