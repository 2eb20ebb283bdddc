"""Elections (with their results and the steps of their state machine) and post holders."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.access import API_READ_ROLES, COUNTY_ROLES, EDITOR_ROLES
from core.concurrency import expected_version

from .. import services
from ..filters import ElectionFilter, ResultFilter, SeatFilter
from ..models import Election, ElectionCandidate, Seat
from .serializers import (
    ConfirmSerializer,
    ElectionSerializer,
    ElectionWriteSerializer,
    ReasonSerializer,
    ResultSerializer,
    SeatEndSerializer,
    SeatSerializer,
)


def _candidates():
    return Prefetch(
        "candidates",
        queryset=ElectionCandidate.objects.select_related("person").order_by("-votes", "pk"),
    )


class ElectionViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Elections with their counts, candidates' votes and the legal checks' findings.

    Officials create and update the draft elections of their own township; the county
    certifies. Every finding names the rule it applies.
    """

    filterset_class = ElectionFilter
    read_roles = API_READ_ROLES
    sync_fields = ["updated_at", "village__updated_at"]
    write_roles = EDITOR_ROLES
    ordering_fields = ["held_on", "updated_at"]

    def get_queryset(self):
        return (
            Election.objects.for_user(self.request.user)
            .select_related("village__township", "term")
            .prefetch_related(_candidates())
            .order_by("pk")
        )

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return ElectionWriteSerializer
        return ElectionSerializer

    def _respond(self, election, status=200):
        election = self.get_queryset().get(pk=election.pk)
        return Response(
            ElectionSerializer(election, context=self.get_serializer_context()).data,
            status=status,
        )

    @extend_schema(request=ElectionWriteSerializer, responses={201: ElectionSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ElectionWriteSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        candidates = data.pop("candidates", None)
        election = services.election_create(actor=request.user, **data)
        if candidates:
            election = services.election_results_set(
                election=election, actor=request.user, candidates=_inputs(candidates)
            )
        return self._respond(election, status=201)

    @extend_schema(request=ElectionWriteSerializer, responses={200: ElectionSerializer})
    def update(self, request, *args, **kwargs):
        election = self.get_object()
        serializer = ElectionWriteSerializer(
            election,
            data=request.data,
            partial=kwargs.get("partial", False),
            context=self.get_serializer_context(),
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        for fixed in ("village", "term", "body"):
            value = data.pop(fixed, None)
            if value is not None and value != getattr(election, fixed):
                from django.core.exceptions import ValidationError

                raise ValidationError({fixed: _("创建后不可修改")})
        version = expected_version(request, data.pop("version", None))
        candidates = data.pop("candidates", None)
        if candidates is None:
            election = services.election_update(
                election=election, actor=request.user, expected_version=version, **data
            )
        else:
            election = services.election_results_set(
                election=election,
                actor=request.user,
                expected_version=version,
                candidates=_inputs(candidates),
                **data,
            )
        return self._respond(election)

    @extend_schema(request=None, responses={200: ElectionSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Report the result to the county (township officials). Refused (400, with every
        blocking finding) while a check fails or a warning awaits its written confirmation."""
        return self._respond(
            services.election_submit(election=self.get_object(), actor=request.user)
        )

    @extend_schema(request=ConfirmSerializer, responses={200: ElectionSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Record the written confirmation a warning asks for (e.g. no woman elected)."""
        election = self.get_object()  # first: another township's election is a 404
        serializer = ConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._respond(
            services.election_confirm(
                election=election, actor=request.user, **serializer.validated_data
            )
        )

    @extend_schema(request=None, responses={200: ElectionSerializer})
    @action(detail=True, methods=["post"], write_roles=COUNTY_ROLES)
    def certify(self, request, pk=None):
        """Certify a submitted result (county organizer): it is locked and its winners
        become post holders (seats)."""
        return self._respond(
            services.election_certify(election=self.get_object(), actor=request.user)
        )

    @extend_schema(request=ReasonSerializer, responses={200: ElectionSerializer})
    @action(detail=True, methods=["post"], write_roles=COUNTY_ROLES)
    def unlock(self, request, pk=None):
        """Reopen a certified result (county organizer, with a `reason`); the seats it created
        are removed and the unlock is recorded."""
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._respond(
            services.election_unlock(
                election=self.get_object(), actor=request.user, **serializer.validated_data
            )
        )


def _inputs(candidates):
    return [
        services.CandidateInput(row["person"], row["votes"], row.get("post") or "")
        for row in candidates
    ]


class ResultViewSet(viewsets.ReadOnlyModelViewSet):
    """Every candidate's votes, one row per candidate per election."""

    serializer_class = ResultSerializer
    filterset_class = ResultFilter
    read_roles = API_READ_ROLES
    # a result shows its election's state and its person: their changes are its changes
    sync_fields = ["updated_at", "election__updated_at", "person__updated_at"]

    def get_queryset(self):
        return (
            ElectionCandidate.objects.for_user(self.request.user)
            .select_related("election__term", "election__village__township", "person")
            .order_by("pk")
        )


class SeatViewSet(viewsets.ReadOnlyModelViewSet):
    """Post holders: who holds which post of which body in which village and term."""

    serializer_class = SeatSerializer
    filterset_class = SeatFilter
    read_roles = API_READ_ROLES
    sync_fields = ["updated_at", "person__updated_at", "village__updated_at"]
    write_roles = EDITOR_ROLES

    # What SeatSerializer writes, and no more: the list's rows are 5 joined tables of 57
    # columns, and reading (and parsing) the 30 no one writes was a twentieth of the seats
    # list's CPU (issue 18, fifty users). Only the list: a detail or `end` works on the
    # whole seat.
    list_columns = (
        *("id", "person_id", "village_id", "term_id", "election_id", "updated_at"),
        *("body", "post", "started_on", "ended_on", "end_reason", "end_note", "source"),
        *("person__id", "person__name", "person__gender", "person__birth_date"),
        *("person__id_number_encrypted", "person__political_status"),
        *("person__education_fulltime", "person__education_inservice"),
        *("village__id", "village__name", "village__code", "village__township_id"),
        *("village__township__id", "village__township__code", "term__id", "term__year"),
    )

    def get_queryset(self):
        seats = (
            Seat.objects.for_user(self.request.user)
            .select_related("person", "village__township", "term")
            .order_by("pk")
        )
        return seats.only(*self.list_columns) if self.action == "list" else seats

    @extend_schema(request=SeatEndSerializer, responses={200: SeatSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End a seat (resignation, recall, death or transfer) with the date and reason."""
        seat = self.get_object()  # first: another township's seat is a 404
        serializer = SeatEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        seat = services.seat_end(seat=seat, actor=request.user, **serializer.validated_data)
        return Response(SeatSerializer(seat, context=self.get_serializer_context()).data)
