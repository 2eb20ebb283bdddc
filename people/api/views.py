from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.response import Response

from core.access import API_READ_ROLES, EDITOR_ROLES
from core.api import not_in_scope
from core.concurrency import expected_version
from core.permissions import ReadByPostPermission

from .. import privacy, services
from ..filters import PersonFilter
from ..models import Person
from ..throttles import IdNumberSearchThrottle, throttled_message
from .serializers import PersonSerializer, PersonWriteSerializer


class PersonSearchSerializer(serializers.Serializer):
    """The body of `POST /people/search/`: the list's filters."""

    q = serializers.CharField(help_text="姓名（包含）或完整的 18 位身份证号码（精确匹配）")
    township = serializers.IntegerField(required=False, help_text="乡镇的 ID")
    village = serializers.IntegerField(required=False, help_text="村(社区)的 ID")


class PersonViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """People. `q` finds by name; the roles that see whole ID numbers may also give an exact
    18-character number (30 such searches a minute, then 429), the others get 400 for it.
    Whole ID numbers and birth dates go only to administrators, county organizers and
    township officials; viewers get the last four and the age, API clients the age."""

    filterset_class = PersonFilter
    read_roles = API_READ_ROLES
    write_roles = EDITOR_ROLES
    sync_fields = ["updated_at", "village__updated_at"]
    throttle_classes = [IdNumberSearchThrottle]

    @property
    def ordering_fields(self):
        # Sorting by birth date ranks people by it: with ages, that narrows each birth date.
        if privacy.exposure(getattr(getattr(self, "request", None), "user", None)).birth_date:
            return ["name", "birth_date", "updated_at"]
        return ["name", "updated_at"]

    def throttled(self, request, wait):
        raise Throttled(wait, detail=throttled_message(wait))

    def get_queryset(self):
        return Person.objects.for_user(self.request.user).select_related("village")

    def get_serializer_class(self):
        if self.action in {"create", "update", "partial_update"}:
            return PersonWriteSerializer
        return PersonSerializer

    def _scoped_village(self, village):
        from registry.models import Village

        if (
            village
            and not Village.objects.for_user(self.request.user).filter(pk=village.pk).exists()
        ):
            raise not_in_scope("village", village.pk)
        return village

    @extend_schema(request=PersonSearchSerializer, responses={200: PersonSerializer(many=True)})
    @action(detail=False, methods=["post"], permission_classes=[ReadByPostPermission])
    def search(self, request):
        """Find people as `GET /people/` does, with the filters in the body (`q`, `township`,
        `village`, …), so that an ID number never reaches a URL or an access log: the roles
        that see whole numbers give the 18-character number as `q` (30 such searches a
        minute, then 429); `GET /people/?q=<ID number>` is refused (400). Paged like the
        list."""
        person_filter = PersonFilter(request.data, queryset=self.get_queryset(), request=request)
        if not person_filter.is_valid():
            raise ValidationError(person_filter.errors)
        page = self.paginate_queryset(person_filter.qs.order_by("name", "pk"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=PersonWriteSerializer, responses={201: PersonSerializer})
    def create(self, request, *args, **kwargs):
        serializer = PersonWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        village = self._scoped_village(data["village"])
        person = services.person_create(actor=request.user, county=village.township.county, **data)
        body = PersonSerializer(person, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=PersonWriteSerializer, responses={200: PersonSerializer})
    def update(self, request, *args, **kwargs):
        person = self.get_object()
        partial = kwargs.get("partial", False)
        serializer = PersonWriteSerializer(person, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = expected_version(request, data.pop("version", None))
        if "village" in data:
            self._scoped_village(data["village"])
        person = services.person_update(
            person=person, actor=request.user, expected_version=version, **data
        )
        return Response(PersonSerializer(person, context=self.get_serializer_context()).data)
