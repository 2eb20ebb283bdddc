from rest_framework import mixins, viewsets

from core.access import API_READ_ROLES, EDITOR_ROLES, ensure_can_edit_township

from .. import services
from ..filters import TownshipFilter, VillageFilter
from ..models import County, Term, Township, Village
from .serializers import CountySerializer, TermSerializer, TownshipSerializer, VillageSerializer


class CountyViewSet(viewsets.ReadOnlyModelViewSet):
    """Counties the caller may see."""

    serializer_class = CountySerializer
    read_roles = API_READ_ROLES

    def get_queryset(self):
        return County.objects.for_user(self.request.user).order_by("code")


class TownshipViewSet(viewsets.ReadOnlyModelViewSet):
    """Townships the caller may see."""

    serializer_class = TownshipSerializer
    filterset_class = TownshipFilter
    read_roles = API_READ_ROLES

    def get_queryset(self):
        return Township.objects.for_user(self.request.user).select_related("county")


class VillageViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Villages and communities; officials create and edit those of their own township."""

    serializer_class = VillageSerializer
    filterset_class = VillageFilter
    read_roles = API_READ_ROLES
    write_roles = EDITOR_ROLES
    ordering_fields = ["code", "name", "updated_at"]

    def get_queryset(self):
        return Village.objects.for_user(self.request.user).select_related("township", "merged_into")

    def perform_create(self, serializer):
        ensure_can_edit_township(self.request.user, serializer.validated_data["township"])
        serializer.instance = services.village_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.village_update(
            village=serializer.instance, actor=self.request.user, **serializer.validated_data
        )


class TermViewSet(viewsets.ReadOnlyModelViewSet):
    """Terms (届次) with their reference dates."""

    serializer_class = TermSerializer
    read_roles = API_READ_ROLES
    queryset = Term.objects.all()
    pagination_class = None
