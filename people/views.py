"""Pages for people: a scoped, searchable list, a detail page and the person form."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.api import KeysFirstPaginator, problem_response
from core.forms import form_errors_from
from core.permissions import RoleRequiredMixin

from . import privacy, services
from .filters import PersonFilter, is_id_number_query
from .forms import PersonForm
from .models import Person
from .throttles import IdNumberSearchThrottle, throttled_message


class PersonListView(RoleRequiredMixin, View):
    """The scoped list. Its search box posts, so that an ID number typed in it never reaches
    a URL (access logs, browser history): a name search is redirected to the list's GET
    address, an ID-number search answered on the post itself."""

    read_roles = write_roles = RoleRequiredMixin.read_roles

    def get(self, request):
        return self.answer(request, request.GET)

    def post(self, request):
        if not is_id_number_query(request.POST.get("q", "")):
            query = request.POST.copy()
            for key in ("csrfmiddlewaretoken", "page"):
                query.pop(key, None)
            clean = {k: v for k, v in query.items() if v}
            return redirect(
                reverse("people:person-list") + ("?" + urlencode(clean) if clean else "")
            )
        return self.answer(request, request.POST)

    def answer(self, request, data):
        queryset = Person.objects.for_user(request.user).select_related("village__township")
        person_filter = PersonFilter(data, queryset=queryset, request=request)
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
        page = KeysFirstPaginator(queryset, 50).get_page(data.get("page"))
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


PICKER_RESULTS = 20


class PersonSearchView(RoleRequiredMixin, View):
    """The search-as-you-type person pickers' JSON (static/js/person-picker.js): up to 20
    people of the reader's scope whose name contains `q` — or, for the roles that may, whose
    ID number is `q` — optionally in `township` / `village`, each with what tells namesakes
    apart: village, birth year or age (people/privacy.py) and the masked number. A POST, so
    that an ID number never reaches a URL; counted by the ID-search throttle like the list."""

    read_roles = write_roles = RoleRequiredMixin.read_roles

    def post(self, request):
        throttle = IdNumberSearchThrottle()
        if not throttle.allow_request(request, self):
            wait = throttle.wait()
            headers = {"Retry-After": str(int(wait or 60))}
            return problem_response(429, "throttled", throttled_message(wait), headers=headers)
        queryset = Person.objects.for_user(request.user).select_related("village__township")
        person_filter = PersonFilter(request.POST, queryset=queryset, request=request)
        if not person_filter.is_valid():
            errors = [
                {"field": field, "code": "invalid", "message": str(message)}
                for field, messages in person_filter.errors.items()
                for message in messages
            ]
            detail = " ".join(e["message"] for e in errors)
            return problem_response(400, "invalid", detail, errors=errors)
        if not (request.POST.get("q") or "").strip():
            return JsonResponse({"results": []})
        people = person_filter.qs.order_by("name", "pk")[:PICKER_RESULTS]
        on = privacy.age_reference_date()
        entries = [privacy.picker_entry(p, request.user, on=on) for p in people]
        return JsonResponse({"results": entries})


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
