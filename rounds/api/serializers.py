"""Serializers of the round's API. People are given by id and name only."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import DateField, ScopedPrimaryKeyRelatedField
from core.limits import LONG_TEXT_LIMIT, TEXT_LIMIT
from core.serializers import ModelSerializer
from registry.models import Village

from ..choices import ProblemCategory, ProblemKind, ProblemSource, TalkKind
from ..models import (
    AttachedUnit,
    KeyPerson,
    Liaison,
    Problem,
    Report,
    Screening,
    Talk,
    VillageTeam,
    VisitLog,
)


class VillageRefMixin(serializers.Serializer):
    village_code = serializers.CharField(source="village.code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    township_name = serializers.CharField(source="village.township.name", read_only=True)


class ProblemSerializer(VillageRefMixin, ModelSerializer):
    is_overdue = serializers.BooleanField(read_only=True)
    owner_person_name = serializers.CharField(
        source="owner_person.name",
        default=None,
        read_only=True,
        allow_null=True,
        help_text=_("开门办事的领账成员（本村现任班子成员）姓名"),
    )

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
            "owner_person",
            "owner_person_name",
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
    owner_person = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        allow_null=True,
        help_text=_("开门办事的领账成员：本村现任班子成员的人员 ID（换届问题不填）"),
    )
    reported_on = serializers.DateField(required=False)
    deadline = serializers.DateField()


class ProblemMoveSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    owner = serializers.CharField(max_length=80, required=False, allow_blank=True)
    owner_person = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        allow_null=True,
        help_text=_("开门办事的领账成员：本村现任班子成员的人员 ID（换届问题不填）"),
    )
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


class VisitSerializer(VillageRefMixin, ModelSerializer):
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


class TalkSerializer(VillageRefMixin, ModelSerializer):
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
            "note",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class LiaisonSerializer(VillageRefMixin, ModelSerializer):
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


class ReportSerializer(ModelSerializer):
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


# --- writes of talks, liaison, units, teams, screenings and key persons -------------------

VERSION = serializers.IntegerField(
    required=False,
    min_value=1,
    max_value=2**31 - 1,
    help_text=_("读取时的 version（或用 If-Match 头）：已被他人修改时拒绝（409/412）"),
)


def _id(help_text, required=True):
    return serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=required, help_text=help_text
    )


def _term():
    return serializers.IntegerField(
        min_value=1980,
        max_value=2100,
        required=False,
        help_text=_("换届届次年份；不填为最近一次换届"),
    )


# A write serializer is its update serializer plus what an update may not change (the row's
# person or village, the round); PATCH validates the update one with partial=True, so nothing
# is required there (drf-spectacular documents it as such: the Patched… components).


class TalkUpdateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TalkKind.choices)
    held_on = DateField()
    talker = serializers.CharField(max_length=60)
    note = serializers.CharField(max_length=TEXT_LIMIT, required=False, allow_blank=True)
    version = VERSION


class TalkWriteSerializer(TalkUpdateSerializer):
    person = _id(_("谈话对象的人员 ID"))


class LiaisonWriteSerializer(serializers.Serializer):
    leader = _id(_("县级包联领导的用户 ID"))
    village = _id(_("村(社区)的 ID"))
    term = _term()


class UnitSerializer(ModelSerializer):
    village_names = serializers.SerializerMethodField()

    class Meta:
        model = AttachedUnit
        fields = [
            "id",
            "round",
            "name",
            "villages",
            "village_names",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_village_names(self, obj) -> list[str]:
        return [village.name for village in obj.villages.all()]


class UnitWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    villages = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        max_length=500,
        required=False,
        help_text=_("包联村的 ID；不填为不变（新建时为无）"),
    )
    term = _term()
    version = VERSION


class UnitUpdateSerializer(UnitWriteSerializer):
    name = serializers.CharField(max_length=80, required=False)


class TeamSerializer(VillageRefMixin, ModelSerializer):
    class Meta:
        model = VillageTeam
        fields = [
            "id",
            "round",
            "village",
            "village_code",
            "village_name",
            "township_name",
            "township_cadre",
            "work_group",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class TeamUpdateSerializer(serializers.Serializer):
    township_cadre = serializers.CharField(max_length=50, required=False, allow_blank=True)
    work_group = serializers.CharField(max_length=100, required=False, allow_blank=True)
    version = VERSION


class TeamWriteSerializer(TeamUpdateSerializer):
    village = _id(_("村(社区)的 ID"))
    term = _term()


class ScreeningSerializer(VillageRefMixin, ModelSerializer):
    reason_texts = serializers.SerializerMethodField()
    has_emergency_plan_file = serializers.SerializerMethodField()

    class Meta:
        model = Screening
        fields = [
            "id",
            "round",
            "village",
            "village_code",
            "village_name",
            "township_name",
            "screened_on",
            "reasons",
            "reason_texts",
            "note",
            "emergency_plan",
            "has_emergency_plan_file",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_has_emergency_plan_file(self, obj) -> bool:
        return bool(obj.emergency_plan_file)

    def get_reason_texts(self, obj) -> list[str]:
        return [reason.text for reason in obj.reasons.all()]


class ScreeningWriteSerializer(serializers.Serializer):
    village = _id(_("村(社区)的 ID"))
    screened_on = DateField()
    reasons = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        max_length=100,
        required=False,
        help_text=_("本县风险因素的 ID"),
    )
    note = serializers.CharField(max_length=LONG_TEXT_LIMIT, required=False, allow_blank=True)
    emergency_plan = serializers.CharField(
        max_length=LONG_TEXT_LIMIT, required=False, allow_blank=True
    )
    emergency_plan_file = serializers.FileField(
        required=False, help_text=_("应急预案附件（multipart/form-data 上传）")
    )
    term = _term()
    version = VERSION


class ScreeningUpdateSerializer(ScreeningWriteSerializer):
    village = None
    term = None
    screened_on = DateField(required=False)


class KeyPersonSerializer(VillageRefMixin, ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = KeyPerson
        fields = [
            "id",
            "round",
            "village",
            "village_code",
            "village_name",
            "township_name",
            "person",
            "person_name",
            "reason",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class KeyPersonUpdateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)
    version = VERSION


class KeyPersonWriteSerializer(KeyPersonUpdateSerializer):
    person = _id(_("人员 ID"))
    village = _id(_("村(社区)的 ID；不填为其任职、参选或登记的村"), required=False)
    term = _term()


class TalkCoveragePersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TalkCoverageVillageSerializer(serializers.Serializer):
    village = serializers.IntegerField(source="village_id")
    village_code = serializers.CharField(source="code")
    village_name = serializers.CharField(source="name")
    township_name = serializers.CharField(source="township")
    missing_talks = TalkCoveragePersonSerializer(
        many=True, help_text=_("尚未谈心谈话的在任成员和确定人选")
    )
    missing_warnings = TalkCoveragePersonSerializer(
        many=True, help_text=_("尚未警示谈话的重点人员")
    )


class TalkCoverageSerializer(serializers.Serializer):
    """The talks' coverage of the round in the caller's scope."""

    to_talk = serializers.IntegerField(help_text=_("在任“两委”成员和确定人选人数"))
    talked = serializers.IntegerField(help_text=_("其中已谈心谈话人数"))
    key_persons = serializers.IntegerField(help_text=_("重点人员人数"))
    key_warned = serializers.IntegerField(help_text=_("其中已警示谈话人数"))
    warnings = serializers.IntegerField(help_text=_("警示谈话次数"))
    complete = serializers.BooleanField(help_text=_("全覆盖：全部谈心谈话且重点人员全部警示谈话"))
    villages = TalkCoverageVillageSerializer(many=True, help_text=_("尚有人员未谈话的村"))
