"""Documented maximum lengths of free text (docs/api.md "Limits").

Every editable `TextField` of the project's models gets a `TextLimitValidator` when the apps
are ready (`CoreConfig.ready`): 2,000 characters, 10,000 for the long plans listed in
`LONG_TEXT_FIELDS`; every editable `DateField`/`DateTimeField` a `DateWindowValidator`
(1900-01-01 … 2100-12-31, the window of the API's `core.api.DateField`), so a date of year 1
or 9999 is refused with the window named, whatever door it came through; rules that know a
narrower window (an election's term, `Election.clean`) check it in the model. The validator
is set on the field's `validators` (not its `_validators`), so migrations do not change;
through it the limit is enforced at every door:

- `Model.full_clean()`, which every service calls before saving (pages, API, imports,
  commands), and `ModelForm` validation;
- DRF's `ModelSerializer`, which copies a model field's validators, so the API refuses the
  text with a 400 before the service runs, and the schema shows `maxLength`;
- a `pre_save` check of the same validators, for a service that saves without `full_clean()`
  (not `bulk_create`/`update`, which send no signal).
"""

import datetime as dt

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.signals import pre_save
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

TEXT_LIMIT = 2_000
LONG_TEXT_LIMIT = 10_000
# "app_label.Model.field" of the free texts that may be long: plans, assessments, goals.
LONG_TEXT_FIELDS = frozenset(
    {
        "rounds.Screening.note",
        "rounds.Screening.emergency_plan",
        "training.Mentorship.goals",
    }
)
PROJECT_APPS = frozenset(
    {
        "accounts",
        "audit",
        "candidates",
        "composition",
        "core",
        "elections",
        "people",
        "registry",
        "reports",
        "rounds",
        "training",
    }
)


@deconstructible
class TextLimitValidator(MaxLengthValidator):
    """At most `limit_value` characters, said in the reader's language with both numbers."""

    message = _("不能超过 %(limit_value)s 个字符（现有 %(show_value)s 个）")
    code = "max_length"


@deconstructible
class DateWindowValidator:
    """A date (or the date of a time) within `earliest`..`latest`, the window named."""

    code = "out_of_window"

    def __init__(self, earliest: dt.date, latest: dt.date):
        self.earliest, self.latest = earliest, latest

    def __call__(self, value):
        day = value.date() if isinstance(value, dt.datetime) else value
        if isinstance(day, dt.date) and not self.earliest <= day <= self.latest:
            raise ValidationError(
                _("应在 %(earliest)s 至 %(latest)s 之间"),
                code=self.code,
                params={"earliest": self.earliest, "latest": self.latest},
            )

    def __eq__(self, other):
        return isinstance(other, DateWindowValidator) and (self.earliest, self.latest) == (
            other.earliest,
            other.latest,
        )


EARLIEST_DATE, LATEST_DATE = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
# Dates whose model checks a narrower window itself, to be named instead of 1900–2100.
OWN_WINDOW_DATE_FIELDS = frozenset({"elections.Election.held_on"})


def _key(field) -> str:
    return f"{field.model._meta.app_label}.{field.model.__name__}.{field.name}"


def limit_for(field) -> int:
    """The maximum length of a model's free-text field."""
    return LONG_TEXT_LIMIT if _key(field) in LONG_TEXT_FIELDS else TEXT_LIMIT


def limited_text_fields():
    """Every editable TextField of the project's models (not encrypted or computed text)."""
    return _project_fields(models.TextField)


def _project_fields(kind):
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS:
            for field in model._meta.concrete_fields:
                if isinstance(field, kind) and field.editable:
                    yield field


def limited_date_fields():
    """Every editable DateField and DateTimeField of the project's models, but those whose
    model checks a narrower window (OWN_WINDOW_DATE_FIELDS)."""
    return (
        field
        for field in _project_fields(models.DateField)
        if _key(field) not in OWN_WINDOW_DATE_FIELDS
    )


def _add(field, validator) -> None:
    if not any(isinstance(v, type(validator)) for v in field.validators):
        field.validators = [*field.validators, validator]


def apply_text_limits() -> None:
    """Give every free-text field its limit and every date its window (idempotent), and
    check them again before every save of those models (`refuse_out_of_limits`)."""
    checked = set()
    for field in limited_text_fields():
        _add(field, TextLimitValidator(limit_for(field)))
        checked.add(field.model)
    for field in limited_date_fields():
        _add(field, DateWindowValidator(EARLIEST_DATE, LATEST_DATE))
        checked.add(field.model)
    for model in checked:
        pre_save.connect(refuse_out_of_limits, sender=model, dispatch_uid=f"limits-{model}")


_LIMIT_VALIDATORS = (TextLimitValidator, DateWindowValidator)


def refuse_out_of_limits(sender, instance, raw=False, **kwargs):
    """The safety net behind `full_clean()`: a service that saves without it (or sets a
    field after it) still cannot store a text over its limit or a date outside its window.
    Fixtures (`raw`) load as they are."""
    if raw:
        return
    errors = {}
    for field in sender._meta.concrete_fields:
        validators = [v for v in field.validators if isinstance(v, _LIMIT_VALIDATORS)]
        value = getattr(instance, field.attname, None)
        if not validators or value in (None, ""):
            continue
        for validator in validators:
            try:
                validator(value)
            except ValidationError as error:
                errors.setdefault(field.name, []).extend(error.error_list)
    if errors:
        raise ValidationError(errors)
