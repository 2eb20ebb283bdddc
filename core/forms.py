"""Form helpers every app's pages share."""

from contextlib import contextmanager

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from core.text import is_digits


def form_errors_from(exc: ValidationError, form) -> None:
    """Put a service's ValidationError on the form, by field where the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@contextmanager
def service_refusals(form):
    """Call a service for a valid form inside this block: a ValidationError it raises lands
    on the form's fields, a PermissionDenied on the form as a whole, and the page shows the
    form again (`if not form.errors:` after the block is the success path)."""
    try:
        yield
    except ValidationError as exc:
        form_errors_from(exc, form)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))


PICKER_LIMIT = 100  # options a person picker lists at most: never a whole county's people


def limit_choices(
    field,
    *,
    search: str = "",
    selected=(),
    search_field: str = "name",
    limit: int | None = None,
    search_url: str | None = None,
    describe=None,
) -> None:
    """Let a choice field over a large table (people) list only the rows already chosen and
    at most `limit` rows whose `search_field` contains `search`, read when the widget renders.

    The field still accepts any row of its queryset (one query on submit), so a page can
    offer a search box instead of an option for every person of the county. `search_url`
    makes the select a search-as-you-type picker (static/js/person-picker.js, Tom Select)
    that asks that JSON endpoint as the user types; `describe(row)` is an option's text
    (for people: village, birth year or age, masked number — what tells namesakes apart)."""
    queryset = field.queryset
    if search_url:
        field.widget.attrs["data-person-search"] = str(search_url)
    if describe is not None:
        field.label_from_instance = describe
    if isinstance(selected, str | int):
        selected = [selected]
    chosen = [int(pk) for pk in selected or () if is_digits(str(pk)) and len(str(pk)) < 19]
    search = (search or "").strip()

    def choices():
        shown = queryset.filter(**{f"{search_field}__contains": search}) if search else queryset
        rows = list(shown[: limit or PICKER_LIMIT])
        missing = set(chosen) - {row.pk for row in rows}
        if missing:
            rows += list(queryset.filter(pk__in=missing))
        empty = getattr(field, "empty_label", None)
        head = (
            [("", empty)] if empty is not None and not field.widget.allow_multiple_selected else []
        )
        return head + [(row.pk, field.label_from_instance(row)) for row in rows]

    field.widget.choices = choices


class DateInput(forms.DateInput):
    """The browser's date picker. It reads and writes ISO dates only: with the localized
    format (zh-Hans: 1989/08/08) Chromium shows an empty box and the date looks lost."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DependentSelect(forms.Select):
    """A select whose options belong to the choice of another field of the same form: each
    option carries its row's `parent_attr` (`data-parent`) and the select names the field it
    follows (`data-follows`); static/js/app.js then offers only the options of the parent
    chosen — the village filter follows the township. The server still accepts any option
    of the queryset (a mismatch only finds nothing)."""

    def __init__(self, *, follows: str, parent_attr: str, attrs=None):
        super().__init__(attrs={**(attrs or {}), "data-follows": follows})
        self.parent_attr = parent_attr

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        row = getattr(value, "instance", None)
        if row is not None:
            option["attrs"]["data-parent"] = getattr(row, self.parent_attr)
        return option
