"""The round's REST API: the board (the same JSON as `manage.py round_board --json`), the
problem ledger (read, report, move), visits (read, record), talks and their coverage, key
persons, liaison, attached units, the "四个一" teams, screenings (read and write) and reports.

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

from accounts.models import User
from core.api import not_in_scope
from core.concurrency import expected_version
from core.roles import API_READ_ROLES, COUNTY_ROLES, EDITOR_ROLES, Role
from people.models import Person
from registry.models import Township

from .. import coverage, selectors, services
from ..choices import PROBLEM_TRANSITIONS, StepStatus
from ..filters import (
    KeyPersonFilter,
    LiaisonFilter,
    ProblemFilter,
    ReportFilter,
    ScreeningFilter,
    TalkFilter,
    TeamFilter,
    UnitFilter,
    VisitFilter,
)
from ..models import (
    AttachedUnit,
    KeyPerson,
    Liaison,
    Problem,
    Report,
    RiskReason,
    Round,
    Screening,
    Talk,
    VillageTeam,
    VisitLog,
)
from ..views import LEDGER_ROLES
from . import serializers as s

ID_REGEX = r"[0-9]{1,18}"
READ_ROLES = API_READ_ROLES | {Role.LIAISON_LEADER}
WRITE_METHODS = ["get", "post", "patch", "delete", "head", "options"]


def owner_person(user, pk):
    """A 开门办事 owner named by id: one of the sitting members of the villages `user` sees
    (else answered like a missing row); the service checks the village."""
    if pk is None:
        return None
    person = (
        Person.objects.filter(
            pk=pk,
            pk__in=coverage.sitting_seats(selectors.visible_villages_for(user)).values("person_id"),
        )
        .order_by()
        .first()
    )
    if person is None:
        raise not_in_scope("owner_person", pk)
    return person


def round_for(user, data) -> Round:
    """The round a write belongs to: the `term` given (a year), else the latest."""
    round_ = selectors.current_round(user, data.pop("term", None))
    if round_ is None:
        raise ValidationError({"term": _("没有该届次的换届工作")})
    return round_


def scoped_village(user, pk, round_=None, field="village"):
    villages = selectors.visible_villages_for(user).filter(pk=pk, is_active=True)
    if round_ is not None:
        villages = villages.filter(township__county_id=round_.county_id)
    village = villages.select_related("township").first()
    if village is None:
        raise not_in_scope(field, pk)
    return village


def scoped_person(user, pk, field="person"):
    person = Person.objects.for_user(user).filter(pk=pk).select_related("village__township")
    person = person.first()
    if person is None:
        raise not_in_scope(field, pk)
    return person


def validated(serializer_class, request, partial=False):
    data = serializer_class(data=request.data, partial=partial)
    data.is_valid(raise_exception=True)
    fields = dict(data.validated_data)
    version = expected_version(request, fields.pop("version", None))
    return fields, version


class DeleteThroughService(mixins.DestroyModelMixin):
    """DELETE runs the app's delete service, which checks the policy and the version: the
    view names it (`delete_service`) and the keyword its row goes by (`delete_keyword`); the
    caller is the actor, `If-Match` the expected version (optional)."""

    delete_service = None
    delete_keyword = ""

    def perform_destroy(self, instance):
        type(self).delete_service(
            **{self.delete_keyword: instance},
            actor=self.request.user,
            expected_version=expected_version(self.request, None),
        )


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
        return Problem.objects.for_user(self.request.user).select_related(
            "village__township", "owner_person"
        )

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
        fields["owner_person"] = owner_person(request.user, fields.get("owner_person"))
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
        """Move the problem: assign (owner — for a 开门办事 need `owner_person`, a sitting
        member of its village's team — deadline), resolve (resolution, evidence), verify,
        reopen (verification_note). Send the `version` read (or `If-Match`) to refuse a move
        made on a stale copy."""
        problem = self.get_object()
        data = s.ProblemMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = expected_version(request, fields.pop("version", None))
        fields["owner_person"] = owner_person(request.user, fields.get("owner_person"))
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


class TalkCoverageQuery(serializers.Serializer):
    """Which round and which part of the caller's scope a coverage covers."""

    term = serializers.IntegerField(required=False, min_value=1980, max_value=2100)
    township = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    village = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class TalkViewSet(mixins.CreateModelMixin, DeleteThroughService, viewsets.ReadOnlyModelViewSet):
    """Talks (谈心谈话 / 警示谈话): record, correct (PATCH, with `version` or `If-Match`),
    remove (DELETE, `If-Match` optional); `coverage` gives who is still to be talked to."""

    serializer_class = s.TalkSerializer
    filterset_class = TalkFilter
    lookup_value_regex = ID_REGEX
    sync_fields = ["updated_at", "village__updated_at", "person__updated_at"]
    read_roles = READ_ROLES
    write_roles = EDITOR_ROLES
    http_method_names = WRITE_METHODS
    delete_service, delete_keyword = services.talk_delete, "talk"

    def get_queryset(self):
        return Talk.objects.for_user(self.request.user).select_related(
            "village__township", "person"
        )

    @extend_schema(request=s.TalkWriteSerializer, responses={201: s.TalkSerializer})
    def create(self, request, *args, **kwargs):
        """Record a talk with a person of the caller's scope (the talk is their village's)."""
        fields, _version = validated(s.TalkWriteSerializer, request)
        person = scoped_person(request.user, fields.pop("person"))
        if person.village is None:
            raise ValidationError({"person": _("该人员没有所属村(社区)")})
        talk = services.talk_create(
            village=person.village, person=person, actor=request.user, **fields
        )
        return Response(s.TalkSerializer(talk).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.TalkUpdateSerializer, responses=s.TalkSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Correct the talk's kind, date, talker or notes."""
        talk = self.get_object()
        fields, version = validated(s.TalkUpdateSerializer, request, partial=True)
        talk = services.talk_update(
            talk=talk, actor=request.user, expected_version=version, **fields
        )
        return Response(s.TalkSerializer(talk).data)

    @extend_schema(
        operation_id="v1_rounds_talks_coverage",
        parameters=[TalkCoverageQuery],
        responses=s.TalkCoverageSerializer,
    )
    @action(detail=False, filterset_class=None, pagination_class=None)
    def coverage(self, request):
        """Coverage of the latest round (or `term`) in the caller's scope (`township`,
        `village` narrow it): sitting members and approved candidates given a heart-to-heart
        talk since the round began, key persons given a warning talk, and per village who
        is still missing."""
        query = TalkCoverageQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = dict(query.validated_data)
        round_ = round_for(request.user, params)
        villages = selectors.visible_villages(request.user, round_)
        if params.get("township"):
            villages = villages.filter(township_id=params["township"])
        if params.get("village"):
            villages = villages.filter(pk=params["village"])
        return Response(s.TalkCoverageSerializer(coverage_json(round_, villages)).data)


def coverage_json(round_, villages) -> dict:
    result = coverage.talk_coverage(round_, villages)
    return {
        "to_talk": result.to_talk,
        "talked": result.talked,
        "key_persons": result.key_persons,
        "key_warned": result.key_warned,
        "warnings": result.warnings,
        "complete": result.complete,
        "villages": [
            {
                "village_id": gap.village_id,
                "code": gap.code,
                "name": gap.name,
                "township": gap.township,
                "missing_talks": [{"id": pk, "name": name} for pk, name in gap.missing_talks],
                "missing_warnings": [{"id": pk, "name": name} for pk, name in gap.missing_warnings],
            }
            for gap in result.villages
        ],
    }


class LiaisonViewSet(
    mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet
):
    """包联: county leaders and their villages. The county organizers add one (at most the
    county's limit per leader) or remove one (a tombstone at /api/v1/deleted/)."""

    serializer_class = s.LiaisonSerializer
    filterset_class = LiaisonFilter
    lookup_value_regex = ID_REGEX
    sync_fields = ["updated_at", "village__updated_at"]  # removals: /api/v1/deleted/
    read_roles = READ_ROLES
    write_roles = COUNTY_ROLES
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        return (
            Liaison.objects.for_user(self.request.user)
            .select_related("leader", "village__township")
            .order_by("leader__username", "village__code")
        )

    @extend_schema(request=s.LiaisonWriteSerializer, responses={201: s.LiaisonSerializer})
    def create(self, request, *args, **kwargs):
        """Make a county leader (a 县级包联领导 user of the county) the liaison of a village."""
        fields, _version = validated(s.LiaisonWriteSerializer, request)
        round_ = round_for(request.user, fields)
        leader = User.objects.filter(
            pk=fields["leader"], role=Role.LIAISON_LEADER, county_id=round_.county_id
        ).first()
        if leader is None:
            raise not_in_scope("leader", fields["leader"])
        village = scoped_village(request.user, fields["village"], round_)
        liaison = services.liaison_add(
            round_=round_, leader=leader, village=village, actor=request.user
        )
        return Response(s.LiaisonSerializer(liaison).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.liaison_remove(liaison=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UnitViewSet(mixins.CreateModelMixin, DeleteThroughService, viewsets.ReadOnlyModelViewSet):
    """Attached units (包村单位) and their villages; written by the county organizers."""

    serializer_class = s.UnitSerializer
    filterset_class = UnitFilter
    lookup_value_regex = ID_REGEX
    sync_fields = ["updated_at"]  # removals: /api/v1/deleted/
    read_roles = READ_ROLES
    write_roles = COUNTY_ROLES
    http_method_names = WRITE_METHODS
    delete_service, delete_keyword = services.unit_delete, "unit"

    def get_queryset(self):
        return (
            AttachedUnit.objects.for_user(self.request.user)
            .prefetch_related("villages")
            .order_by("name", "pk")
        )

    def _villages(self, round_, ids):
        villages = list(selectors.visible_villages(self.request.user, round_).filter(pk__in=ids))
        missing = sorted(set(ids) - {village.pk for village in villages})
        if missing:
            raise not_in_scope("villages", missing[0])
        return villages

    @extend_schema(request=s.UnitWriteSerializer, responses={201: s.UnitSerializer})
    def create(self, request, *args, **kwargs):
        fields, _version = validated(s.UnitWriteSerializer, request)
        round_ = round_for(request.user, fields)
        unit = services.unit_save(
            round_=round_,
            name=fields["name"],
            villages=self._villages(round_, fields.get("villages", [])),
            actor=request.user,
        )
        return Response(s.UnitSerializer(unit).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.UnitUpdateSerializer, responses=s.UnitSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Rename the unit or set its villages (the whole list)."""
        unit = self.get_object()
        fields, version = validated(s.UnitUpdateSerializer, request, partial=True)
        fields.pop("term", None)
        villages = (
            self._villages(unit.round, fields["villages"])
            if "villages" in fields
            else list(unit.villages.all())
        )
        unit = services.unit_save(
            round_=unit.round,
            unit=unit,
            name=fields.get("name", unit.name),
            villages=villages,
            expected_version=version,
            actor=request.user,
        )
        return Response(s.UnitSerializer(unit).data)


class TeamViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """A village's township cadre and work group (two of its "四个一"; the county leader is
    its liaison, the unit its attached unit). POST sets them (creating or replacing)."""

    serializer_class = s.TeamSerializer
    filterset_class = TeamFilter
    lookup_value_regex = ID_REGEX
    sync_fields = ["updated_at", "village__updated_at"]
    read_roles = READ_ROLES
    write_roles = EDITOR_ROLES
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            VillageTeam.objects.for_user(self.request.user)
            .select_related("village__township")
            .order_by("village__code", "pk")
        )

    @extend_schema(request=s.TeamWriteSerializer, responses={201: s.TeamSerializer})
    def create(self, request, *args, **kwargs):
        fields, version = validated(s.TeamWriteSerializer, request)
        round_ = round_for(request.user, fields)
        village = scoped_village(request.user, fields.pop("village"), round_)
        team = services.team_set(
            round_=round_, village=village, actor=request.user, expected_version=version, **fields
        )
        return Response(s.TeamSerializer(team).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.TeamUpdateSerializer, responses=s.TeamSerializer)
    def partial_update(self, request, *args, **kwargs):
        team = self.get_object()
        fields, version = validated(s.TeamUpdateSerializer, request, partial=True)
        team = services.team_set(
            round_=team.round,
            village=team.village,
            township_cadre=fields.get("township_cadre", team.township_cadre),
            work_group=fields.get("work_group", team.work_group),
            expected_version=version,
            actor=request.user,
        )
        return Response(s.TeamSerializer(team).data)


class ScreeningViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Risk screenings (分析研判): reasons from the county's list, note, emergency plan and its
    attachment (`emergency_plan_file`, multipart/form-data). POST for a village already
    screened replaces it."""

    serializer_class = s.ScreeningSerializer
    filterset_class = ScreeningFilter
    lookup_value_regex = ID_REGEX
    sync_fields = ["updated_at", "village__updated_at"]
    read_roles = READ_ROLES
    write_roles = EDITOR_ROLES
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            Screening.objects.for_user(self.request.user)
            .select_related("village__township")
            .prefetch_related("reasons")
            .order_by("village__code", "pk")
        )

    def _reasons(self, round_, ids):
        reasons = list(RiskReason.objects.filter(county_id=round_.county_id, pk__in=ids))
        missing = sorted(set(ids) - {reason.pk for reason in reasons})
        if missing:
            raise not_in_scope("reasons", missing[0])
        return reasons

    @extend_schema(request=s.ScreeningWriteSerializer, responses={201: s.ScreeningSerializer})
    def create(self, request, *args, **kwargs):
        fields, version = validated(s.ScreeningWriteSerializer, request)
        round_ = round_for(request.user, fields)
        village = scoped_village(request.user, fields.pop("village"), round_)
        fields["reasons"] = self._reasons(round_, fields.get("reasons", []))
        screening = services.screening_save(
            round_=round_, village=village, actor=request.user, expected_version=version, **fields
        )
        return Response(s.ScreeningSerializer(screening).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ScreeningUpdateSerializer, responses=s.ScreeningSerializer)
    def partial_update(self, request, *args, **kwargs):
        screening = self.get_object()
        fields, version = validated(s.ScreeningUpdateSerializer, request, partial=True)
        reasons = (
            self._reasons(screening.round, fields["reasons"])
            if "reasons" in fields
            else list(screening.reasons.all())
        )
        screening = services.screening_save(
            round_=screening.round,
            village=screening.village,
            screened_on=fields.get("screened_on", screening.screened_on),
            reasons=reasons,
            note=fields.get("note", screening.note),
            emergency_plan=fields.get("emergency_plan", screening.emergency_plan),
            emergency_plan_file=fields.get("emergency_plan_file"),
            expected_version=version,
            actor=request.user,
        )
        return Response(s.ScreeningSerializer(screening).data)


class KeyPersonViewSet(
    mixins.CreateModelMixin, DeleteThroughService, viewsets.ReadOnlyModelViewSet
):
    """Key persons (重点人员) of the round, flagged with a reason by the county or township:
    each is to be given a warning talk (talks/coverage)."""

    serializer_class = s.KeyPersonSerializer
    filterset_class = KeyPersonFilter
    lookup_value_regex = ID_REGEX
    sync_fields = ["updated_at", "village__updated_at", "person__updated_at"]
    read_roles = READ_ROLES
    write_roles = EDITOR_ROLES
    http_method_names = WRITE_METHODS
    delete_service, delete_keyword = services.key_person_delete, "key_person"

    def get_queryset(self):
        return (
            KeyPerson.objects.for_user(self.request.user)
            .select_related("village__township", "person")
            .order_by("village__code", "person__name", "pk")
        )

    @extend_schema(request=s.KeyPersonWriteSerializer, responses={201: s.KeyPersonSerializer})
    def create(self, request, *args, **kwargs):
        fields, _version = validated(s.KeyPersonWriteSerializer, request)
        round_ = round_for(request.user, fields)
        person = scoped_person(request.user, fields["person"])
        village = None
        if fields.get("village"):
            village = scoped_village(request.user, fields["village"], round_)
        row = services.key_person_save(
            round_=round_,
            person=person,
            village=village,
            reason=fields["reason"],
            actor=request.user,
        )
        return Response(s.KeyPersonSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.KeyPersonUpdateSerializer, responses=s.KeyPersonSerializer)
    def partial_update(self, request, *args, **kwargs):
        row = self.get_object()
        fields, version = validated(s.KeyPersonUpdateSerializer, request, partial=True)
        row = services.key_person_save(
            round_=row.round,
            person=row.person,
            key_person=row,
            reason=fields.get("reason", row.reason),
            expected_version=version,
            actor=request.user,
        )
        return Response(s.KeyPersonSerializer(row).data)


class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    """The stored daily reports and weekly dispatches, as built."""

    serializer_class = s.ReportSerializer
    filterset_class = ReportFilter
    lookup_value_regex = ID_REGEX
    read_roles = READ_ROLES

    def get_queryset(self):
        return Report.objects.for_user(self.request.user).select_related("township")
