"""The round's REST API: the board (the same JSON as `manage.py round_board --json`), the
problem ledger (read, report, move), visits (read, record), talks, liaison and reports.

Reads for staff, liaison leaders (their villages) and API clients; writes through the same
services as the pages (they decide who may)."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import not_in_scope
from core.concurrency import expected_version
from core.roles import API_READ_ROLES, EDITOR_ROLES, Role
from registry.models import Township

from .. import selectors, services
from ..choices import PROBLEM_TRANSITIONS, StepStatus
from ..filters import LiaisonFilter, ProblemFilter, ReportFilter, TalkFilter, VisitFilter
from ..models import Liaison, Problem, Report, Talk, VisitLog
from ..views import LEDGER_ROLES
from . import serializers as s

ID_REGEX = r"[0-9]{1,18}"
READ_ROLES = API_READ_ROLES | {Role.LIAISON_LEADER}


class BoardQuery(serializers.Serializer):
    term = serializers.IntegerField(required=False, min_value=1980, max_value=2100)
    scope = serializers.RegexField(r"^\d{6}(\d{3})?$", required=False)
    as_of = serializers.DateField(required=False)
    risk_class = serializers.CharField(required=False, max_length=12)
    overdue = serializers.BooleanField(required=False, default=False)
    step = serializers.CharField(required=False, max_length=32)
    status = serializers.ChoiceField(choices=StepStatus.choices, required=False)


class BoardView(APIView):
    """The progress board: each village's status on each step, with the counts per step."""

    read_roles = READ_ROLES

    @extend_schema(parameters=[BoardQuery], responses=s.BoardSerializer)
    def get(self, request):
        query = BoardQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        round_ = selectors.current_round(request.user, params.get("term"))
        if round_ is None:
            raise ValidationError({"term": _("没有该届次的换届工作")})
        township = None
        if len(params.get("scope", "")) == 9:
            township = get_object_or_404(
                Township.objects.for_user(request.user), code=params["scope"]
            )
        result = selectors.board(
            round_,
            user=request.user,
            as_of=params.get("as_of"),
            township=township,
            risk_class=params.get("risk_class", ""),
            overdue_only=params["overdue"],
            step_code=params.get("step", ""),
            status=params.get("status", ""),
        )
        return Response(selectors.board_json(result))


class ProblemViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The problem ledger (问题台账) and the 开门办事 needs: one model with a kind."""

    filterset_class = ProblemFilter
    lookup_value_regex = ID_REGEX
    sync_fields = ["updated_at", "village__updated_at"]  # the row embeds the village's name
    read_roles = READ_ROLES
    write_roles = LEDGER_ROLES
    ordering_fields = ["deadline", "reported_on", "updated_at"]

    def get_queryset(self):
        return Problem.objects.for_user(self.request.user).select_related("village__township")

    def get_serializer_class(self):
        return s.ProblemWriteSerializer if self.action == "create" else s.ProblemSerializer

    @extend_schema(request=s.ProblemWriteSerializer, responses={201: s.ProblemSerializer})
    def create(self, request, *args, **kwargs):
        data = s.ProblemWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        pk = fields.pop("village")
        village = selectors.visible_villages_for(request.user).filter(pk=pk)
        village = village.select_related("township").first()
        if village is None:
            raise not_in_scope("village", pk)
        problem = services.problem_create(village=village, actor=request.user, **fields)
        return Response(s.ProblemSerializer(problem).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="v1_rounds_problems_move",
        request=s.ProblemMoveSerializer,
        responses=s.ProblemSerializer,
        parameters=[OpenApiParameter("move", str, enum=list(PROBLEM_TRANSITIONS), location="path")],
    )
    @action(detail=True, methods=["post"], url_path=r"(?P<move>assign|resolve|verify|reopen)")
    def move(self, request, pk=None, move=None):
        """Move the problem: assign (owner, deadline), resolve (resolution, evidence), verify,
        reopen (verification_note). Send the `version` read (or `If-Match`) to refuse a move
        made on a stale copy."""
        problem = self.get_object()
        data = s.ProblemMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = expected_version(request, fields.pop("version", None))
        problem = services.problem_move(
            problem=problem,
            action=move,
            actor=request.user,
            expected_version=version,
            **fields,
        )
        return Response(s.ProblemSerializer(problem).data)


class VisitViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Visit logs (走访). `totals` gives the printed line for the filtered scope and period."""

    serializer_class = s.VisitSerializer
    filterset_class = VisitFilter
    lookup_value_regex = ID_REGEX
    sync_fields = ["updated_at", "village__updated_at"]
    read_roles = READ_ROLES
    write_roles = EDITOR_ROLES

    def get_queryset(self):
        return VisitLog.objects.for_user(self.request.user).select_related("village__township")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        village = data.pop("village")  # a ScopedPrimaryKeyRelatedField: the caller's scope
        serializer.instance = services.visit_create(
            village=village, actor=self.request.user, **data
        )

    @extend_schema(responses=s.VisitTotalsSerializer)
    @action(detail=False)
    def totals(self, request):
        """Households, people, forums, meetings and difficult villages screened, with the
        line "走访…户、…人，召开座谈会…次、分析研判会…次，排查重难点村…个"."""
        filters = VisitFilter(request.query_params, queryset=self.get_queryset(), request=request)
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        data = filters.form.cleaned_data
        villages = selectors.visible_villages_for(request.user)
        if data.get("township"):
            villages = villages.filter(township=data["township"])
        if data.get("village"):
            villages = villages.filter(pk=data["village"])
        totals = selectors.visit_totals(villages, data.get("start"), data.get("end"))
        return Response(
            s.VisitTotalsSerializer({**totals, "line": selectors.visit_line(totals)}).data
        )


class TalkViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.TalkSerializer
    filterset_class = TalkFilter
    lookup_value_regex = ID_REGEX
    sync_fields = ["updated_at", "village__updated_at", "person__updated_at"]
    read_roles = READ_ROLES

    def get_queryset(self):
        return Talk.objects.for_user(self.request.user).select_related(
            "village__township", "person"
        )


class LiaisonViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.LiaisonSerializer
    filterset_class = LiaisonFilter
    lookup_value_regex = ID_REGEX
    sync_fields = ["updated_at", "village__updated_at"]  # removals: /api/v1/deleted/
    read_roles = READ_ROLES

    def get_queryset(self):
        return (
            Liaison.objects.for_user(self.request.user)
            .select_related("leader", "village__township")
            .order_by("leader__username", "village__code")
        )


class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    """The stored daily reports and weekly dispatches, as built."""

    serializer_class = s.ReportSerializer
    filterset_class = ReportFilter
    lookup_value_regex = ID_REGEX
    read_roles = READ_ROLES

    def get_queryset(self):
        return Report.objects.for_user(self.request.user).select_related("township")
