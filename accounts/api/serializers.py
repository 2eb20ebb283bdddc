from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.serializers import ModelSerializer

from ..models import User


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})
    name = serializers.CharField(required=False, default="API", help_text=_("令牌用途"))


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("只显示一次，请妥善保存"))
    expires_at = serializers.DateTimeField(allow_null=True)
    can_write = serializers.BooleanField()


class MeSerializer(ModelSerializer):
    # Null for roles without a county or township (admin, API clients): say so in the schema.
    county = serializers.StringRelatedField(allow_null=True)
    township = serializers.StringRelatedField(allow_null=True)
    # ids and division codes, so that a client can filter by what it is scoped to
    county_id = serializers.IntegerField(allow_null=True, read_only=True)
    county_code = serializers.CharField(source="county.code", allow_null=True, default=None)
    township_id = serializers.IntegerField(allow_null=True, read_only=True)
    township_code = serializers.CharField(source="township.code", allow_null=True, default=None)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "role",
            "county",
            "county_id",
            "county_code",
            "township",
            "township_id",
            "township_code",
            "department",
        ]
