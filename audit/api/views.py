"""The change history over the API: one audited model per request, read-only."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets

from core.access import COUNTY_ROLES
from core.api import Pagination

from ..forms import HistoryFilterForm
from ..selectors import audited_model, audited_models, entries, history_for
from .serializers import HistoryEntrySerializer


class HistoryViewSet(viewsets.ViewSet):
    """The history (变更记录) of one kind of object: every create, change and delete, with
    who, when, from where and what changed, within the caller's county."""

    read_roles = COUNTY_ROLES
    write_roles = frozenset()
    pagination_class = Pagination
    serializer_class = HistoryEntrySerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "model",
                OpenApiTypes.STR,
                required=True,
                description=_("对象类型，例如 people.person"),
                enum=[m.label for m in audited_models()],
            ),
            OpenApiParameter("object_id", OpenApiTypes.INT, description=_("对象编号")),
            OpenApiParameter("user", OpenApiTypes.INT, description=_("操作人编号")),
            OpenApiParameter("date_from", OpenApiTypes.DATE, description=_("起始日期")),
            OpenApiParameter("date_to", OpenApiTypes.DATE, description=_("截止日期")),
            OpenApiParameter(
                "change_type",
                OpenApiTypes.STR,
                enum=["+", "~", "-"],
                description=_("+ 新增 ~ 修改 - 删除"),
            ),
            OpenApiParameter("page", OpenApiTypes.INT, description=_("页码")),
            OpenApiParameter("page_size", OpenApiTypes.INT, description=_("每页条数")),
        ],
        responses=HistoryEntrySerializer(many=True),
    )
    def list(self, request):
        audited = audited_model(request.query_params.get("model", ""))
        if audited is None:
            raise serializers.ValidationError({"model": [_("请指定有效的对象类型")]})
        form = HistoryFilterForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        rows = history_for(request.user, audited, **form.filters())
        paginator = self.pagination_class()
        try:
            page = paginator.paginate_queryset(rows, request, view=self)
        except Http404:
            raise
        data = HistoryEntrySerializer(
            entries(page, audited), many=True, context={"audited": audited}
        ).data
        return paginator.get_paginated_response(data)
