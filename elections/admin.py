"""Read-mostly admin: every change to elections and seats goes through the services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Election, ElectionCandidate, ElectionTransition, ImportJob, Seat


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CandidateInline(admin.TabularInline):
    model = ElectionCandidate
    fields = ["person", "votes", "post"]
    readonly_fields = fields
    raw_id_fields = ["person"]
    extra = 0
    can_delete = False


class TransitionInline(admin.TabularInline):
    model = ElectionTransition
    fields = ["at", "from_state", "to_state", "actor", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Election)
class ElectionAdmin(ReadOnlyAdmin):
    list_display = ["village", "term", "body", "round", "held_on", "state"]
    list_filter = ["term", "body", "round", "state", "village__township"]
    search_fields = ["village__name", "village__code"]
    list_select_related = ["village", "term"]
    inlines = [CandidateInline, TransitionInline]


@admin.register(Seat)
class SeatAdmin(ReadOnlyAdmin):
    list_display = ["village", "term", "body", "post", "person", "source", "ended_on"]
    list_filter = ["term", "body", "post", "source", "village__township"]
    search_fields = ["village__name", "person__name"]
    list_select_related = ["village", "term", "person"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "created_by", "filename", "status", "attempts", "total_rows"]
    list_filter = ["status"]
    exclude = ["content"]
    actions = ["cancel_jobs"]

    @admin.action(description=gettext_lazy("取消所选的导入任务"))
    def cancel_jobs(self, request, queryset):
        cancelled = 0
        for job in queryset:
            try:
                services.roster_job_cancel(job=job, actor=request.user)
            except (ValidationError, PermissionDenied):
                continue
            cancelled += 1
        self.message_user(
            request, _("已取消 %(count)s 个导入任务") % {"count": cancelled}, messages.SUCCESS
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
