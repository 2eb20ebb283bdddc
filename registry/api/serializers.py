from rest_framework import serializers

from core.api import ScopedPrimaryKeyRelatedField
from core.serializers import ModelSerializer

from ..models import County, Term, Township, Village


class CountySerializer(ModelSerializer):
    class Meta:
        model = County
        fields = ["id", "code", "name"]


class TownshipSerializer(ModelSerializer):
    county_code = serializers.CharField(source="county.code", read_only=True)

    class Meta:
        model = Township
        fields = ["id", "code", "name", "kind", "county", "county_code"]


class VillageSerializer(ModelSerializer):
    township = ScopedPrimaryKeyRelatedField(Township)
    township_name = serializers.CharField(source="township.name", read_only=True)
    merged_into_code = serializers.CharField(
        source="merged_into.code", read_only=True, allow_null=True
    )

    class Meta:
        model = Village
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "township",
            "township_name",
            "risk_class",
            "risk_set_on",
            "risk_reason",
            "is_active",
            "merged_into",
            "merged_into_code",
            "merged_on",
            "updated_at",
        ]
        read_only_fields = ["is_active", "merged_into", "merged_on", "updated_at", "risk_set_on"]


class TermSerializer(ModelSerializer):
    previous_year = serializers.SerializerMethodField()

    class Meta:
        model = Term
        fields = ["id", "year", "reference_date", "starts_on", "ends_on", "previous_year"]

    def get_previous_year(self, term) -> int | None:
        previous = term.previous
        return previous.year if previous else None
