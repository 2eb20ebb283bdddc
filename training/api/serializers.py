"""Training API serializers. People appear by id, name and village only: never ID numbers."""

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import DateField, DateTimeField
from core.filters import MAX_ID
from core.limits import LONG_TEXT_LIMIT, TEXT_LIMIT
from core.serializers import ModelSerializer
from core.text import join_sentences
from elections.choices import Body, Post
from registry.models import Term, Township, Village

from ..choices import (
    EnrolmentStatus,
    MentorLevel,
    MentorshipOutcome,
    MentorshipStatus,
    Method,
    SessionKind,
    SessionStatus,
    Topic,
)
from ..models import CheckIn, Enrolment, MentorPoolEntry, Mentorship, TrainingSession


def id_field(**kwargs):
    """A row id in a request body: 1..MAX_ID, so an out-of-range id is a 400, not a 500."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


FIXED_TOPICS = [c for c in Topic.choices if c[0] != Topic.OTHER]
TWO_BODIES = Body.choices[:2]


def enum_field(choices, **kwargs):
    """A ChoiceField documented inline (values and labels) rather than as a shared enum
    component, so that training's "status", "kind"... never collide with other apps' enums."""
    # lazy, so that the labels are in the language of the request that reads the schema
    description = lazy(
        lambda: join_sentences(f"{value} = {label}" for value, label in choices), str
    )()
    # Wrapped in allOf so that the schema's enum post-processing leaves it inline.
    schema = {
        "allOf": [{"type": "string", "enum": [value for value, _label in choices]}],
        "description": description,
    }
    if kwargs.get("allow_null"):
        schema["nullable"] = True
    field_class = extend_schema_field(schema)(
        type("InlineChoiceField", (serializers.ChoiceField,), {})
    )
    return field_class(choices=choices, **kwargs)


class TrainingPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    village = serializers.IntegerField(source="village_id", allow_null=True)
    village_name = serializers.CharField(source="village.name", default=None, allow_null=True)


class TrainingSessionSerializer(ModelSerializer):
    kind = enum_field(SessionKind.choices)
    status = enum_field(SessionStatus.choices)
    topics = serializers.ListField(child=enum_field(Topic.choices), source="topic_values")
    methods = serializers.ListField(child=enum_field(Method.choices))
    audience_bodies = serializers.ListField(child=enum_field(TWO_BODIES))
    audience_posts = serializers.ListField(child=enum_field(Post.choices))
    organizer = serializers.CharField(source="organizer_name", read_only=True)
    # the year, as `term` is on every resource (audience_term_year kept for earlier clients)
    audience_term = serializers.IntegerField(
        source="audience_term.year", default=None, allow_null=True, read_only=True
    )
    audience_term_year = serializers.IntegerField(
        source="audience_term.year", default=None, allow_null=True
    )
    invited_count = serializers.IntegerField(read_only=True, default=None)
    attended_count = serializers.IntegerField(read_only=True, default=None)
    absent_count = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "title",
            "kind",
            "county",
            "township",
            "organizer",
            "starts_on",
            "ends_on",
            "location",
            "topics",
            "topic_note",
            "methods",
            "trainers",
            "capacity",
            "credit_hours",
            "status",
            "audience_term",
            "audience_term_year",
            "audience_bodies",
            "audience_posts",
            "audience_township",
            "audience_villages",
            "invited_count",
            "attended_count",
            "absent_count",
            "updated_at",
        ]


class TrainingSessionWriteSerializer(ModelSerializer):
    township = serializers.PrimaryKeyRelatedField(
        queryset=Township.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("主办乡镇；空为县级主办（仅县委组织部）"),
    )
    kind = enum_field(SessionKind.choices)
    topics = serializers.ListField(child=enum_field(FIXED_TOPICS), required=False)
    methods = serializers.ListField(child=enum_field(Method.choices), required=False)
    audience_term = serializers.SlugRelatedField(
        slug_field="year",
        queryset=Term.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("培训对象的届次（年份，如 2021）"),
    )
    audience_bodies = serializers.ListField(child=enum_field(TWO_BODIES), required=False)
    audience_posts = serializers.ListField(child=enum_field(Post.choices), required=False)
    audience_township = serializers.PrimaryKeyRelatedField(
        queryset=Township.objects.all(), allow_null=True, required=False
    )
    audience_villages = serializers.PrimaryKeyRelatedField(
        queryset=Village.objects.all(), many=True, required=False
    )

    class Meta:
        model = TrainingSession
        fields = [
            "title",
            "kind",
            "township",
            "starts_on",
            "ends_on",
            "location",
            "topics",
            "topic_note",
            "methods",
            "trainers",
            "capacity",
            "credit_hours",
            "audience_term",
            "audience_bodies",
            "audience_posts",
            "audience_township",
            "audience_villages",
        ]


class StatusSerializer(serializers.Serializer):
    status = enum_field(SessionStatus.choices)


class InviteResultSerializer(serializers.Serializer):
    audience = serializers.IntegerField(help_text=_("受众人数"))
    invited = serializers.IntegerField(help_text=_("本次新邀请人数"))
    already = serializers.IntegerField(help_text=_("已在名单中的人数"))


class EnrolmentSerializer(ModelSerializer):
    person = TrainingPersonSerializer(read_only=True)
    status = enum_field(EnrolmentStatus.choices, read_only=True)
    session_title = serializers.CharField(source="session.title", read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "session",
            "session_title",
            "person",
            "status",
            "invited_at",
            "checked_in_at",
            "absence_reason",
            "hours_credited",
            "updated_at",
        ]


class EnrolmentCreateSerializer(serializers.Serializer):
    session = id_field(help_text=_("培训班 ID"))
    persons = serializers.ListField(
        child=id_field(), min_length=1, help_text=_("要单独邀请的人员 ID")
    )


class CheckInSerializer(serializers.Serializer):
    checked_in_at = DateTimeField(required=False, help_text=_("不填为当前时间"))
    hours = serializers.DecimalField(
        max_digits=5, decimal_places=1, required=False, help_text=_("不填按培训班学时")
    )


class AbsenceSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text=_("缺席原因（必填）"))


class TopicHoursSerializer(serializers.Serializer):
    topic = enum_field(Topic.choices)
    label = serializers.CharField()
    hours = serializers.DecimalField(max_digits=9, decimal_places=1)
    sessions = serializers.IntegerField()


class TrainingRecordSerializer(serializers.Serializer):
    person = TrainingPersonSerializer()
    sessions_attended = serializers.IntegerField()
    total_hours = serializers.DecimalField(max_digits=9, decimal_places=1)
    by_topic = TopicHoursSerializer(many=True)
    enrolments = EnrolmentSerializer(many=True)


class TrainingRecordSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    village = serializers.IntegerField(source="village_id", allow_null=True)
    sessions_attended = serializers.IntegerField()
    total_hours = serializers.DecimalField(max_digits=9, decimal_places=1)


class MentorSerializer(ModelSerializer):
    person = TrainingPersonSerializer(read_only=True)
    person_id = id_field(write_only=True, help_text=_("人员 ID"))
    level = enum_field(MentorLevel.choices)

    class Meta:
        model = MentorPoolEntry
        fields = ["id", "person", "person_id", "level", "township", "strengths", "is_active"]
        read_only_fields = ["township", "is_active"]


class CheckInRecordSerializer(ModelSerializer):
    date = DateField()

    class Meta:
        model = CheckIn
        fields = ["id", "date", "note"]


class MentorshipSerializer(ModelSerializer):
    mentors = MentorSerializer(many=True, read_only=True)
    mentees = TrainingPersonSerializer(many=True, read_only=True)
    checkins = CheckInRecordSerializer(many=True, read_only=True)
    last_checkin_on = serializers.DateField(read_only=True, allow_null=True)
    is_stale = serializers.BooleanField(read_only=True, help_text=_("帮带中且超过 60 天没有记录"))
    status = enum_field(MentorshipStatus.choices, read_only=True)
    outcome = enum_field(MentorshipOutcome.choices + [("", "—")], read_only=True)

    class Meta:
        model = Mentorship
        fields = [
            "id",
            "county",
            "township",
            "mentors",
            "mentees",
            "started_on",
            "goals",
            "status",
            "ended_on",
            "outcome",
            "outcome_note",
            "last_checkin_on",
            "is_stale",
            "checkins",
        ]


class MentorshipCreateSerializer(serializers.Serializer):
    mentors = serializers.ListField(child=id_field(), min_length=1, help_text=_("导师库成员 ID"))
    mentees = serializers.ListField(
        child=id_field(), min_length=1, help_text=_("帮带对象的人员 ID")
    )
    started_on = DateField()
    goals = serializers.CharField(max_length=LONG_TEXT_LIMIT)


class MentorshipEndSerializer(serializers.Serializer):
    ended_on = DateField()
    outcome = enum_field(MentorshipOutcome.choices)
    outcome_note = serializers.CharField(
        max_length=TEXT_LIMIT, required=False, allow_blank=True, default=""
    )


class CoverageRowSerializer(serializers.Serializer):
    township = serializers.IntegerField(source="township_id", allow_null=True)
    name = serializers.CharField()
    members = serializers.IntegerField(help_text=_("本届村“两委”成员人数（去重）"))
    newcomers = serializers.IntegerField(help_text=_("其中上届未任“两委”职务的人数"))
    completed = serializers.IntegerField(help_text=_("期限内完成履职培训的人数"))
    outstanding = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class OutstandingSerializer(serializers.Serializer):
    person = TrainingPersonSerializer()
    township = serializers.CharField(source="village.township.name")
    village = serializers.CharField(source="village.name")
    body = enum_field(TWO_BODIES)
    post = enum_field(Post.choices)
    is_newcomer = serializers.SerializerMethodField()
    last_induction_at = serializers.DateTimeField(allow_null=True)

    def get_is_newcomer(self, seat) -> bool:
        return not seat.held_before


class CoverageSerializer(serializers.Serializer):
    term = serializers.IntegerField(source="term.year")
    days = serializers.IntegerField()
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    total = CoverageRowSerializer()
    townships = CoverageRowSerializer(source="rows", many=True)
    outstanding = OutstandingSerializer(
        many=True, help_text=_("未完成者，按乡镇、村排列，每页 100 人（?page=）")
    )
    outstanding_count = serializers.IntegerField(help_text=_("未完成者合计"))
    outstanding_page = serializers.IntegerField(help_text=_("本页页码"))
