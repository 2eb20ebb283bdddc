"""Training REST API: sessions, enrolments and attendance, records, mentoring, coverage.

Reads for every staff role and API clients; writes for organizers and township officials
within their scope (the services decide). People are given by id and name only.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    OuterRef,
    Prefetch,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from composition import coverage
from core.access import API_READ_ROLES, EDITOR_ROLES, Role
from core.schema import SingleObjectSchema
from core.text import is_digits
from people.models import Person
from registry.models import Term, Township

from .. import selectors, services
from ..choices import EnrolmentStatus
from ..filters import EnrolmentFilter, MentorFilter, MentorshipFilter, TrainingSessionFilter
from ..models import Enrolment, MentorPoolEntry, Mentorship, TrainingSession
from . import serializers as s

# Ids in the path: digits only, at most 18 (below 2**63), so "null,null" or a 20-digit number
# does not match the route (404) instead of reaching the ORM (500).
ID_REGEX = r"[0-9]{1,18}"


class TrainingSessionViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Training sessions with invited / attended / absent counts."""

    filterset_class = TrainingSessionFilter
    lookup_value_regex = ID_REGEX
    read_roles = API_READ_ROLES
    write_roles = EDITOR_ROLES
    ordering_fields = ["starts_on", "title", "updated_at"]

    def get_queryset(self):
        return selectors.sessions_with_counts(
            TrainingSession.objects.for_user(self.request.user)
        ).prefetch_related("topics", "audience_villages")

    def get_serializer_class(self):
        if self.action in {"create", "update", "partial_update"}:
            return s.TrainingSessionWriteSerializer
        return s.TrainingSessionSerializer

    def _check_scope(self, data):
        user = self.request.user
        visible = Township.objects.for_user(user)
        for key in ("township", "audience_township"):
            if data.get(key) is not None and not visible.filter(pk=data[key].pk).exists():
                raise ValidationError({key: _("您只能选择本人范围内的乡镇")})

    def _read(self, session, code=status.HTTP_200_OK):
        session = self.get_queryset().get(pk=session.pk)
        return Response(s.TrainingSessionSerializer(session).data, status=code)

    @extend_schema(
        request=s.TrainingSessionWriteSerializer, responses={201: s.TrainingSessionSerializer}
    )
    def create(self, request, *args, **kwargs):
        serializer = s.TrainingSessionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        self._check_scope(data)
        township = data.pop("township", None)
        if request.user.role == Role.TOWNSHIP_OFFICIAL:
            township = request.user.township
        county = township.county if township else request.user.county
        if county is None:
            raise ValidationError({"township": _("请指定主办乡镇")})
        session = services.session_create(
            actor=request.user, county=county, township=township, **data
        )
        return self._read(session, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.TrainingSessionWriteSerializer, responses={200: s.TrainingSessionSerializer}
    )
    def update(self, request, *args, **kwargs):
        session = self.get_object()
        serializer = s.TrainingSessionWriteSerializer(
            session, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        self._check_scope(data)
        if data.pop("township", session.township) != session.township:
            raise ValidationError({"township": _("主办单位不可修改")})
        session = services.session_update(session=session, actor=request.user, **data)
        return self._read(session)

    @extend_schema(request=None, responses={200: s.InviteResultSerializer})
    @action(detail=True, methods=["post"], url_path="invite-audience")
    def invite_audience(self, request, pk=None):
        """Invite everyone of the session's audience (term, bodies, posts, township, villages)
        in one step; people already invited are kept. Refused as a whole (400) when the
        capacity would be exceeded."""
        result = services.session_invite_audience(session=self.get_object(), actor=request.user)
        return Response(s.InviteResultSerializer(result).data)

    @extend_schema(request=s.StatusSerializer, responses={200: s.TrainingSessionSerializer})
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        """Move the session to another status (planned → open → done, or cancelled)."""
        session = self.get_object()  # another township's session is a 404 whatever the body
        serializer = s.StatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = services.session_set_status(
            session=session,
            status=serializer.validated_data["status"],
            actor=request.user,
        )
        return self._read(session)


class EnrolmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Invitations and attendance. `check-in`, `absent` and `undo` record the roll call."""

    serializer_class = s.EnrolmentSerializer
    filterset_class = EnrolmentFilter
    lookup_value_regex = ID_REGEX
    read_roles = API_READ_ROLES
    write_roles = EDITOR_ROLES
    ordering_fields = ["checked_in_at", "invited_at", "updated_at"]

    def get_queryset(self):
        return Enrolment.objects.for_user(self.request.user).select_related(
            "session", "person__village"
        )

    @extend_schema(request=s.EnrolmentCreateSerializer, responses={201: s.InviteResultSerializer})
    def create(self, request):
        """Invite named people to a session (people who hold no seat, e.g. mentors)."""
        serializer = s.EnrolmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = get_object_or_404(
            TrainingSession.objects.for_user(request.user), pk=serializer.validated_data["session"]
        )
        ids = set(serializer.validated_data["persons"])
        persons = list(Person.objects.for_user(request.user).filter(pk__in=ids))
        if len(persons) != len(ids):
            raise ValidationError({"persons": _("有人员不存在或不在您的范围内")})
        result = services.enrolments_invite(session=session, persons=persons, actor=request.user)
        return Response(s.InviteResultSerializer(result).data, status=status.HTTP_201_CREATED)

    def _reply(self, enrolment):
        return Response(s.EnrolmentSerializer(self.get_queryset().get(pk=enrolment.pk)).data)

    @extend_schema(request=s.CheckInSerializer, responses={200: s.EnrolmentSerializer})
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        """Record that the invited person came. A second check-in is a 400."""
        enrolment = self.get_object()
        serializer = s.CheckInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrolment = services.enrolment_check_in(
            enrolment=enrolment,
            actor=request.user,
            at=serializer.validated_data.get("checked_in_at"),
            hours=serializer.validated_data.get("hours"),
        )
        return self._reply(enrolment)

    @extend_schema(request=s.AbsenceSerializer, responses={200: s.EnrolmentSerializer})
    @action(detail=True, methods=["post"])
    def absent(self, request, pk=None):
        """Record an absence with its reason."""
        enrolment = self.get_object()
        serializer = s.AbsenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrolment = services.enrolment_mark_absent(
            enrolment=enrolment,
            reason=serializer.validated_data["reason"],
            actor=request.user,
        )
        return self._reply(enrolment)

    @extend_schema(request=None, responses={200: s.EnrolmentSerializer})
    @action(detail=True, methods=["post"])
    def undo(self, request, pk=None):
        """Put the enrolment back to "invited" (a mistaken roll-call entry)."""
        return self._reply(services.enrolment_undo(enrolment=self.get_object(), actor=request.user))


class TrainingRecordViewSet(viewsets.ReadOnlyModelViewSet):
    """Training records per person: the list gives sessions attended and hours; the detail
    adds every enrolment and hours by topic."""

    lookup_value_regex = ID_REGEX
    read_roles = API_READ_ROLES

    def get_queryset(self):
        # EXISTS and correlated sums, not a join grouped by person: the paginator reads the
        # page's keys without them and the figures for its rows only (a province's
        # administrator: 1 s of joining and grouping 132,000 invitations per page).
        enrolments = Enrolment.objects.filter(person=OuterRef("pk"))
        attended = enrolments.filter(status=EnrolmentStatus.ATTENDED).order_by().values("person")
        return (
            Person.objects.for_user(self.request.user)
            .filter(Exists(enrolments))
            .annotate(
                sessions_attended=Coalesce(
                    Subquery(attended.annotate(n=Count("pk")).values("n")), 0
                ),
                # 0, not null, for someone invited who attended nothing yet (the schema's type)
                total_hours=Coalesce(
                    Subquery(attended.annotate(h=Sum("hours_credited")).values("h")),
                    Value(Decimal(0)),
                    output_field=DecimalField(max_digits=9, decimal_places=1),
                ),
            )
            .order_by("name", "pk")
        )

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.TrainingRecordSerializer
        return s.TrainingRecordSummarySerializer

    def retrieve(self, request, pk=None):
        person = get_object_or_404(
            Person.objects.for_user(request.user).select_related("village"), pk=pk
        )
        record = selectors.training_record(person, user=request.user)
        return Response(s.TrainingRecordSerializer(record).data)


class MentorViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The mentor pool (导师库)."""

    serializer_class = s.MentorSerializer
    filterset_class = MentorFilter
    lookup_value_regex = ID_REGEX
    read_roles = API_READ_ROLES
    write_roles = EDITOR_ROLES

    def get_queryset(self):
        return MentorPoolEntry.objects.for_user(self.request.user).select_related("person__village")

    def perform_create(self, serializer):
        person = get_object_or_404(
            Person.objects.for_user(self.request.user).select_related("village__township"),
            pk=serializer.validated_data["person_id"],
        )
        serializer.instance = services.mentor_add(
            person=person,
            level=serializer.validated_data["level"],
            strengths=serializer.validated_data.get("strengths", ""),
            actor=self.request.user,
        )


class MentorshipViewSet(viewsets.ReadOnlyModelViewSet):
    """Mentoring pairs (one-to-one or one-to-many) with their check-ins; `stale=true` lists
    active pairs without a check-in for 60 days."""

    serializer_class = s.MentorshipSerializer
    filterset_class = MentorshipFilter
    lookup_value_regex = ID_REGEX
    read_roles = API_READ_ROLES
    write_roles = EDITOR_ROLES

    def get_queryset(self):
        return selectors.mentorships_with_activity(
            Mentorship.objects.for_user(self.request.user)
        ).prefetch_related(
            Prefetch("mentors", queryset=MentorPoolEntry.objects.select_related("person__village")),
            Prefetch("mentees", queryset=Person.objects.select_related("village")),
            "checkins",
        )

    def _reply(self, pair, code=status.HTTP_200_OK):
        return Response(
            s.MentorshipSerializer(self.get_queryset().get(pk=pair.pk)).data, status=code
        )

    @extend_schema(request=s.MentorshipCreateSerializer, responses={201: s.MentorshipSerializer})
    def create(self, request):
        """Pair mentors from the pool with mentees."""
        serializer = s.MentorshipCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        mentors = list(
            MentorPoolEntry.objects.for_user(request.user).filter(pk__in=data["mentors"])
        )
        mentees = list(
            Person.objects.for_user(request.user)
            .select_related("village__township")
            .filter(pk__in=data["mentees"])
        )
        if len(mentors) != len(set(data["mentors"])):
            raise ValidationError({"mentors": _("导师必须是导师库中您范围内的成员")})
        if len(mentees) != len(set(data["mentees"])):
            raise ValidationError({"mentees": _("有帮带对象不存在或不在您的范围内")})
        pair = services.mentorship_create(
            mentors=mentors,
            mentees=mentees,
            started_on=data["started_on"],
            goals=data["goals"],
            actor=request.user,
        )
        return self._reply(pair, status.HTTP_201_CREATED)

    @extend_schema(request=s.CheckInRecordSerializer, responses={201: s.MentorshipSerializer})
    @action(detail=True, methods=["post"], url_path="check-ins")
    def check_ins(self, request, pk=None):
        """Add a dated check-in (谈心谈话、现场指导…)."""
        pair = self.get_object()
        serializer = s.CheckInRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.mentorship_check_in(
            mentorship=pair, actor=request.user, **serializer.validated_data
        )
        return self._reply(pair, status.HTTP_201_CREATED)

    @extend_schema(request=s.MentorshipEndSerializer, responses={200: s.MentorshipSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the pairing with its outcome."""
        pair = self.get_object()
        serializer = s.MentorshipEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pair = services.mentorship_end(
            mentorship=pair, actor=request.user, **serializer.validated_data
        )
        return self._reply(pair)


OUTSTANDING_PAGE = 100


class CoverageViewSet(viewsets.ViewSet):
    """Induction coverage of a term, in the caller's scope."""

    read_roles = API_READ_ROLES
    write_roles = frozenset()
    schema = SingleObjectSchema()  # one object, not a list

    @extend_schema(
        parameters=[
            OpenApiParameter("term", int, description=_("届次年份，如 2021；默认最近一届")),
            OpenApiParameter("days", int, description=_("统计基准日后多少天内完成培训，默认 30")),
            OpenApiParameter(
                "page", int, description=_("未完成名单的页码（每页 100 人），默认第 1 页")
            ),
        ],
        responses={200: s.CoverageSerializer},
    )
    def list(self, request):
        """Share of the term's two-committee members who checked in at an induction session
        (新任“两委”履职培训) between the reference date and `days` days after it (inclusive),
        per township and in total, with the list of those outstanding."""
        term_year = request.query_params.get("term")
        terms = Term.objects.all()
        term = (
            terms.filter(year=term_year).first()
            if term_year and is_digits(term_year)
            else terms.in_force()
        )
        if term is None:
            raise ValidationError({"term": _("没有该届次")})
        days = request.query_params.get("days", str(selectors.DEFAULT_COVERAGE_DAYS))
        if not is_digits(days) or int(days) > 3650:
            raise ValidationError({"days": _("天数应为 0 至 3650 的整数")})
        # The stored rows of the caller's counties where they are valid (a province: 1.3 s
        # counted live).
        report = coverage.scope_report(
            term, user=request.user, days=int(days)
        ) or selectors.induction_coverage(term, user=request.user, days=int(days))
        # A page of the outstanding, with their number: a province's administrator had all
        # 150,000 in one answer (34 MB), and a query per person for the village's name.
        outstanding = selectors.induction_outstanding(
            term, user=request.user, days=int(days)
        ).select_related("person__village")
        page = Paginator(outstanding, OUTSTANDING_PAGE).get_page(request.query_params.get("page"))
        report.outstanding = list(page)
        report.outstanding_count = page.paginator.count
        report.outstanding_page = page.number
        return Response(s.CoverageSerializer(report).data)
