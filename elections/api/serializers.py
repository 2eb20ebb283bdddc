"""Election, result and seat serializers; a person's ID number and birth date appear as
people.privacy decides for the caller."""

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import DateField, ScopedPrimaryKeyRelatedField
from core.limits import TEXT_LIMIT
from core.serializers import ModelSerializer
from core.text import join_sentences
from people.api.serializers import AgeField, BirthDateField, IdNumberField
from people.models import Person
from registry.models import Term, Village

from .. import vetting
from ..choices import Body, Post, SeatEndReason, SeatSource
from ..models import Election, ElectionCandidate, Seat
from ..services import COUNT_FIELDS, election_findings


def inline_choice_field(choices, **kwargs):
    """A ChoiceField whose enum is written inline in the schema: other apps have fields
    of the same name ("body", "source") with other choices, and a shared component name
    would collide."""
    schema = {
        # wrapped, so that the enum post-processing leaves it inline
        "allOf": [{"type": "string", "enum": [value for value, _label in choices]}],
        # lazy, so that the labels are in the language of the request that reads the schema
        "description": lazy(
            lambda: join_sentences(f"{value}={label}" for value, label in choices), str
        )(),
    }

    @extend_schema_field(schema)
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField(choices=choices, **kwargs)


class PersonBriefSerializer(ModelSerializer):
    id_number = IdNumberField()
    birth_date = BirthDateField()
    age = AgeField()

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "gender",
            "birth_date",
            "age",
            "id_number",
            "education_fulltime",
            "education_inservice",
            "political_status",
        ]


class CandidateSerializer(ModelSerializer):
    person = PersonBriefSerializer(read_only=True)

    class Meta:
        model = ElectionCandidate
        fields = ["id", "person", "votes", "post", "updated_at"]


class ResultSerializer(CandidateSerializer):
    election = serializers.PrimaryKeyRelatedField(read_only=True)
    village = serializers.IntegerField(source="election.village_id", read_only=True)
    village_code = serializers.CharField(source="election.village.code", read_only=True)
    township = serializers.IntegerField(source="election.village.township_id", read_only=True)
    township_code = serializers.CharField(source="election.village.township.code", read_only=True)
    term = serializers.IntegerField(source="election.term.year", read_only=True)
    body = inline_choice_field(Body.choices, source="election.body", read_only=True)
    round = serializers.CharField(source="election.round", read_only=True)
    state = serializers.CharField(source="election.state", read_only=True)

    class Meta(CandidateSerializer.Meta):
        fields = [
            "id",
            "election",
            "village",
            "village_code",
            "township",
            "township_code",
            "term",
            "body",
            "round",
            "state",
            "person",
            "votes",
            "post",
            "updated_at",
        ]


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    level = serializers.ChoiceField(choices=["error", "warning"])
    message = serializers.CharField()
    needs_confirmation = serializers.BooleanField()
    key = serializers.CharField(
        help_text=_("书面说明所对应的键：提示代码，针对某一候选人时另加其人员 ID")
    )


class ElectionSerializer(ModelSerializer):
    village_name = serializers.CharField(source="village.name", read_only=True)
    township = serializers.IntegerField(source="village.township_id", read_only=True)
    term = serializers.SlugRelatedField(slug_field="year", queryset=Term.objects.all())
    body = inline_choice_field(Body.choices)
    seats = serializers.IntegerField(source="seat_count", read_only=True)
    candidates = CandidateSerializer(many=True, read_only=True)
    findings = serializers.SerializerMethodField()

    class Meta:
        model = Election
        fields = [
            "id",
            "village",
            "village_name",
            "township",
            "term",
            "body",
            "round",
            "held_on",
            "seats_chair",
            "seats_deputy",
            "seats_member",
            "seats",
            *COUNT_FIELDS,
            "state",
            "confirmations",
            "version",
            "submitted_at",
            "certified_at",
            "unlocked_at",
            "unlock_reason",
            "candidates",
            "findings",
            "updated_at",
        ]
        read_only_fields = [
            "state",
            "confirmations",
            "version",
            "submitted_at",
            "certified_at",
            "unlocked_at",
            "unlock_reason",
            "updated_at",
        ]

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, election):
        findings = election_findings(
            election, list(election.candidates.all()), vetted=self._vetted(election)
        )
        return FindingSerializer(findings, many=True).data

    def _vetted(self, election) -> dict:
        """The candidates' vetting of the whole page, read once (elections.vetting)."""
        cache = self.context.setdefault("vetted", {})
        if election.pk not in cache:
            page = getattr(self.parent, "instance", None)
            page = list(page) if page is not None and self.parent is not None else [election]
            cache.update(vetting.for_elections([e for e in page if e.pk not in cache]))
        return cache


class CandidateInputSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())
    votes = serializers.IntegerField(min_value=0)
    post = serializers.ChoiceField(choices=Post.choices, required=False, allow_blank=True)


class ElectionWriteSerializer(ModelSerializer):
    """Create: village, term, body and the counts. Update: counts, and `candidates` to
    replace the votes; pass the `version` you read to detect concurrent edits (409)."""

    village = ScopedPrimaryKeyRelatedField(Village)
    term = serializers.SlugRelatedField(slug_field="year", queryset=Term.objects.all())
    body = inline_choice_field(Body.choices, required=False)
    candidates = CandidateInputSerializer(many=True, required=False)
    version = serializers.IntegerField(
        required=False, help_text=_("读取到的 version；被他人改过则返回 409")
    )

    class Meta:
        model = Election
        fields = [
            "village",
            "term",
            "body",
            "round",
            "held_on",
            "seats_chair",
            "seats_deputy",
            "seats_member",
            *COUNT_FIELDS,
            "candidates",
            "version",
        ]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_LIMIT, help_text=_("原因（必填）"))


class ConfirmSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text=_(
            "需书面说明的提示的 key（见 findings 的 key），"
            "如 villagers_no_woman 或 villagers_not_approved:12"
        )
    )
    note = serializers.CharField(max_length=TEXT_LIMIT, help_text=_("书面说明"))


class SeatSerializer(ModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    village_code = serializers.CharField(source="village.code", read_only=True)
    township = serializers.IntegerField(source="village.township_id", read_only=True)
    township_code = serializers.CharField(source="village.township.code", read_only=True)
    term = serializers.IntegerField(source="term.year", read_only=True)
    body = inline_choice_field(Body.choices, read_only=True)
    source = inline_choice_field(SeatSource.choices, read_only=True)
    # "" while the seat is held: the enum says so
    end_reason = inline_choice_field([*SeatEndReason.choices, ("", "—")], read_only=True)

    class Meta:
        model = Seat
        fields = [
            "id",
            "person",
            "village",
            "village_name",
            "village_code",
            "township",
            "township_code",
            "term",
            "body",
            "post",
            "started_on",
            "ended_on",
            "end_reason",
            "end_note",
            "source",
            "election",
            "updated_at",
        ]


class SeatEndSerializer(serializers.Serializer):
    ended_on = DateField()
    reason = inline_choice_field(SeatEndReason.choices)
    note = serializers.CharField(
        max_length=TEXT_LIMIT, required=False, allow_blank=True, default=""
    )
