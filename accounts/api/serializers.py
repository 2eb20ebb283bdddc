from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import User


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})
    name = serializers.CharField(required=False, default="API", help_text=_("令牌用途"))


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("只显示一次，请妥善保存"))
    expires_at = serializers.DateTimeField(allow_null=True)
    can_write = serializers.BooleanField()


class MeSerializer(serializers.ModelSerializer):
    # Null for roles without a county or township (admin, API clients): say so in the schema.
    county = serializers.StringRelatedField(allow_null=True)
    township = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = User
        fields = ["username", "full_name", "role", "county", "township", "department"]
