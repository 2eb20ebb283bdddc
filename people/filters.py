"""The people list's filters, shared by the page and the API. `q` finds by name, or by a
whole ID number for the roles that may see whole numbers (people.privacy); for the others an
ID-shaped `q` is refused (400) rather than answered, so that it cannot confirm a guess. Every
ID search is logged (who, how many found; never the number) and throttled (people.throttles).
"""

import logging
import re

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter
from core.text import compact

from . import idnumbers, privacy
from .choices import Education, Gender, PoliticalStatus
from .models import Person

logger = logging.getLogger("people.search")
ID_SHAPED = re.compile(r"\A[0-9]{17}[0-9X]\Z")
ID_IN_URL = _(
    "身份证号码不能放在网址中查找：请在页面的查找框中输入，接口请用 POST /api/v1/people/search/"
)


def log_id_number_search(user, matches: int) -> None:
    """Who searched by ID number, when (the log line's time) and how many were found; the
    number itself is never logged."""
    logger.info(
        "ID number search by %s (%s): %s match(es)",
        getattr(user, "username", ""),
        getattr(user, "role", ""),
        matches,
        extra={"user_id": getattr(user, "pk", None), "matches": matches},
    )


def is_id_number_query(value) -> bool:
    """Whether a search text is shaped like an 18-character ID number."""
    return bool(value) and bool(ID_SHAPED.match(compact(value).upper()))


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("搜索"),
        help_text=_(
            "姓名（包含）；可见完整身份证号码的角色也可填完整的 18 位号码（精确匹配，"
            "每分钟至多 30 次）；其他角色按号码查找返回 400"
        ),
    )
    township = IdFilter(field_name="village__township", label=_("乡镇"), help_text=_("乡镇的 ID"))
    village = IdFilter(field_name="village", label=_("村(社区)"), help_text=_("村(社区)的 ID"))
    gender = django_filters.ChoiceFilter(
        choices=Gender.choices, label=_("性别"), help_text=_("M 或 F")
    )
    education_fulltime = django_filters.ChoiceFilter(
        choices=Education.choices, label=_("全日制学历"), help_text=_("全日制学历")
    )
    political_status = django_filters.ChoiceFilter(
        choices=PoliticalStatus.choices, label=_("政治面貌"), help_text=_("政治面貌")
    )
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("更新晚于"),
        help_text=_("只返回此时间之后更新的记录（ISO 8601）"),
    )

    class Meta:
        model = Person
        fields = ["q", "township", "village", "gender", "education_fulltime", "political_status"]

    def get_form_class(self):
        form_class = super().get_form_class()
        user = getattr(self.request, "user", None)
        may_search = privacy.exposure(user).search_by_id_number

        def clean_q(form):
            value = form.cleaned_data.get("q")
            if not may_search and is_id_number_query(value):
                raise ValidationError(
                    _("您的角色不能按身份证号码查找人员，请按姓名查找"), code="id_search"
                )
            if is_id_number_query(value) and getattr(self.request, "method", "") == "GET":
                # In a URL the number would reach access logs and browser history.
                raise ValidationError(ID_IN_URL, code="id_in_url")
            return value

        return type(form_class.__name__, (form_class,), {"clean_q": clean_q})

    def search(self, queryset, name, value):
        if is_id_number_query(value):
            found = queryset.filter(id_number_digest=idnumbers.digest(compact(value).upper()))
            log_id_number_search(getattr(self.request, "user", None), found.count())
            return found
        return queryset.filter(Q(name__contains=value.strip()))
