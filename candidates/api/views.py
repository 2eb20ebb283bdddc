"""REST endpoints of candidate vetting. Every write calls candidates.services."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core import policy
from core.access import API_READ_ROLES, COUNTY_ROLES, EDITOR_ROLES, Role
from core.api import not_in_scope
from core.concurrency import expected_version
from registry.models import County, Term, Village

from .. import selectors, services
from ..filters import CandidacyFilter, DecisionFilter, NegativeListFilter, SignOffFilter
from ..models import Candidacy, Decision, NegativeListItem, ReviewDepartment, SignOff
from .serializers import (
    CandidacyCreateSerializer,
    CandidacySerializer,
    CandidacyUpdateSerializer,
    ClearanceSerializer,
    DecideSerializer,
    DecisionSerializer,
    FunnelSerializer,
    NegativeListItemSerializer,
    ReplaceSerializer,
    ReviewDepartmentSerializer,
    ReviewerCandidacySerializer,
    SignOffSerializer,
    WithdrawSerializer,
)

REVIEWER = frozenset({Role.DEPARTMENT_REVIEWER})


def _etag(candidacy) -> str:
    return f'"{candidacy.version}"'


# Department reviewers get the reduced view (ReviewerCandidacySerializer), everybody else the
# whole candidacy: documented as either (core.api.schema_hook makes a "…ForRole" anyOf).
CANDIDACY_FOR_ROLE = PolymorphicProxySerializer(
    component_name="CandidacyForRole",
    serializers=[CandidacySerializer, ReviewerCandidacySerializer],
    resource_type_field_name=None,
)


@extend_schema_view(
    list=extend_schema(responses=CANDIDACY_FOR_ROLE),
    retrieve=extend_schema(responses=CANDIDACY_FOR_ROLE),
)
class CandidacyViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Candidacies (人选). Department reviewers see only names in joint review, with the
    fields a check needs (ID number masked, no phone, no assessment). A retrieve returns an
    ETag (the version); writes accept `If-Match` (412 when stale) or `version` (409)."""

    filterset_class = CandidacyFilter
    read_roles = API_READ_ROLES | REVIEWER
    write_roles = EDITOR_ROLES | REVIEWER
    ordering_fields = ["proposed_at", "updated_at", "stage_changed_at"]
    sync_fields = ["updated_at", "person__updated_at", "village__updated_at"]

    def get_queryset(self):
        return (
            Candidacy.objects.for_user(self.request.user)
            .select_related("person", "village__township", "term", "replaced_by")
            .annotate(has_open_flag=selectors.open_flag_exists())
            .order_by("pk")
        )

    def get_serializer_class(self):
        if self.action == "create":
            return CandidacyCreateSerializer
        if policy.is_department_reviewer(self.request.user):
            return ReviewerCandidacySerializer
        return CandidacySerializer

    def _out(self, candidacy, code=status.HTTP_200_OK):
        candidacy = self.get_queryset().get(pk=candidacy.pk)
        body = self.get_serializer_class()(candidacy, context=self.get_serializer_context())
        if self.get_serializer_class() is CandidacyCreateSerializer:
            body = CandidacySerializer(candidacy, context=self.get_serializer_context())
        response = Response(body.data, status=code)
        response["ETag"] = _etag(candidacy)
        return response

    def retrieve(self, request, *args, **kwargs):
        return self._out(self.get_object())

    @extend_schema(request=CandidacyCreateSerializer, responses={201: CandidacySerializer})
    def create(self, request, *args, **kwargs):
        """Nominate a person (township officials for their township, county organizers)."""
        serializer = CandidacyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        village = (
            Village.objects.for_user(request.user)
            .select_related("township__county")
            .filter(pk=data["village"])
            .first()
        )
        if village is None:
            raise not_in_scope("village", data["village"])
        data.pop("village")
        term = Term.objects.filter(year=data.pop("term")).first()
        if term is None:
            raise ValidationError({"term": _("没有该年份的届次")})
        person_keys = (
            "id_number",
            "name",
            "birth_date",
            "gender",
            "education_fulltime",
            "education_inservice",
            "political_status",
            "phone",
        )
        candidacy = services.candidacy_nominate(
            person_data={k: data.get(k) for k in person_keys},
            village=village,
            term=term,
            body=data["body"],
            post=data["post"],
            source=data["source"],
            actor=request.user,
            assessment=serializer.assessment(),
            audit_recommendation=data.get("audit_recommendation", ""),
        )
        return self._out(candidacy, status.HTTP_201_CREATED)

    @extend_schema(request=CandidacyUpdateSerializer, responses={200: CandidacySerializer})
    def partial_update(self, request, *args, **kwargs):
        """Change the source, five-quality assessment or audit recommendation."""
        candidacy = self.get_object()
        serializer = CandidacyUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        version = expected_version(request, serializer.validated_data.get("version"))
        candidacy = services.candidacy_update(
            candidacy=candidacy,
            expected_version=version,
            actor=request.user,
            source=serializer.validated_data.get("source"),
            assessment=serializer.assessment(),
            audit_recommendation=serializer.validated_data.get("audit_recommendation"),
        )
        return self._out(candidacy)

    @extend_schema(request=DecideSerializer, responses={201: DecisionSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Record a decision at the candidacy's current stage.

        `outcome` is `pass` (to the next stage), `reject` (ends it; needs `negative_items`
        or a `reason`) or `return` (back one stage; needs a `reason`). Meetings (township
        committee, organization department, standing committee) need `meeting_date` and
        `minute_number`. The joint review passes only when every required department has
        passed and no flag is open. Township officials decide nomination, preliminary review
        and township committee for their township; county organizers the other stages.
        Send the version you read (`version`, or `If-Match: "<version>"`): if somebody
        decided first, the answer is 409 (412 with If-Match) and nothing is recorded.
        """
        candidacy = self.get_object()
        serializer = DecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = expected_version(request, data.get("version"))
        decision = services.candidacy_decide(
            candidacy=candidacy,
            outcome=data["outcome"],
            expected_version=version,
            actor=request.user,
            negative_items=data.get("negative_items", []),
            reason=data.get("reason", ""),
            meeting_date=data.get("meeting_date"),
            minute_number=data.get("minute_number", ""),
        )
        response = Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)
        response["ETag"] = f'"{decision.candidacy.version}"'
        return response

    @extend_schema(request=WithdrawSerializer, responses={201: DecisionSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The nominee steps back before approval; `reason` is required."""
        candidacy = self.get_object()
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = expected_version(request, serializer.validated_data.get("version"))
        decision = services.candidacy_withdraw(
            candidacy=candidacy,
            expected_version=version,
            reason=serializer.validated_data["reason"],
            actor=request.user,
        )
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReplaceSerializer, responses={201: CandidacySerializer})
    @action(detail=True, methods=["post"])
    def replace(self, request, pk=None):
        """Nominate a replacement for a rejected or withdrawn candidacy (same post); the old
        one ends as `replaced` and both point to each other."""
        candidacy = self.get_object()
        serializer = ReplaceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = expected_version(request, data.get("version"))
        person_keys = (
            "id_number",
            "name",
            "birth_date",
            "gender",
            "education_fulltime",
            "education_inservice",
            "political_status",
            "phone",
        )
        new = services.candidacy_replace(
            candidacy=candidacy,
            person_data={k: data.get(k) for k in person_keys},
            source=data["source"],
            reason=data["reason"],
            expected_version=version,
            actor=request.user,
            assessment=serializer.assessment(),
            audit_recommendation=data.get("audit_recommendation", ""),
        )
        return self._out(new, status.HTTP_201_CREATED)


class DecisionViewSet(viewsets.ReadOnlyModelViewSet):
    """Decisions (审查决定), oldest first; they are never changed. Record one with
    `POST /candidacies/{id}/decide/`."""

    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter
    read_roles = API_READ_ROLES

    def get_queryset(self):
        return (
            Decision.objects.for_user(self.request.user)
            .select_related("decided_by")
            .prefetch_related("negative_items")
            .order_by("decided_at", "pk")
        )


class SignOffViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Joint-review sign-offs (联审意见). A department reviewer records their department's
    `pass` or `flag` (with negative-list items or a note) on a candidacy in joint review;
    the organization department clears a flag with a reason (`clear`)."""

    serializer_class = SignOffSerializer
    filterset_class = SignOffFilter
    read_roles = API_READ_ROLES | REVIEWER
    write_roles = REVIEWER | COUNTY_ROLES

    def get_queryset(self):
        return (
            SignOff.objects.for_user(self.request.user)
            .select_related("clearance")
            .prefetch_related("negative_items")
            .order_by("signed_at", "pk")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        candidacy = Candidacy.objects.for_user(request.user).filter(pk=data["candidacy"].pk).first()
        if candidacy is None:
            raise not_in_scope("candidacy", data["candidacy"].pk)
        sign_off = services.sign_off_record(
            candidacy=candidacy,
            outcome=data["outcome"],
            actor=request.user,
            negative_items=data.get("negative_items", []),
            note=data.get("note", ""),
        )
        return Response(self.get_serializer(sign_off).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ClearanceSerializer, responses={201: SignOffSerializer})
    @action(detail=True, methods=["post"])
    def clear(self, request, pk=None):
        """The organization department sets a department's flag aside, with a `reason`."""
        sign_off = self.get_object()
        serializer = ClearanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.flag_clear(
            sign_off=sign_off,
            reason=serializer.validated_data["reason"],
            actor=request.user,
        )
        sign_off = self.get_queryset().get(pk=sign_off.pk)
        return Response(self.get_serializer(sign_off).data, status=status.HTTP_201_CREATED)


class NegativeListViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """The county's negative list (负面清单), shipped with the usual items; county
    organizers add items and change or deactivate them (items cited are never deleted)."""

    serializer_class = NegativeListItemSerializer
    filterset_class = NegativeListFilter
    read_roles = API_READ_ROLES | REVIEWER
    write_roles = COUNTY_ROLES

    def get_queryset(self):
        return NegativeListItem.objects.for_user(self.request.user).order_by("county", "number")

    def _county(self):
        county = self.request.user.county or County.objects.order_by("code").first()
        if county is None:
            raise PermissionDenied(_("没有所属的县"))
        return county

    def perform_create(self, serializer):
        serializer.instance = services.negative_item_save(
            county=self._county(), actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        item = serializer.instance
        data = {"text": item.text, "number": item.number, "active": item.active}
        data.update(serializer.validated_data)
        serializer.instance = services.negative_item_save(
            county=item.county, item=item, actor=self.request.user, **data
        )


class SingleObjectSchema(AutoSchema):
    """The funnel's `list` returns one object, not an array: say so in the schema."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class FunnelViewSet(viewsets.GenericViewSet):
    """The vetting funnel (审查漏斗) of the caller's scope: names at each stage, passed,
    rejected (by negative-list item), returned, replaced, withdrawn, and the sources of the
    approved names. Filter by `term` (year), `township` and the other candidacy filters."""

    filterset_class = CandidacyFilter
    read_roles = API_READ_ROLES
    pagination_class = None
    serializer_class = FunnelSerializer
    schema = SingleObjectSchema()

    def get_queryset(self):
        return Candidacy.objects.for_user(self.request.user)

    @extend_schema(
        responses={200: FunnelSerializer},
        parameters=[OpenApiParameter("term", int, description=_("届次年份，如 2021"))],
    )
    def list(self, request):
        rows = self.filter_queryset(self.get_queryset())
        return Response(FunnelSerializer(selectors.funnel(rows)).data)


class ReviewDepartmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The departments of the caller's county's joint review (联审部门): which take part and
    which must pass before a candidacy leaves joint review. Set on the county's page."""

    serializer_class = ReviewDepartmentSerializer
    read_roles = API_READ_ROLES | REVIEWER
    pagination_class = None

    def get_queryset(self):
        return (
            ReviewDepartment.objects.for_user(self.request.user)
            .select_related("county")
            .order_by("county__code", "department")
        )
