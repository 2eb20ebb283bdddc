"""One FilterSet per list, shared by the HTML list and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.forms import DependentSelect
from core.text import is_digits
from registry.filters import scoped_townships, scoped_villages
from registry.models import Term

from .choices import Body, ElectionRound, ElectionState, Post
from .models import Election, ElectionCandidate, Seat


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


# The village filter offers the villages of the township chosen (static/js/app.js).
VILLAGE_FOLLOWS_TOWNSHIP = BoundedVillageSelect(
    follows="township", parent_attr="township_id", label_field="name"
)


class _ScopeFilters(VillagesFollow, django_filters.FilterSet):
    county = django_filters.CharFilter(
        field_name="village__township__county__code",
        label=_("县代码"),
        help_text=_("6 位县级区划代码"),
    )
    township = django_filters.ModelChoiceFilter(
        field_name="village__township",
        queryset=scoped_townships,
        label=_("乡镇"),
        help_text=_("乡镇的 ID"),
    )
    village = django_filters.ModelChoiceFilter(
        queryset=scoped_villages,
        label=_("村(社区)"),
        help_text=_("村(社区)的 ID"),
        widget=VILLAGE_FOLLOWS_TOWNSHIP,
    )
    term = django_filters.ModelChoiceFilter(
        field_name="term",
        to_field_name="year",
        queryset=Term.objects.all(),
        label=_("届次"),
        help_text=_("届次年份，如 2021"),
    )
    body = django_filters.ChoiceFilter(
        choices=Body.choices, label=_("组织"), help_text=_("party、villagers 或 supervision")
    )
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("更新时间不早于"),
        help_text=_("ISO 8601 时间，如 2021-05-01T00:00:00+08:00；用于增量同步"),
    )


class ElectionFilter(_ScopeFilters):
    round = django_filters.ChoiceFilter(
        choices=ElectionRound.choices, label=_("轮次"), help_text=_("first 或 second（另行选举）")
    )
    state = django_filters.ChoiceFilter(
        choices=ElectionState.choices, label=_("状态"), help_text=_("draft、submitted 或 certified")
    )
    post = django_filters.ChoiceFilter(
        field_name="candidates__post",
        choices=Post.choices,
        distinct=True,
        label=_("职务"),
        help_text=_("有人当选该职务的选举"),
    )

    class Meta:
        model = Election
        fields = [
            "county",
            "township",
            "village",
            "term",
            "body",
            "post",
            "round",
            "state",
            "updated_since",
        ]


class SeatFilter(_ScopeFilters):
    post = django_filters.ChoiceFilter(
        choices=Post.choices, label=_("职务"), help_text=_("secretary、director、member 等")
    )
    current = django_filters.BooleanFilter(
        field_name="ended_on",
        lookup_expr="isnull",
        label=_("在任"),
        help_text=_("true 只列在任者，false 只列已离任者"),
    )

    class Meta:
        model = Seat
        fields = [
            "county",
            "township",
            "village",
            "term",
            "body",
            "post",
            "current",
            "updated_since",
        ]


class ResultFilter(VillagesFollow, django_filters.FilterSet):
    """Candidates' results, filtered through their election."""

    county = django_filters.CharFilter(
        field_name="election__village__township__county__code",
        label=_("县代码"),
        help_text=_("6 位县级区划代码"),
    )
    township = django_filters.ModelChoiceFilter(
        field_name="election__village__township",
        queryset=scoped_townships,
        label=_("乡镇"),
        help_text=_("乡镇的 ID"),
    )
    village = django_filters.ModelChoiceFilter(
        field_name="election__village",
        queryset=scoped_villages,
        label=_("村(社区)"),
        help_text=_("村(社区)的 ID"),
        widget=VILLAGE_FOLLOWS_TOWNSHIP,
    )
    term = django_filters.ModelChoiceFilter(
        field_name="election__term",
        to_field_name="year",
        queryset=Term.objects.all(),
        label=_("届次"),
        help_text=_("届次年份，如 2021"),
    )
    body = django_filters.ChoiceFilter(
        field_name="election__body",
        choices=Body.choices,
        label=_("组织"),
        help_text=_("party、villagers 或 supervision"),
    )
    post = django_filters.ChoiceFilter(
        choices=Post.choices, label=_("当选职务"), help_text=_("只列当选该职务的候选人")
    )
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("更新时间不早于"),
        help_text=_("ISO 8601 时间；用于增量同步"),
    )

    class Meta:
        model = ElectionCandidate
        fields = ["county", "township", "village", "term", "body", "post", "updated_since"]
