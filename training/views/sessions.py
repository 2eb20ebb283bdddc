"""Session pages: list, form, detail (invitations, presentations, feedback, status)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.access import Role
from core.permissions import RoleRequiredMixin

from .. import selectors, services
from ..choices import SESSION_TRANSITIONS, EnrolmentStatus, SessionStatus
from ..filters import TrainingSessionFilter
from ..forms import FeedbackForm, InvitePeopleForm, PresentationForm, SessionForm
from ..models import TrainingSession
from .common import apply_service_error, error_messages


def visible_session(request, pk, *, for_update=False):
    session = get_object_or_404(
        TrainingSession.objects.for_user(request.user).select_related(
            "county", "township", "audience_term", "audience_township"
        ),
        pk=pk,
    )
    if for_update and not services.can_edit_session(request.user, session):
        raise PermissionDenied(_("您不能修改这次培训"))
    return session


class SessionListView(RoleRequiredMixin, View):
    def get(self, request):
        queryset = selectors.sessions_with_counts(TrainingSession.objects.for_user(request.user))
        session_filter = TrainingSessionFilter(request.GET, queryset=queryset, request=request)
        page = Paginator(session_filter.qs, 30).get_page(request.GET.get("page"))
        return render(
            request,
            "training/session_list.html",
            {"filter": session_filter, "page": page, "total": page.paginator.count},
        )


class SessionFormView(RoleRequiredMixin, View):
    read_roles = write_roles = RoleRequiredMixin.write_roles

    def get_session(self, request, pk):
        return None if pk is None else visible_session(request, pk, for_update=True)

    def get(self, request, pk=None):
        session = self.get_session(request, pk)
        form = SessionForm(instance=session, user=request.user)
        return render(request, "training/session_form.html", {"form": form, "session": session})

    def post(self, request, pk=None):
        session = self.get_session(request, pk)
        form = SessionForm(request.POST, instance=session, user=request.user)
        if form.is_valid():
            data = form.service_kwargs()
            try:
                if session is None:
                    township = form.cleaned_data.get("township")
                    if request.user.role == Role.TOWNSHIP_OFFICIAL:
                        township = request.user.township
                    county = township.county if township else request.user.county
                    if county is None:
                        raise ValidationError(_("请选择主办乡镇"))
                    session = services.session_create(
                        actor=request.user, county=county, township=township, **data
                    )
                else:
                    session = services.session_update(session=session, actor=request.user, **data)
            except (ValidationError, PermissionDenied) as exc:
                apply_service_error(exc, form)
            else:
                messages.success(request, _("已保存培训：%(title)s") % {"title": session.title})
                return redirect(session)
        return render(
            request, "training/session_form.html", {"form": form, "session": session}, status=400
        )


class SessionDetailView(RoleRequiredMixin, View):
    def get(self, request, pk):
        session = visible_session(request, pk)
        return render(request, "training/session_detail.html", self.context(request, session))

    @staticmethod
    def context(request, session, **extra):
        can_edit = services.can_edit_session(request.user, session)
        counts = {
            row["status"]: row["n"]
            for row in session.enrolments.order_by().values("status").annotate(n=Count("pk"))
        }
        context = {
            "session": session,
            "can_edit": can_edit,
            "invited": sum(counts.values()),
            "attended": counts.get(EnrolmentStatus.ATTENDED, 0),
            "absent": counts.get(EnrolmentStatus.ABSENT, 0),
            "pending": counts.get(EnrolmentStatus.INVITED, 0),
            "presentations": session.presentations.all(),
            "feedback": session.feedback.select_related("person"),
            "topics": session.topic_labels(),
            "transitions": [
                (status, SessionStatus(status).label)
                for status in sorted(SESSION_TRANSITIONS[SessionStatus(session.status)])
            ],
            "presentation_form": PresentationForm(),
            "feedback_form": FeedbackForm(),
            "invite_form": (
                InvitePeopleForm(user=request.user, search=request.GET.get("person_q", ""))
                if can_edit
                else None
            ),
        }
        context.update(extra)
        return context


class SessionActionView(RoleRequiredMixin, View):
    """POST-only actions on a session: invite by audience, invite people, status, talks,
    feedback. Each calls one service and comes back to the detail page."""

    def post(self, request, pk, action):
        session = visible_session(request, pk, for_update=True)
        handler = getattr(self, "do_" + action.replace("-", "_"), None)
        if handler is None:
            raise PermissionDenied
        try:
            result = handler(request, session)
        except (ValidationError, PermissionDenied) as exc:
            for message in error_messages(exc):
                messages.error(request, message)
        else:
            if isinstance(result, dict):  # a form with errors: show it on the page
                return render(
                    request,
                    "training/session_detail.html",
                    SessionDetailView.context(request, session, **result),
                    status=400,
                )
        return redirect(session)

    def do_invite_audience(self, request, session):
        result = services.session_invite_audience(session=session, actor=request.user)
        messages.success(
            request,
            _("按受众邀请：受众 %(audience)s 人，新邀请 %(invited)s 人，已在名单中 %(already)s 人")
            % {"audience": result.audience, "invited": result.invited, "already": result.already},
        )

    def do_invite_people(self, request, session):
        form = InvitePeopleForm(request.POST, user=request.user)
        if not form.is_valid():
            return {"invite_form": form}
        result = services.enrolments_invite(
            session=session, persons=form.cleaned_data["persons"], actor=request.user
        )
        messages.success(request, _("新邀请 %(n)s 人") % {"n": result.invited})

    def do_status(self, request, session):
        status = request.POST.get("status", "")
        if status not in SessionStatus.values:
            raise ValidationError(_("未知的状态"))
        services.session_set_status(session=session, status=status, actor=request.user)
        messages.success(request, _("培训状态已改为“%(s)s”") % {"s": SessionStatus(status).label})

    def do_presentation(self, request, session):
        form = PresentationForm(request.POST)
        if not form.is_valid():
            return {"presentation_form": form}
        services.presentation_create(session=session, actor=request.user, **form.cleaned_data)
        messages.success(request, _("已添加授课/发言"))

    def do_feedback(self, request, session):
        form = FeedbackForm(request.POST)
        if not form.is_valid():
            return {"feedback_form": form}
        services.feedback_create(session=session, actor=request.user, **form.cleaned_data)
        messages.success(request, _("已添加反馈"))
