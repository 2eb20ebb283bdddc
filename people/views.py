"""Pages for people: a scoped, searchable list, a detail page and the person form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.forms import form_errors_from
from core.permissions import RoleRequiredMixin

from . import services
from .filters import PersonFilter
from .forms import PersonForm
from .models import Person
from .throttles import IdNumberSearchThrottle, throttled_message


class PersonListView(RoleRequiredMixin, View):
    def get(self, request):
        queryset = Person.objects.for_user(request.user).select_related("village__township")
        person_filter = PersonFilter(request.GET, queryset=queryset, request=request)
        throttle = IdNumberSearchThrottle()
        status, refusal = 200, ""
        if not throttle.allow_request(request, self):
            status, refusal = 429, throttled_message(throttle.wait())
        elif not person_filter.is_valid():
            status = 400
        if status != 200:
            queryset = queryset.none()
        else:
            queryset = person_filter.qs
        page = Paginator(queryset, 50).get_page(request.GET.get("page"))
        for person in page:
            person.id_display = person.id_number_for(request.user)
        return render(
            request,
            "people/person_list.html",
            {
                "filter": person_filter,
                "page": page,
                "total": page.paginator.count,
                "refusal": refusal,
            },
            status=status,
        )


class PersonDetailView(RoleRequiredMixin, View):
    def get(self, request, pk):
        person = get_object_or_404(
            Person.objects.for_user(request.user).select_related("village__township", "county"),
            pk=pk,
        )
        history = person.history.select_related("history_user").order_by("-history_date")[:20]
        return render(
            request,
            "people/person_detail.html",
            {
                "person": person,
                "id_display": person.id_number_for(request.user),
                "history": history,
            },
        )


class PersonFormView(RoleRequiredMixin, View):
    read_roles = write_roles = RoleRequiredMixin.write_roles

    def get_person(self, request, pk):
        if pk is None:
            return None
        return get_object_or_404(Person.objects.for_user(request.user), pk=pk)

    def get(self, request, pk=None):
        person = self.get_person(request, pk)
        form = PersonForm(user=request.user, person=person)
        return render(request, "people/person_form.html", {"form": form, "person": person})

    def post(self, request, pk=None):
        person = self.get_person(request, pk)
        form = PersonForm(request.POST, user=request.user, person=person)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            data["gender"] = data["gender"] or None
            try:
                if person is None:
                    village = data["village"]
                    person = services.person_create(
                        actor=request.user, county=village.township.county, **data
                    )
                else:
                    person = services.person_update(
                        person=person, actor=request.user, expected_version=version, **data
                    )
            except ValidationError as exc:
                form_errors_from(exc, form)
            except (PermissionDenied, services.PersonConflict) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已保存 %(name)s") % {"name": person.name})
                return redirect(person)
        return render(
            request, "people/person_form.html", {"form": form, "person": person}, status=400
        )
