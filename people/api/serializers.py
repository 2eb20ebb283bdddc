"""Person serializers; the ID number and birth date are shown as people.privacy decides."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import ModelSerializer

from .. import privacy
from ..models import Person


def _user(field):
    request = field.context.get("request")
    return getattr(request, "user", None)


def _exposure(field) -> privacy.Exposure:
    """What the caller may see (privacy.exposure), worked out once per field and caller:
    a list's rows share the field (the rule is ~1.2 µs, twice a row: ~0.15 ms of a list
    of 50 people, issue 18)."""
    user = _user(field)
    cached = field.__dict__.get("_exposure")
    if cached is None or cached[0] is not user:
        cached = field.__dict__["_exposure"] = (user, privacy.exposure(user))
    return cached[1]


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "example": "**************123X",
        "description": _(
            "公民身份号码：系统管理员、县委组织部、乡镇工作人员可见完整号码；县级查看与联审部门"
            "只见后四位；接口客户端为 null"
        ),
    }
)
class IdNumberField(serializers.Field):
    """Whole, last four or null, as people.privacy decides for the caller."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, person):
        if _exposure(self).id_number == privacy.NONE:
            return None
        return privacy.id_number_for(person, _user(self)) or None


@extend_schema_field(
    {
        "type": "string",
        "format": "date",
        "nullable": True,
        "description": _("出生日期：只对可见完整身份证号码的角色给出，其他角色为 null（见 age）"),
    }
)
class BirthDateField(serializers.Field):
    """The birth date for the roles that see whole numbers; null for the rest."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, person):
        if not _exposure(self).birth_date:
            return None
        birth = privacy.birth_date_for(person, _user(self))
        return birth.isoformat() if birth else None


@extend_schema_field(
    {
        "type": "integer",
        "example": 45,
        "description": _("年龄：最近一届统计基准日的周岁"),
    }
)
class AgeField(serializers.Field):
    """Full years on the latest term's reference date (the same for the whole response)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, person):
        root = self.root
        if not hasattr(root, "_age_reference_date"):
            root._age_reference_date = privacy.age_reference_date()
        return privacy.age(person, root._age_reference_date)


class PersonSerializer(ModelSerializer):
    id_number = IdNumberField()
    birth_date = BirthDateField()
    age = AgeField()
    village_name = serializers.CharField(source="village.name", read_only=True, default=None)

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "gender",
            "birth_date",
            "age",
            "id_number",
            "ethnicity",
            "education_fulltime",
            "education_inservice",
            "political_status",
            "phone",
            "county",
            "village",
            "village_name",
            "version",
            "updated_at",
        ]


class PersonWriteSerializer(ModelSerializer):
    id_number = serializers.CharField(max_length=30, write_only=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    gender = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    version = serializers.IntegerField(
        required=False, help_text=_("更新时传入读取到的 version，被他人改过则返回 409")
    )

    class Meta:
        model = Person
        fields = [
            "id_number",
            "name",
            "gender",
            "birth_date",
            "ethnicity",
            "education_fulltime",
            "education_inservice",
            "political_status",
            "phone",
            "village",
            "version",
        ]
        extra_kwargs = {"village": {"required": True, "allow_null": False}}
