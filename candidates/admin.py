"""Read-only admin (reverting history is off project-wide): candidacies, decisions, sign-offs and their history are changed only
through the services (the portal's pages and API), never edited here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Candidacy,
    Decision,
    FlagClearance,
    NegativeListItem,
    ReviewDepartment,
    SignOff,
)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Candidacy)
class CandidacyAdmin(ReadOnlyAdmin):
    list_display = ["person", "village", "term", "body", "post", "source", "stage"]
    list_filter = ["stage", "source", "body", "post", "term"]
    search_fields = ["person__name", "village__name"]
    list_select_related = ["person", "village", "term"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["candidacy", "stage", "outcome", "to_stage", "decided_by", "decided_at"]
    list_filter = ["stage", "outcome"]
    list_select_related = ["candidacy__person", "candidacy__village", "decided_by"]


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    list_display = ["candidacy", "department", "outcome", "signed_by", "signed_at"]
    list_filter = ["department", "outcome"]


@admin.register(FlagClearance)
class FlagClearanceAdmin(ReadOnlyAdmin):
    list_display = ["sign_off", "cleared_by", "cleared_at"]


@admin.register(NegativeListItem)
class NegativeListItemAdmin(ReadOnlyAdmin):
    list_display = ["county", "number", "text", "active"]
    list_filter = ["county", "active"]


@admin.register(ReviewDepartment)
class ReviewDepartmentAdmin(ReadOnlyAdmin):
    list_display = ["county", "department", "takes_part", "required"]
    list_filter = ["county"]
