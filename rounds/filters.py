"""One FilterSet per list, shared by the pages and the API."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter
from registry.filters import scoped_townships

from .choices import (
    CLOSED_STATES,
    ProblemCategory,
    ProblemKind,
    ProblemSource,
    ProblemState,
    ReportKind,
    TalkKind,
)
from .models import (
    AttachedUnit,
    KeyPerson,
    Liaison,
    Problem,
    Report,
    Screening,
    Talk,
    VillageTeam,
    VisitLog,
)


class UpdatedSinceMixin(django_filters.FilterSet):
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("更新时间不早于"),
        help_text=_("只列此时刻以后新增或修改的记录（ISO 8601，如 2026-12-01T00:00:00+08:00）"),
    )


class VillageRowFilter(UpdatedSinceMixin):
    township = django_filters.ModelChoiceFilter(
        field_name="village__township",
        queryset=scoped_townships,
        label=_("乡镇"),
        help_text=_("乡镇的 ID"),
    )
    village = IdFilter(field_name="village", label=_("村(社区)"), help_text=_("村(社区)的 ID"))


class ProblemFilter(VillageRowFilter):
    kind = django_filters.ChoiceFilter(
        choices=ProblemKind.choices, label=_("类型"), help_text=_("换届问题或开门办事")
    )
    state = django_filters.ChoiceFilter(
        choices=ProblemState.choices, label=_("状态"), help_text=_("待交办、已交办、已销号、已核验")
    )
    category = django_filters.ChoiceFilter(
        choices=ProblemCategory.choices, label=_("类别"), help_text=_("问题类别")
    )
    source = django_filters.ChoiceFilter(
        choices=ProblemSource.choices, label=_("来源"), help_text=_("问题来源")
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("只看逾期"), help_text=_("true 只列未销号且已过时限的")
    )
    open = django_filters.BooleanFilter(
        method="filter_open", label=_("只看未销号"), help_text=_("true 只列未销号的")
    )

    class Meta:
        model = Problem
        fields = ["kind", "state", "category", "source", "township", "village"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = queryset.exclude(state__in=CLOSED_STATES).filter(deadline__lt=timezone.localdate())
        return late if value else queryset.exclude(pk__in=late.values("pk"))

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return (
            queryset.exclude(state__in=CLOSED_STATES)
            if value
            else queryset.filter(state__in=CLOSED_STATES)
        )


class VisitFilter(VillageRowFilter):
    start = django_filters.DateFilter(
        field_name="visited_on",
        lookup_expr="gte",
        label=_("开始日期"),
        help_text=_("走访日期不早于"),
    )
    end = django_filters.DateFilter(
        field_name="visited_on",
        lookup_expr="lte",
        label=_("结束日期"),
        help_text=_("走访日期不晚于"),
    )

    class Meta:
        model = VisitLog
        fields = ["township", "village"]


class TalkFilter(VillageRowFilter):
    kind = django_filters.ChoiceFilter(
        choices=TalkKind.choices, label=_("类型"), help_text=_("谈心谈话或警示谈话")
    )

    class Meta:
        model = Talk
        fields = ["kind", "township", "village"]


class LiaisonFilter(VillageRowFilter):
    leader = IdFilter(field_name="leader", label=_("包联领导"), help_text=_("用户 ID"))

    class Meta:
        model = Liaison
        fields = ["leader", "township", "village"]


class ReportFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=ReportKind.choices, label=_("类型"), help_text=_("日报告或周调度")
    )
    date = django_filters.DateFilter(label=_("日期"), help_text=_("报告日期"))
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="built_at",
        lookup_expr="gte",
        label=_("生成时间不早于"),
        help_text=_("只列此时刻以后生成的报告（报告生成后不再修改）"),
    )

    class Meta:
        model = Report
        fields = ["kind", "date"]


class UnitFilter(UpdatedSinceMixin):
    village = IdFilter(field_name="villages", label=_("村(社区)"), help_text=_("包联村的 ID"))

    class Meta:
        model = AttachedUnit
        fields = ["village"]


class TeamFilter(VillageRowFilter):
    class Meta:
        model = VillageTeam
        fields = ["township", "village"]


class ScreeningFilter(VillageRowFilter):
    class Meta:
        model = Screening
        fields = ["township", "village"]


class KeyPersonFilter(VillageRowFilter):
    person = IdFilter(field_name="person", label=_("人员"), help_text=_("人员 ID"))

    class Meta:
        model = KeyPerson
        fields = ["township", "village", "person"]
