from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CheckIn, Enrolment, MentorPoolEntry, Mentorship, TrainingSession


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    raw_id_fields = ["person", "invited_by", "recorded_by"]
    readonly_fields = ["invited_at", "checked_in_at"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "county", "township", "starts_on", "status"]
    list_filter = ["kind", "status", "county"]
    search_fields = ["title", "location"]
    inlines = [EnrolmentInline]
    raw_id_fields = ["audience_villages", "created_by"]


@admin.register(MentorPoolEntry)
class MentorPoolEntryAdmin(SimpleHistoryAdmin):
    list_display = ["person", "level", "township", "is_active"]
    list_filter = ["level", "is_active"]
    raw_id_fields = ["person"]


class CheckInInline(admin.TabularInline):
    model = CheckIn
    extra = 0
    raw_id_fields = ["recorded_by"]


@admin.register(Mentorship)
class MentorshipAdmin(SimpleHistoryAdmin):
    list_display = ["pk", "county", "township", "started_on", "status", "outcome"]
    list_filter = ["status", "outcome"]
    raw_id_fields = ["mentors", "mentees"]
    inlines = [CheckInInline]
