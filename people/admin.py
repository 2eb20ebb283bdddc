from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.text import compact

from . import privacy, services
from .filters import is_id_number_query, log_id_number_search
from .models import Person
from .throttles import IdNumberSearchThrottle, throttled_message


class PersonAdminForm(forms.ModelForm):
    id_number = forms.CharField(label=_("公民身份号码"), max_length=30)

    class Meta:
        model = Person
        fields = [
            "name",
            "gender",
            "birth_date",
            "ethnicity",
            "education_fulltime",
            "education_inservice",
            "political_status",
            "phone",
            "county",
            "village",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["id_number"].initial = self.instance.id_number

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("id_number"):
            try:
                parsed = services.check_identity(
                    cleaned["id_number"],
                    birth_date=cleaned.get("birth_date"),
                    gender=cleaned.get("gender"),
                )
            except ValidationError as exc:
                raise ValidationError(exc.message_dict) from None
            cleaned["id_number"] = parsed.number
        return cleaned

    def save(self, commit=True):
        self.instance.id_number = self.cleaned_data["id_number"]
        return super().save(commit)


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    form = PersonAdminForm
    list_display = ["name", "gender", "birth_date", "masked_id", "village", "political_status"]
    list_filter = ["gender", "political_status", "education_fulltime", "county"]
    search_fields = ["name"]
    raw_id_fields = ["village"]
    list_select_related = ["village"]

    @admin.display(description=_("公民身份号码"))
    def masked_id(self, person):
        return person.id_number_masked

    def get_search_results(self, request, queryset, search_term):
        """By name, or by a whole ID number: counted in the same 30-a-minute throttle as
        the portal's search, and logged without the number (people.filters)."""
        found, distinct = super().get_search_results(request, queryset, search_term)
        if is_id_number_query(search_term) and privacy.exposure(request.user).search_by_id_number:
            throttle = IdNumberSearchThrottle()
            if not throttle.allow_request(request, self):
                messages.error(request, throttled_message(throttle.wait()))
                return queryset.none(), distinct
            by_number = queryset.with_id_number(compact(search_term).upper())
            log_id_number_search(request.user, by_number.count())
            found = found | by_number
        return found, distinct
