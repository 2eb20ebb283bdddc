import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter
from core.text import compact

from . import idnumbers
from .choices import Education, Gender, PoliticalStatus
from .models import Person


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("搜索"),
        help_text=_("姓名（包含）或完整的 18 位身份证号码（精确匹配）"),
    )
    township = IdFilter(
        field_name="village__township", label=_("乡镇"), help_text=_("乡镇的 ID")
    )
    village = IdFilter(
        field_name="village", label=_("村(社区)"), help_text=_("村(社区)的 ID")
    )
    gender = django_filters.ChoiceFilter(choices=Gender.choices, label=_("性别"), help_text=_("M 或 F"))
    education_fulltime = django_filters.ChoiceFilter(
        choices=Education.choices, label=_("全日制学历"), help_text=_("全日制学历")
    )
    political_status = django_filters.ChoiceFilter(
        choices=PoliticalStatus.choices, label=_("政治面貌"), help_text=_("政治面貌")
    )
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("更新晚于"),
        help_text=_("只返回此时间之后更新的记录（ISO 8601）"),
    )

    class Meta:
        model = Person
        fields = ["q", "township", "village", "gender", "education_fulltime", "political_status"]

    def search(self, queryset, name, value):
        text = compact(value).upper()
        if len(text) == 18:
            return queryset.filter(id_number_digest=idnumbers.digest(text))
        return queryset.filter(Q(name__contains=value.strip()))
