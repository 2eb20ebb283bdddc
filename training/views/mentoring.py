"""Mentoring pages (青蓝帮带): the mentor pool, pairs with stale flags, check-ins, ending."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.permissions import RoleRequiredMixin

from .. import selectors, services
from ..choices import MentorshipStatus
from ..filters import MentorFilter, MentorshipFilter
from ..forms import CheckInForm, MentorForm, MentorshipEndForm, MentorshipForm
from ..models import MentorPoolEntry, Mentorship
from .common import apply_service_error


class MentorPoolView(RoleRequiredMixin, View):
    def render_page(self, request, form, status=200):
        queryset = MentorPoolEntry.objects.for_user(request.user).select_related(
            "person__village", "township"
        )
        mentor_filter = MentorFilter(request.GET, queryset=queryset, request=request)
        page = Paginator(mentor_filter.qs, 50).get_page(request.GET.get("page"))
        return render(
            request,
            "training/mentor_pool.html",
            {"filter": mentor_filter, "page": page, "total": page.paginator.count, "form": form},
            status=status,
        )

    def get(self, request):
        form = (
            MentorForm(user=request.user, search=request.GET.get("person_q", ""))
            if request.user.role != "county_viewer"
            else None
        )
        return self.render_page(request, form)

    def post(self, request):
        form = MentorForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                entry = services.mentor_add(actor=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                apply_service_error(exc, form)
            else:
                messages.success(request, _("已加入导师库：%(name)s") % {"name": entry.person.name})
                return redirect("training:mentor-pool")
        return self.render_page(request, form, status=400)


class MentorToggleView(RoleRequiredMixin, View):
    def post(self, request, pk):
        entry = get_object_or_404(MentorPoolEntry.objects.for_user(request.user), pk=pk)
        try:
            services.mentor_update(entry=entry, is_active=not entry.is_active, actor=request.user)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        return redirect("training:mentor-pool")


def visible_mentorships(user):
    return selectors.mentorships_with_activity(
        Mentorship.objects.for_user(user).select_related("township")
    )


class MentorshipListView(RoleRequiredMixin, View):
    def get(self, request):
        queryset = visible_mentorships(request.user).prefetch_related("mentors__person", "mentees")
        pair_filter = MentorshipFilter(request.GET, queryset=queryset, request=request)
        page = Paginator(pair_filter.qs, 50).get_page(request.GET.get("page"))
        stale_count = selectors.stale_mentorships(Mentorship.objects.for_user(request.user)).count()
        return render(
            request,
            "training/mentorship_list.html",
            {
                "filter": pair_filter,
                "page": page,
                "total": page.paginator.count,
                "stale_count": stale_count,
                "stale_days": selectors.STALE_AFTER_DAYS,
            },
        )


class MentorshipCreateView(RoleRequiredMixin, View):
    read_roles = write_roles = RoleRequiredMixin.write_roles

    def get(self, request):
        form = MentorshipForm(
            user=request.user,
            search=request.GET.get("person_q", ""),
            initial={"started_on": timezone.localdate()},
        )
        return render(request, "training/mentorship_form.html", {"form": form})

    def post(self, request):
        form = MentorshipForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                pair = services.mentorship_create(actor=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                apply_service_error(exc, form)
            else:
                messages.success(request, _("已建立帮带结对"))
                return redirect(pair)
        return render(request, "training/mentorship_form.html", {"form": form}, status=400)


class MentorshipDetailView(RoleRequiredMixin, View):
    def get_pair(self, request, pk):
        return get_object_or_404(
            visible_mentorships(request.user).prefetch_related(
                "mentors__person", "mentees__village"
            ),
            pk=pk,
        )

    def render_page(self, request, pair, status=200, **forms):
        can_edit = True
        try:
            services.ensure_can_edit_scope(
                request.user, county_id=pair.county_id, township=pair.township
            )
        except PermissionDenied:
            can_edit = False
        context = {
            "pair": pair,
            "checkins": pair.checkins.select_related("recorded_by"),
            "can_edit": can_edit and pair.status == MentorshipStatus.ACTIVE,
            "checkin_form": forms.get("checkin_form")
            or CheckInForm(initial={"date": timezone.localdate()}),
            "end_form": forms.get("end_form")
            or MentorshipEndForm(initial={"ended_on": timezone.localdate()}),
            "history": pair.history.select_related("history_user").order_by("-history_date")[:20],
        }
        return render(request, "training/mentorship_detail.html", context, status=status)

    def get(self, request, pk):
        return self.render_page(request, self.get_pair(request, pk))

    def post(self, request, pk):
        pair = self.get_pair(request, pk)
        if "outcome" in request.POST:
            form, key = MentorshipEndForm(request.POST), "end_form"
        else:
            form, key = CheckInForm(request.POST), "checkin_form"
        if form.is_valid():
            try:
                if key == "end_form":
                    services.mentorship_end(
                        mentorship=pair, actor=request.user, **form.cleaned_data
                    )
                    messages.success(request, _("帮带已结束"))
                else:
                    services.mentorship_check_in(
                        mentorship=pair, actor=request.user, **form.cleaned_data
                    )
                    messages.success(request, _("已添加帮带记录"))
            except (ValidationError, PermissionDenied) as exc:
                apply_service_error(exc, form)
            else:
                return redirect(pair)
        return self.render_page(request, pair, status=400, **{key: form})
