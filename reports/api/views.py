"""Reports REST API: the forms of a scope (read, per scope), the detail behind them (writes
for the township's editors through the same services), the filings (read)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import API_READ_ROLES, EDITOR_ROLES
from core.api import not_in_scope
from core.text import is_digits
from registry.models import Term, Village

from .. import selectors, services
from ..models import (
    ByElection,
    ElectionDetail,
    Recall,
    Representative,
    TownshipFiling,
    VillageDetail,
)
from . import serializers as s

ID_REGEX = r"[0-9]{1,18}"


def _term(year) -> Term:
    term = Term.objects.filter(year=year).first() if 1980 <= int(year) <= 2100 else None
    if term is None:
        raise NotFound(_("没有该年份的届次"))
    return term


@extend_schema(
    responses={200: OpenApiTypes.OBJECT},
    description=_("报表的各项数字：键见 docs/reports.md（scope、registration、voting、elected …）"),
)
class ReportView(APIView):
    """The statutory forms of a county, township or village for a term: the keys of
    `manage.py election_report --json` (docs/reports.md)."""

    read_roles = API_READ_ROLES

    def get(self, request, code, year):
        scope = selectors.scope_for_code(code, request.user)
        if scope is None:
            raise NotFound(_("没有该区划代码的县、乡镇或村"))
        return Response(selectors.contract(selectors.report(scope, _term(year))))


class ElectionDetailViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Registration and how the vote was held, per villagers' committee election."""

    read_roles = API_READ_ROLES
    write_roles = EDITOR_ROLES
    lookup_value_regex = ID_REGEX
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return ElectionDetail.objects.for_user(self.request.user).order_by("pk")

    def get_serializer_class(self):
        if self.action == "partial_update":
            return s.ElectionDetailUpdateSerializer
        return s.ElectionDetailSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        election = data.pop("election")
        serializer.instance = services.election_detail_save(
            election=election, actor=self.request.user, **data
        )

    def perform_update(self, serializer):
        serializer.instance = services.election_detail_save(
            election=serializer.instance.election,
            actor=self.request.user,
            **serializer.validated_data,
        )


class VillageDetailViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """A village's election committee and supervision formation, per term. Create or change
    with `PUT /reports/village-details/{village id}-{year}/` is not offered: PATCH a row, or
    POST to `/reports/village-details/` with `village` and `term` (a year)."""

    read_roles = API_READ_ROLES
    write_roles = EDITOR_ROLES
    serializer_class = s.VillageDetailSerializer
    lookup_value_regex = ID_REGEX
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return VillageDetail.objects.for_user(self.request.user).select_related("term")

    def create(self, request):
        village_id, year = request.data.get("village"), request.data.get("term")
        if (
            not (is_digits(str(village_id)) and len(str(village_id)) < 19 and is_digits(str(year)))
            or len(str(year)) != 4
        ):
            raise ValidationError({"village": _("请给出村的 id 和届次年份")})
        village = Village.objects.for_user(request.user).filter(pk=int(village_id)).first()
        if village is None:
            raise not_in_scope("village", village_id)
        serializer = self.get_serializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        detail = services.village_detail_save(
            village=village,
            term=_term(int(year)),
            actor=request.user,
            **serializer.validated_data,
        )
        return Response(self.get_serializer(detail).data, status=201)

    def perform_update(self, serializer):
        detail = serializer.instance
        serializer.instance = services.village_detail_save(
            village=detail.village,
            term=detail.term,
            actor=self.request.user,
            **serializer.validated_data,
        )


class FilingViewSet(viewsets.ReadOnlyModelViewSet):
    """Each township's filing state for a term (未填报 / 已上报 / 已驳回 / 已接收)."""

    read_roles = API_READ_ROLES
    serializer_class = s.TownshipFilingSerializer
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return TownshipFiling.objects.for_user(self.request.user).select_related("township", "term")


class RepresentativeViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Villager representatives per village and term (writes: the township's editors)."""

    read_roles = API_READ_ROLES
    write_roles = EDITOR_ROLES
    serializer_class = s.RepresentativeSerializer
    lookup_value_regex = ID_REGEX
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return Representative.objects.for_user(self.request.user).select_related("term")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.representative_save(
            village=data.pop("village"), term=data.pop("term"), actor=self.request.user, **data
        )

    def perform_update(self, serializer):
        row = serializer.instance
        data = {k: v for k, v in serializer.validated_data.items() if k not in ("village", "term")}
        serializer.instance = services.representative_save(
            village=row.village, term=row.term, representative=row, actor=self.request.user, **data
        )

    def perform_destroy(self, instance):
        services.representative_delete(representative=instance, actor=self.request.user)


class RecallViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Recalls: a passed recall ends the seat with 罢免 (writes: the township's editors)."""

    read_roles = API_READ_ROLES
    write_roles = EDITOR_ROLES
    serializer_class = s.RecallSerializer
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return Recall.objects.for_user(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.recall_record(
            seat=data.pop("seat"), actor=self.request.user, **data
        )


class ByElectionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """By-elections: the elected person takes a seat of source 补选."""

    read_roles = API_READ_ROLES
    write_roles = EDITOR_ROLES
    serializer_class = s.ByElectionSerializer
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return ByElection.objects.for_user(self.request.user).select_related("term")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.by_election_record(
            village=data.pop("village"),
            term=data.pop("term"),
            person=data.pop("person"),
            actor=self.request.user,
            **data,
        )
