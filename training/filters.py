"""One FilterSet per list, shared by the HTML pages and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter
from registry.filters import scoped_townships

from .choices import EnrolmentStatus, MentorLevel, MentorshipStatus, SessionKind, SessionStatus
from .models import Enrolment, MentorPoolEntry, Mentorship, TrainingSession


class YearFilter(django_filters.NumberFilter):
    """A calendar year from 1 to 9999 (a date's year lookup fails outside that range)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


class TrainingSessionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("搜索"), help_text=_("名称、地点或授课人（包含）")
    )
    kind = django_filters.ChoiceFilter(
        choices=SessionKind.choices, label=_("类别"), help_text=_("培训类别")
    )
    status = django_filters.ChoiceFilter(
        choices=SessionStatus.choices,
        label=_("状态"),
        help_text=_("计划中、进行中、已结束或已取消"),
    )
    township = django_filters.ModelChoiceFilter(
        queryset=scoped_townships,
        label=_("主办乡镇"),
        help_text=_("主办乡镇的 ID（县级主办的不在其中）"),
    )
    county_only = django_filters.BooleanFilter(
        field_name="township",
        lookup_expr="isnull",
        label=_("仅县级主办"),
        help_text=_("true 只列县级主办的培训"),
    )
    year = YearFilter(
        field_name="starts_on__year", label=_("年份"), help_text=_("开始日期所在年份")
    )
    starts_after = django_filters.DateFilter(
        field_name="starts_on",
        lookup_expr="gte",
        label=_("开始不早于"),
        help_text=_("开始日期不早于该日（YYYY-MM-DD）"),
    )

    class Meta:
        model = TrainingSession
        fields = ["q", "kind", "status", "township", "county_only", "year", "starts_after"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(title__contains=value) | Q(location__contains=value) | Q(trainers__contains=value)
        )


class EnrolmentFilter(django_filters.FilterSet):
    session = IdFilter(field_name="session", label=_("培训班"), help_text=_("培训班的 ID"))
    person = IdFilter(field_name="person", label=_("人员"), help_text=_("人员的 ID"))
    status = django_filters.ChoiceFilter(
        choices=EnrolmentStatus.choices, label=_("出勤"), help_text=_("已邀请、已签到或缺席")
    )
    kind = django_filters.ChoiceFilter(
        field_name="session__kind",
        choices=SessionKind.choices,
        label=_("培训类别"),
        help_text=_("培训班的类别"),
    )
    township = IdFilter(
        field_name="person__village__township",
        label=_("人员所在乡镇"),
        help_text=_("人员所在乡镇的 ID"),
    )
    q = django_filters.CharFilter(
        field_name="person__name",
        lookup_expr="contains",
        label=_("姓名"),
        help_text=_("人员姓名（包含）"),
    )

    class Meta:
        model = Enrolment
        fields = ["session", "person", "status", "kind", "township", "q"]


class MentorFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(
        choices=MentorLevel.choices, label=_("层级"), help_text=_("县级、乡镇级或村级")
    )
    township = django_filters.ModelChoiceFilter(
        queryset=scoped_townships, label=_("乡镇"), help_text=_("导师所属乡镇的 ID")
    )
    is_active = django_filters.BooleanFilter(label=_("在库"), help_text=_("false 列出已出库的导师"))
    q = django_filters.CharFilter(
        method="search", label=_("搜索"), help_text=_("姓名或专长（包含）")
    )

    class Meta:
        model = MentorPoolEntry
        fields = ["level", "township", "is_active", "q"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(person__name__contains=value) | Q(strengths__contains=value))


class MentorshipFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=MentorshipStatus.choices, label=_("状态"), help_text=_("帮带中或已结束")
    )
    township = django_filters.ModelChoiceFilter(
        queryset=scoped_townships, label=_("乡镇"), help_text=_("帮带对象所在乡镇的 ID")
    )
    stale = django_filters.BooleanFilter(
        field_name="is_stale",
        label=_("超过 60 天未联系"),
        help_text=_("true 只列帮带中且 60 天内没有帮带记录的结对"),
    )
    person = IdFilter(
        method="with_person", label=_("人员"), help_text=_("作为导师或帮带对象的人员 ID")
    )

    class Meta:
        model = Mentorship
        fields = ["status", "township", "stale", "person"]

    def with_person(self, queryset, name, value):
        involved = Mentorship.objects.filter(Q(mentees=value) | Q(mentors__person=value))
        return queryset.filter(pk__in=involved.values("pk"))
