"""Serializers of candidate vetting. Department reviewers get `ReviewerCandidacySerializer`:
only what a background check needs (no phone, the ID number's last four and an age, no
assessment)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.limits import TEXT_LIMIT
from core.serializers import ModelSerializer
from elections.choices import Body, Post
from people.api.serializers import AgeField, BirthDateField, IdNumberField
from people.choices import Education, Gender, PoliticalStatus

from ..choices import (
    DECISION_OUTCOMES,
    AuditRecommendation,
    Rating,
    SignOffOutcome,
    Source,
)
from ..models import Candidacy, Decision, NegativeListItem, ReviewDepartment, SignOff


@extend_schema_field(
    {
        "type": "string",
        "example": "good",
        "description": _("excellent 优秀、good 良好、fair 一般、poor 较差；空为未评"),
    }
)
class RatingField(serializers.CharField):
    """One of the four ratings, or blank. (A CharField so the schema shows one enum.)"""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value and value not in Rating.values:
            raise serializers.ValidationError(
                _("应为 %(values)s 之一或留空") % {"values": ", ".join(Rating.values)}
            )
        return value


@extend_schema_field(
    {
        "type": "string",
        "example": "joint_review",
        "description": _("决定后进入的阶段（同 stage 的取值）"),
    }
)
class ToStageField(serializers.CharField):
    pass


QUALITY_STEMS = ("political", "development", "coordination", "service", "conduct")


class NegativeListItemSerializer(ModelSerializer):
    class Meta:
        model = NegativeListItem
        fields = ["id", "county", "number", "text", "active", "updated_at"]
        read_only_fields = ["county", "updated_at"]
        extra_kwargs = {"number": {"required": False}}


class CandidacySerializer(ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    id_number = IdNumberField(source="person")
    gender = serializers.CharField(source="person.gender", read_only=True)
    birth_date = BirthDateField(source="person")
    age = AgeField(source="person")
    village_name = serializers.CharField(source="village.name", read_only=True)
    township = serializers.IntegerField(source="village.township_id", read_only=True)
    township_name = serializers.CharField(source="village.township.name", read_only=True)
    # `term` is the year on every resource (as it is in a nomination); term_year kept for
    # clients written before
    term = serializers.IntegerField(source="term.year", read_only=True)
    term_year = serializers.IntegerField(source="term.year", read_only=True)
    rating_political = RatingField(read_only=True)
    rating_development = RatingField(read_only=True)
    rating_coordination = RatingField(read_only=True)
    rating_service = RatingField(read_only=True)
    rating_conduct = RatingField(read_only=True)
    replaced_by = serializers.SerializerMethodField()
    open_flag = serializers.BooleanField(source="has_open_flag", read_only=True, default=False)

    class Meta:
        model = Candidacy
        fields = [
            "id",
            "person",
            "person_name",
            "id_number",
            "gender",
            "birth_date",
            "age",
            "village",
            "village_name",
            "township",
            "township_name",
            "term",
            "term_year",
            "body",
            "post",
            "source",
            "proposed_by",
            "proposed_at",
            "rating_political",
            "note_political",
            "rating_development",
            "note_development",
            "rating_coordination",
            "note_coordination",
            "rating_service",
            "note_service",
            "rating_conduct",
            "note_conduct",
            "audit_recommendation",
            "stage",
            "stage_changed_at",
            "replaces",
            "replaced_by",
            "open_flag",
            "version",
            "updated_at",
        ]
        read_only_fields = fields

    def get_replaced_by(self, candidacy) -> int | None:
        replaced_by = getattr(candidacy, "replaced_by", None)
        return replaced_by.pk if replaced_by else None


class ReviewerCandidacySerializer(ModelSerializer):
    """What a joint-review department needs to run its check, and nothing more."""

    person_name = serializers.CharField(source="person.name", read_only=True)
    id_number = IdNumberField(source="person")
    gender = serializers.CharField(source="person.gender", read_only=True)
    age = AgeField(source="person")
    village_name = serializers.CharField(source="village.name", read_only=True)
    township_name = serializers.CharField(source="village.township.name", read_only=True)

    class Meta:
        model = Candidacy
        fields = [
            "id",
            "person_name",
            "id_number",
            "gender",
            "age",
            "village_name",
            "township_name",
            "body",
            "post",
            "source",
            "stage",
            "version",
        ]
        read_only_fields = fields


class AssessmentSerializer(serializers.Serializer):
    rating_political = RatingField(required=False)
    note_political = serializers.CharField(max_length=TEXT_LIMIT, required=False, allow_blank=True)
    rating_development = RatingField(required=False)
    note_development = serializers.CharField(
        max_length=TEXT_LIMIT, required=False, allow_blank=True
    )
    rating_coordination = RatingField(required=False)
    note_coordination = serializers.CharField(
        max_length=TEXT_LIMIT, required=False, allow_blank=True
    )
    rating_service = RatingField(required=False)
    note_service = serializers.CharField(max_length=TEXT_LIMIT, required=False, allow_blank=True)
    rating_conduct = RatingField(required=False)
    note_conduct = serializers.CharField(max_length=TEXT_LIMIT, required=False, allow_blank=True)
    audit_recommendation = serializers.ChoiceField(
        choices=AuditRecommendation.choices,
        required=False,
        allow_blank=True,
        help_text=_("留任人选的离任审计建议：stay 或 go"),
    )

    def assessment(self) -> dict:
        return {
            key: value
            for key, value in self.validated_data.items()
            if key.startswith(("rating_", "note_"))
        }


class CandidacyCreateSerializer(AssessmentSerializer):
    """A nomination: the person by ID number (found or registered), the post and source."""

    id_number = serializers.CharField(max_length=30, help_text=_("18 位公民身份号码"))
    name = serializers.CharField(max_length=50)
    birth_date = serializers.DateField(required=False, allow_null=True)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_null=True)
    education_fulltime = serializers.ChoiceField(
        choices=Education.choices, required=False, allow_blank=True
    )
    education_inservice = serializers.ChoiceField(
        choices=Education.choices, required=False, allow_blank=True
    )
    political_status = serializers.ChoiceField(
        choices=PoliticalStatus.choices, required=False, allow_blank=True
    )
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    village = serializers.IntegerField(help_text=_("村(社区)的 ID"))
    term = serializers.IntegerField(help_text=_("届次年份，如 2021"))
    body = serializers.ChoiceField(
        choices=[(b.value, b.label) for b in (Body.PARTY_COMMITTEE, Body.VILLAGERS_COMMITTEE)]
    )
    post = serializers.ChoiceField(choices=Post.choices)
    source = serializers.ChoiceField(choices=Source.choices)


class CandidacyUpdateSerializer(AssessmentSerializer):
    source = serializers.ChoiceField(choices=Source.choices, required=False)
    version = serializers.IntegerField(
        required=False,
        help_text=_("读取到的 version；被他人改过则返回 409（或用 If-Match 得 412）"),
    )


class DecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[(o.value, o.label) for o in DECISION_OUTCOMES])
    negative_items = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=NegativeListItem.objects.all(),
        help_text=_("不通过时援引的负面清单条目 ID"),
    )
    reason = serializers.CharField(
        max_length=TEXT_LIMIT, required=False, allow_blank=True, default=""
    )
    meeting_date = serializers.DateField(required=False, allow_null=True)
    minute_number = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("读取到的 version；与当前不符返回 409。也可用 If-Match 头（不符返回 412）"),
    )


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_LIMIT)
    version = serializers.IntegerField(required=False, allow_null=True)


class ReplaceSerializer(CandidacyCreateSerializer):
    reason = serializers.CharField(max_length=TEXT_LIMIT, help_text=_("替换理由"))
    version = serializers.IntegerField(required=False, allow_null=True)

    def get_fields(self):
        fields = super().get_fields()
        for name in ("village", "term", "body", "post"):
            fields.pop(name)
        return fields


class DecisionSerializer(ModelSerializer):
    negative_items = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    decided_by_name = serializers.CharField(source="decided_by", read_only=True, default=None)
    to_stage = ToStageField(read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "candidacy",
            "stage",
            "outcome",
            "to_stage",
            "negative_items",
            "reason",
            "meeting_date",
            "minute_number",
            "decided_by",
            "decided_by_name",
            "decided_at",
        ]
        read_only_fields = fields


class ClearanceSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_LIMIT)
    cleared_by = serializers.IntegerField(source="cleared_by_id", read_only=True)
    cleared_at = serializers.DateTimeField(read_only=True)


class SignOffSerializer(ModelSerializer):
    negative_items = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=NegativeListItem.objects.all()
    )
    outcome = serializers.ChoiceField(choices=SignOffOutcome.choices)
    clearance = ClearanceSerializer(read_only=True, allow_null=True)

    class Meta:
        model = SignOff
        fields = [
            "id",
            "candidacy",
            "department",
            "outcome",
            "negative_items",
            "note",
            "signed_by",
            "signed_at",
            "clearance",
        ]
        read_only_fields = ["department", "signed_by", "signed_at", "clearance"]


class FunnelStageSerializer(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()
    at = serializers.IntegerField(help_text=_("当前在此阶段的人数"))
    passed = serializers.IntegerField(allow_null=True, help_text=_("在此阶段获通过的人数"))
    rejected = serializers.IntegerField(allow_null=True, help_text=_("在此阶段未通过的人数"))
    returned = serializers.IntegerField(allow_null=True, help_text=_("在此阶段退回的次数"))


class FunnelItemSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    text = serializers.CharField()
    count = serializers.IntegerField()


class FunnelSourceSerializer(serializers.Serializer):
    source = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class FunnelTownshipSerializer(serializers.Serializer):
    township = serializers.IntegerField()
    name = serializers.CharField()
    total = serializers.IntegerField()
    stages = serializers.DictField(child=serializers.IntegerField())


class FunnelSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    stages = FunnelStageSerializer(many=True)
    ended = serializers.DictField(child=serializers.IntegerField())
    rejected = serializers.IntegerField()
    returned = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    replaced = serializers.IntegerField()
    rejected_by_item = FunnelItemSerializer(many=True)
    rejected_reason_only = serializers.IntegerField()
    approved_sources = FunnelSourceSerializer(many=True)
    townships = FunnelTownshipSerializer(many=True)


class ReviewDepartmentSerializer(ModelSerializer):
    """A department of the county's joint review: whether it takes part and must pass."""

    county_code = serializers.CharField(source="county.code", read_only=True)
    label = serializers.CharField(source="get_department_display", read_only=True)

    class Meta:
        model = ReviewDepartment
        fields = ["id", "county", "county_code", "department", "label", "takes_part", "required"]
