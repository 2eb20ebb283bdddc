"""The composition figures over the API: the same object as `manage.py composition_stats`."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.access import API_READ_ROLES

from .. import selectors

TERM = OpenApiParameter("term", OpenApiTypes.INT, description="届次年份，如 2021（默认最近一届）")
SCOPE = OpenApiParameter(
    "scope",
    OpenApiTypes.STR,
    description="区划代码：县 6 位、乡镇 9 位、村 12 位；市 xxxx00、省 xx0000"
    "（默认：乡镇工作人员为本乡镇，其他为本县）",
)


class CompositionViewSet(viewsets.ViewSet):
    """Composition of the two committees ("five rises, one fall"), read from the stored
    figures. Officials see their township and its villages; county roles and county-bound
    API clients their county."""

    read_roles = API_READ_ROLES
    write_roles = frozenset()

    def _row(self, request):
        try:
            term = selectors.resolve_term(request.query_params.get("term"))
            row = selectors.scope_row(request.user, term, request.query_params.get("scope"))
        except selectors.ScopeNotFound:
            raise NotFound(_("没有该届次或区划的统计结果")) from None
        return term, row

    def _respond(self, term, row, body):
        response = Response(body)
        response["X-Computed-At"] = row.computed_at.isoformat()
        response["X-Recompute-Pending"] = str(bool(selectors.pending_terms([term.pk]))).lower()
        return response

    @extend_schema(
        parameters=[TERM, SCOPE],
        responses={200: OpenApiTypes.OBJECT},
        description="某届某区划的结构指标：secretaries、members（count、avg_age 及各项 "
        "{count, pct}）、previous（上届，年龄按本届基准日）、change、targets（五升一降）。"
        "响应头 X-Computed-At 为计算时间。",
    )
    def list(self, request):
        term, row = self._row(request)
        return self._respond(term, row, row.figures)

    @extend_schema(
        parameters=[TERM, SCOPE],
        responses={200: OpenApiTypes.OBJECT},
        description="分布：按年龄段、学历（全日制与在职取高）、政治面貌、性别，"
        "本届（current）与上届（previous），书记与两委成员分列。",
    )
    @action(detail=False)
    def breakdowns(self, request):
        """Distributions by age band, education, political status and gender."""
        term, row = self._row(request)
        return self._respond(term, row, row.breakdowns)

    @extend_schema(
        parameters=[TERM, SCOPE],
        responses={200: OpenApiTypes.OBJECT},
        description="下级列表：县的各乡镇（或乡镇的各村）指标并列，missed 列出未达成的目标。",
    )
    @action(detail=False)
    def children(self, request):
        """The township table of a county (or the village table of a township)."""
        term, parent = self._row(request)
        children = selectors.child_rows(request.user, term, parent.scope_code)
        body = {
            "term": term.year,
            "scope": {
                "kind": parent.scope_kind,
                "code": parent.scope_code,
                "name": parent.scope_name,
            },
            "results": [
                {
                    "kind": row.scope_kind,
                    "code": row.scope_code,
                    "name": row.scope_name,
                    "figures": row.figures,
                    "missed": row.missed_targets,
                }
                for row in children
            ],
        }
        return self._respond(term, parent, body)
