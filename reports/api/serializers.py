from rest_framework import serializers

from core.api import DateField, ScopedPrimaryKeyRelatedField
from core.serializers import ModelSerializer
from elections.models import Election, Seat
from people.models import Person
from registry.models import Term, Village

from ..models import (
    ByElection,
    ElectionDetail,
    Recall,
    Representative,
    TownshipFiling,
    VillageDetail,
    VillagerGroup,
)
from ..services import ELECTION_DETAIL_FIELDS, VILLAGE_DETAIL_FIELDS


class ElectionDetailSerializer(ModelSerializer):
    election = ScopedPrimaryKeyRelatedField(Election)
    registered = serializers.IntegerField(read_only=True)
    list_posted_on = DateField(required=False, allow_null=True)

    class Meta:
        model = ElectionDetail
        fields = ("id", "election", *ELECTION_DETAIL_FIELDS, "registered", "confirmations")
        read_only_fields = ("confirmations",)


class ElectionDetailUpdateSerializer(ElectionDetailSerializer):
    election = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(ElectionDetailSerializer.Meta):
        read_only_fields = ("election", "confirmations")


class VillageDetailSerializer(ModelSerializer):
    term = serializers.SlugRelatedField(slug_field="year", read_only=True)
    accounting_member = ScopedPrimaryKeyRelatedField(Person, required=False, allow_null=True)
    committee_formed_on = DateField(required=False, allow_null=True)

    class Meta:
        model = VillageDetail
        fields = ("id", "village", "term", *VILLAGE_DETAIL_FIELDS, "confirmations", "version")
        read_only_fields = ("village", "confirmations", "version")


class TownshipFilingSerializer(ModelSerializer):
    township = serializers.CharField(source="township.code", read_only=True)
    term = serializers.IntegerField(source="term.year", read_only=True)

    class Meta:
        model = TownshipFiling
        fields = (
            "id",
            "township",
            "term",
            "state",
            "filed_at",
            "decided_at",
            "return_reason",
            "unlocked_at",
            "fingerprint",
        )


class RepresentativeSerializer(ModelSerializer):
    village = ScopedPrimaryKeyRelatedField(Village)
    term = serializers.SlugRelatedField(slug_field="year", queryset=Term.objects.all())
    group = ScopedPrimaryKeyRelatedField(VillagerGroup, required=False, allow_null=True)

    class Meta:
        model = Representative
        fields = ("id", "village", "term", "name", "gender", "party_member", "chosen_by", "group")


class RecallSerializer(ModelSerializer):
    seat = ScopedPrimaryKeyRelatedField(Seat)
    requested_on = DateField()
    voted_on = DateField()

    class Meta:
        model = Recall
        fields = (
            "id",
            "seat",
            "requested_by",
            "requesters",
            "eligible",
            "requested_on",
            "voted_on",
            "registered",
            "voted",
            "agreed",
            "passed",
            "note",
        )
        read_only_fields = ("passed",)


class ByElectionSerializer(ModelSerializer):
    village = ScopedPrimaryKeyRelatedField(Village)
    term = serializers.SlugRelatedField(slug_field="year", queryset=Term.objects.all())
    person = ScopedPrimaryKeyRelatedField(Person)
    recall = ScopedPrimaryKeyRelatedField(Recall, required=False, allow_null=True)
    held_on = DateField()

    class Meta:
        model = ByElection
        fields = (
            "id",
            "village",
            "term",
            "person",
            "post",
            "reason",
            "recall",
            "held_on",
            "registered",
            "voted",
            "votes",
            "seat",
        )
        read_only_fields = ("seat",)
