"""Serializers of the round's API. People are given by id and name only."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ScopedPrimaryKeyRelatedField
from registry.models import Village

from ..choices import ProblemCategory, ProblemKind, ProblemSource
from ..models import Liaison, Problem, Report, Talk, VisitLog


class VillageRefMixin(serializers.Serializer):
    village_code = serializers.CharField(source="village.code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    township_name = serializers.CharField(source="village.township.name", read_only=True)


class ProblemSerializer(VillageRefMixin, serializers.ModelSerializer):
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Problem
        fields = [
            "id",
            "kind",
            "village",
            "village_code",
            "village_name",
            "township_name",
            "source",
            "category",
            "description",
            "reported_on",
            "owner",
            "deadline",
            "state",
            "is_overdue",
            "resolved_on",
            "resolution",
            "verified_on",
            "verification_note",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProblemWriteSerializer(serializers.Serializer):
    village = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    kind = serializers.ChoiceField(choices=ProblemKind.choices, default=ProblemKind.PROBLEM)
    source = serializers.ChoiceField(choices=ProblemSource.choices)
    category = serializers.ChoiceField(choices=ProblemCategory.choices)
    description = serializers.CharField(max_length=2000)
    owner = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    reported_on = serializers.DateField(required=False)
    deadline = serializers.DateField()


class ProblemMoveSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    owner = serializers.CharField(max_length=80, required=False, allow_blank=True)
    deadline = serializers.DateField(required=False)
    resolution = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    evidence = serializers.FileField(required=False)
    verification_note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class VisitTotalsSerializer(serializers.Serializer):
    """The visits of a scope and period summed, with the line a county prints."""

    households = serializers.IntegerField(help_text=_("走访户数"))
    people = serializers.IntegerField(help_text=_("走访人数"))
    forums = serializers.IntegerField(help_text=_("座谈会次数"))
    meetings = serializers.IntegerField(help_text=_("分析研判会次数"))
    difficult = serializers.IntegerField(help_text=_("排查出的重难点村数"))
    line = serializers.CharField(
        help_text=_("“走访…户、…人，召开座谈会…次、分析研判会…次，排查重难点村…个”")
    )


class VisitSerializer(VillageRefMixin, serializers.ModelSerializer):
    village = ScopedPrimaryKeyRelatedField(Village)

    class Meta:
        model = VisitLog
        fields = [
            "id",
            "village",
            "village_code",
            "village_name",
            "township_name",
            "visited_on",
            "visitors",
            "households",
            "people",
            "forums",
            "analysis_meetings",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class TalkSerializer(VillageRefMixin, serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = Talk
        fields = [
            "id",
            "village",
            "village_code",
            "village_name",
            "township_name",
            "person",
            "person_name",
            "kind",
            "held_on",
            "talker",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class LiaisonSerializer(VillageRefMixin, serializers.ModelSerializer):
    leader_name = serializers.SerializerMethodField()

    class Meta:
        model = Liaison
        fields = [
            "id",
            "round",
            "leader",
            "leader_name",
            "village",
            "village_code",
            "village_name",
            "township_name",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_leader_name(self, obj) -> str:
        return obj.leader.full_name or obj.leader.username


class ReportSerializer(serializers.ModelSerializer):
    township_name = serializers.CharField(source="township.name", default=None, read_only=True)

    class Meta:
        model = Report
        fields = ["id", "kind", "date", "built_at", "township", "township_name", "data"]
        read_only_fields = fields


class BoardStepSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    done = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    not_started = serializers.IntegerField()
    overdue = serializers.IntegerField()
    not_applicable = serializers.IntegerField()


class BoardVillageSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    risk_class = serializers.CharField()
    steps = serializers.DictField(child=serializers.CharField())


class BoardSerializer(serializers.Serializer):
    steps = BoardStepSerializer(many=True)
    villages = BoardVillageSerializer(many=True)
