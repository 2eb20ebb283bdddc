"""One FilterSet per list, shared by the HTML list and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import ModelIdFilter

from .choices import RiskClass, VillageKind
from .models import Township, Village


def scoped_townships(request):
    """Filter choices: the townships the requesting user may see (none without a request)."""
    if request is None:
        return Township.objects.none()
    return Township.objects.for_user(request.user).order_by("code")


def scoped_villages(request):
    """Filter choices: the villages the requesting user may see (none without a request)."""
    if request is None:
        return Village.objects.none()
    return Village.objects.for_user(request.user).order_by("code")


class VillageFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("搜索"), help_text=_("按名称或区划代码搜索")
    )
    county = django_filters.CharFilter(
        field_name="township__county__code", label=_("县代码"), help_text=_("6 位县级区划代码")
    )
    township = ModelIdFilter(queryset=scoped_townships, label=_("乡镇"), help_text=_("乡镇的 ID"))
    kind = django_filters.ChoiceFilter(
        choices=VillageKind.choices, label=_("类型"), help_text=_("村或社区")
    )
    risk_class = django_filters.ChoiceFilter(
        choices=RiskClass.choices, label=_("分类"), help_text=_("重难点、一般或平稳")
    )
    is_active = django_filters.BooleanFilter(label=_("现存"), help_text=_("false 列出已合并的村"))

    class Meta:
        model = Village
        fields = ["q", "county", "township", "kind", "risk_class", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__contains=value) | Q(code__startswith=value))


class TownshipFilter(django_filters.FilterSet):
    county = django_filters.CharFilter(
        field_name="county__code", label=_("县代码"), help_text=_("6 位县级区划代码")
    )

    class Meta:
        model = Township
        fields = ["county"]
