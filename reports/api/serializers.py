from rest_framework import serializers

from registry.models import Term

from ..models import (
    ByElection,
    ElectionDetail,
    Recall,
    Representative,
    TownshipFiling,
    VillageDetail,
)
from ..services import ELECTION_DETAIL_FIELDS, VILLAGE_DETAIL_FIELDS


class ElectionDetailSerializer(serializers.ModelSerializer):
    registered = serializers.IntegerField(read_only=True)

    class Meta:
        model = ElectionDetail
        fields = ("id", "election", *ELECTION_DETAIL_FIELDS, "registered", "confirmations")
        read_only_fields = ("confirmations",)


class ElectionDetailUpdateSerializer(ElectionDetailSerializer):
    class Meta(ElectionDetailSerializer.Meta):
        read_only_fields = ("election", "confirmations")


class VillageDetailSerializer(serializers.ModelSerializer):
    term = serializers.SlugRelatedField(slug_field="year", read_only=True)

    class Meta:
        model = VillageDetail
        fields = ("id", "village", "term", *VILLAGE_DETAIL_FIELDS, "confirmations", "version")
        read_only_fields = ("village", "confirmations", "version")


class TownshipFilingSerializer(serializers.ModelSerializer):
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


class RepresentativeSerializer(serializers.ModelSerializer):
    term = serializers.SlugRelatedField(slug_field="year", queryset=Term.objects.all())

    class Meta:
        model = Representative
        fields = ("id", "village", "term", "name", "gender", "party_member", "chosen_by", "group")


class RecallSerializer(serializers.ModelSerializer):
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


class ByElectionSerializer(serializers.ModelSerializer):
    term = serializers.SlugRelatedField(slug_field="year", queryset=Term.objects.all())

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
