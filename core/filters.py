"""Filters shared by the apps' FilterSets: id filters that refuse numbers out of range
with a 400 instead of letting the database overflow (a 500)."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MAX_ID = 2**63 - 1


class IdChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, self.queryset.model):
            try:
                number = int(str(value))
            except ValueError:
                number = 0
            if not 0 < number <= MAX_ID:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelIdFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter whose value must be a valid primary key."""

    field_class = IdChoiceField


class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number from 1 to MAX_ID (else a 400 with the form's message)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class BooleanWidget(django_filters.widgets.BooleanWidget):
    """django-filter's true/false select, with labels translated when shown: its own are
    translated once, when the FilterSet class is built, so they stayed Chinese in English."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [
            ("", pgettext_lazy("filter", "不限")),
            ("true", _("是")),
            ("false", _("否")),
        ]
