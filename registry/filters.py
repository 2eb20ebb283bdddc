"""One FilterSet per list, shared by the HTML list and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import ModelIdFilter
from core.forms import DependentSelect
from core.text import is_digits

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


class BoundedVillageSelect(DependentSelect):
    """The village filter's select: every village the user may see when they are at most
    `limit` (a county organizer: the county's, a few hundred), otherwise only those of the
    township or county chosen in the same filter (the page is submitted first), and the
    village chosen. A province's administrator had 20,328 options (1.2 MB, 330-360 ms a
    page). Only the options are bounded: the filter still accepts any village in scope."""

    limit = 1000

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.chosen_parent: dict = {}  # {"township": id, "county": code}, by `VillagesFollow`
        self.chosen = None

    def render(self, name, value, attrs=None, renderer=None):
        self.chosen = value
        return super().render(name, value, attrs, renderer)

    def rows(self) -> list[tuple]:
        queryset = self.choices.queryset
        columns = ("pk", self.label_field, self.parent_field)
        head = [("", self.choices.field.empty_label, None)]
        listed = list(queryset.values_list(*columns)[: self.limit + 1])
        if len(listed) <= self.limit:
            return head + listed
        township, county = self.chosen_parent.get("township"), self.chosen_parent.get("county")
        if is_digits(township):
            listed = list(queryset.filter(township_id=township).values_list(*columns))
        elif is_digits(county):
            listed = list(
                queryset.filter(township__county__code=county).values_list(*columns)[: self.limit]
            )
        else:
            head, listed = [("", _("先选乡镇，再选村"), None)], []
        chosen = str(self.chosen or "")
        if is_digits(chosen) and all(str(row[0]) != chosen for row in listed):
            listed += list(queryset.filter(pk=chosen).values_list(*columns))
        return head + listed


class VillagesFollow:
    """A FilterSet whose `village` select (BoundedVillageSelect) lists the villages of the
    township or county chosen in the same request."""

    @property
    def form(self):
        form = super().form
        widget = form.fields["village"].widget
        if isinstance(widget, BoundedVillageSelect):
            data = form.data or {}
            widget.chosen_parent = {"township": data.get("township"), "county": data.get("county")}
        return form


def village_follows_township() -> "BoundedVillageSelect":
    """A list filter's village select: it offers the villages of the township chosen
    (static/js/app.js), bounded as BoundedVillageSelect says."""
    return BoundedVillageSelect(follows="township", parent_attr="township_id", label_field="name")


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
