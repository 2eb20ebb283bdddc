"""Person serializers; the ID number is whole, masked or absent according to the caller."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.access import Role

from ..models import Person


@extend_schema_field({"type": "string", "nullable": True, "example": "141028********123X"})
class IdNumberField(serializers.Field):
    """Whole for roles that need it, masked for others, never for API clients (null)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, person):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or getattr(user, "role", None) == Role.API_CLIENT:
            return None
        return person.id_number_for(user)


class PersonSerializer(serializers.ModelSerializer):
    id_number = IdNumberField()
    village_name = serializers.CharField(source="village.name", read_only=True, default=None)

    class Meta:
        model = Person
        fields = [
            "id", "name", "gender", "birth_date", "id_number", "ethnicity",
            "education_fulltime", "education_inservice", "political_status", "phone",
            "county", "village", "village_name", "version", "updated_at",
        ]


class PersonWriteSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(max_length=30, write_only=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    gender = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    version = serializers.IntegerField(
        required=False, help_text=_("更新时传入读取到的 version，被他人改过则返回 409")
    )

    class Meta:
        model = Person
        fields = [
            "id_number", "name", "gender", "birth_date", "ethnicity", "education_fulltime",
            "education_inservice", "political_status", "phone", "village", "version",
        ]
        extra_kwargs = {"village": {"required": True, "allow_null": False}}
