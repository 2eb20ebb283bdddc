"""One FilterSet per list, shared by the HTML list and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from registry.filters import (
    VillagesFollow,
    scoped_townships,
    scoped_villages,
    village_follows_township,
)
from registry.models import Term

from .choices import Body, ElectionRound, ElectionState, Post
from .models import Election, ElectionCandidate, Seat

# The village filter offers the villages of the township chosen (static/js/app.js); past a
# county's size, only those of the township or county chosen (registry.filters).
VILLAGE_FOLLOWS_TOWNSHIP = village_follows_township()


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
