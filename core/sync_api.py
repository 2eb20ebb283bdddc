"""/api/v1/deleted/: the tombstones of deleted rows, for clients that sync (core.sync)."""

import django_filters
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets
from rest_framework.routers import SimpleRouter

from core.serializers import ModelSerializer

from .models import Tombstone
from .roles import API_READ_ROLES


def resources():
    return sorted(set(settings.SYNC_TOMBSTONES.values()))


class TombstoneSerializer(ModelSerializer):
    id = serializers.IntegerField(source="object_id", help_text=_("被删除记录的编号"))
    resource = serializers.ChoiceField(
        choices=[(r, r) for r in resources()], help_text=_("资源，即 /api/v1/ 下的路径")
    )

    class Meta:
        model = Tombstone
        fields = ["resource", "id", "deleted_at"]


class TombstoneFilter(django_filters.FilterSet):
    resource = django_filters.ChoiceFilter(
        choices=[(r, r) for r in resources()], label=_("资源"), help_text=_("如 seats")
    )

    class Meta:
        model = Tombstone
        fields = ["resource"]


class TombstoneViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Deleted rows (tombstones) of every resource that can be deleted, in the caller's
    scope: sync them with `?cursor=` like any resource and drop the ids from your copy."""

    serializer_class = TombstoneSerializer
    filterset_class = TombstoneFilter
    read_roles = API_READ_ROLES
    sync_fields = ["deleted_at"]
    ordering_fields = ["deleted_at"]

    def get_queryset(self):
        return Tombstone.objects.for_user(self.request.user).order_by("deleted_at", "pk")


router = SimpleRouter()
router.register("deleted", TombstoneViewSet, basename="deleted")
urlpatterns = router.urls
