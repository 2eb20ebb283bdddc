"""One FilterSet per list, shared by the pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import Department
from core.filters import BooleanWidget
from elections.choices import Body, Post
from registry.filters import (
    VillagesFollow,
    scoped_townships,
    scoped_villages,
    village_follows_township,
)

from .choices import Outcome, SignOffOutcome, Source, Stage
from .models import Candidacy, Decision, NegativeListItem, SignOff
from .selectors import open_flag_exists

VILLAGE_FOLLOWS_TOWNSHIP = village_follows_township()  # registry.filters


class CandidacyFilter(VillagesFollow, django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="person__name",
        lookup_expr="contains",
        label=_("姓名"),
        help_text=_("人选姓名（包含）"),
    )
    term = django_filters.NumberFilter(
        field_name="term__year", label=_("届次"), help_text=_("届次年份，如 2021")
    )
    township = django_filters.ModelChoiceFilter(
        field_name="village__township",
        queryset=scoped_townships,
        label=_("乡镇"),
        help_text=_("乡镇的 ID"),
    )
    village = django_filters.ModelChoiceFilter(
        field_name="village",
        queryset=scoped_villages,
        label=_("村(社区)"),
        help_text=_("村(社区)的 ID"),
        widget=VILLAGE_FOLLOWS_TOWNSHIP,
    )
    body = django_filters.ChoiceFilter(
        choices=[(b.value, b.label) for b in (Body.PARTY_COMMITTEE, Body.VILLAGERS_COMMITTEE)],
        label=_("组织"),
        help_text=_("party 党组织 或 villagers 村(居)委会"),
    )
    post = django_filters.ChoiceFilter(
        choices=Post.choices, label=_("职务"), help_text=_("secretary、deputy_secretary、director…")
    )
    source = django_filters.ChoiceFilter(
        choices=Source.choices, label=_("来源"), help_text=_("人选来源（四个一批）")
    )
    stage = django_filters.ChoiceFilter(
        choices=Stage.choices, label=_("阶段"), help_text=_("当前所处阶段")
    )
    flagged = django_filters.BooleanFilter(
        method="filter_flagged",
        label=_("有未核销问题"),
        help_text=_("true：资格联审中有部门提出问题且尚未核销"),
        widget=BooleanWidget(),
    )
    returned = django_filters.BooleanFilter(
        method="filter_returned",
        label=_("被退回"),
        help_text=_("true：被退回到当前阶段、尚未重新办理"),
        widget=BooleanWidget(),
    )
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("更新晚于"),
        help_text=_("只返回此时间之后更新的记录（ISO 8601）"),
    )

    class Meta:
        model = Candidacy
        fields = [
            "q",
            "term",
            "township",
            "village",
            "body",
            "post",
            "source",
            "stage",
            "flagged",
            "returned",
        ]

    def filter_flagged(self, queryset, name, value):
        if value is None:
            return queryset
        blocked = Q(open_flag_exists(), stage=Stage.JOINT_REVIEW)
        return queryset.filter(blocked) if value else queryset.exclude(blocked)

    def filter_returned(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.with_returned().filter(returned=value)


class ReviewQueueFilter(django_filters.FilterSet):
    """The department reviewer's queue: where and what, never the person's details."""

    q = CandidacyFilter.base_filters["q"]
    township = CandidacyFilter.base_filters["township"]
    post = CandidacyFilter.base_filters["post"]
    source = CandidacyFilter.base_filters["source"]

    class Meta:
        model = Candidacy
        fields = ["q", "township", "post", "source"]


class DecisionFilter(django_filters.FilterSet):
    candidacy = django_filters.NumberFilter(
        field_name="candidacy", label=_("人选"), help_text=_("人选的 ID")
    )
    stage = django_filters.ChoiceFilter(
        choices=Stage.choices, label=_("审查阶段"), help_text=_("作出决定时所处阶段")
    )
    outcome = django_filters.ChoiceFilter(
        choices=Outcome.choices, label=_("结果"), help_text=_("pass、reject、return…")
    )
    minute_number = django_filters.CharFilter(
        label=_("纪要编号"), help_text=_("会议纪要编号（精确）")
    )
    decided_since = django_filters.IsoDateTimeFilter(
        field_name="decided_at",
        lookup_expr="gte",
        label=_("决定晚于"),
        help_text=_("只返回此时间之后的决定（ISO 8601）"),
    )

    class Meta:
        model = Decision
        fields = ["candidacy", "stage", "outcome", "minute_number"]


class SignOffFilter(django_filters.FilterSet):
    candidacy = django_filters.NumberFilter(
        field_name="candidacy", label=_("人选"), help_text=_("人选的 ID")
    )
    department = django_filters.ChoiceFilter(
        choices=Department.choices, label=_("部门"), help_text=_("联审部门代码")
    )
    outcome = django_filters.ChoiceFilter(
        choices=SignOffOutcome.choices, label=_("结论"), help_text=_("pass 或 flag")
    )
    open_flag = django_filters.BooleanFilter(
        field_name="clearance",
        lookup_expr="isnull",
        label=_("未核销"),
        help_text=_("true：只看尚未核销的意见"),
    )

    class Meta:
        model = SignOff
        fields = ["candidacy", "department", "outcome"]


class NegativeListFilter(django_filters.FilterSet):
    county = django_filters.NumberFilter(
        field_name="county", label=_("县(市、区)"), help_text=_("县的 ID")
    )
    active = django_filters.BooleanFilter(label=_("启用"), help_text=_("true：只看启用的条目"))

    class Meta:
        model = NegativeListItem
        fields = ["county", "active"]
