"""Form helpers every app's pages share."""

from contextlib import contextmanager

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from core.renderers_forms import render_select
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


def _path_value(row, path: str) -> str:
    for name in path.split("__"):
        row = getattr(row, name, None)
    return str(row or "")


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

    read = []

    def choices():
        # Read once per form: the widget asks for its choices more than once.
        if read:
            return read[0]
        if search:
            shown = queryset.filter(**{f"{search_field}__contains": search})
            rows = list(shown[: limit or PICKER_LIMIT])
        else:
            # Without a search, the first rows by key (an index walk), shown by name:
            # sorting a province's 270,000 people by name took half a second.
            rows = list(queryset.order_by("pk")[: limit or PICKER_LIMIT])
            rows.sort(key=lambda row: (_path_value(row, search_field), row.pk))
        missing = set(chosen) - {row.pk for row in rows}
        if missing:
            rows += list(queryset.filter(pk__in=missing))
        empty = getattr(field, "empty_label", None)
        head = (
            [("", empty)] if empty is not None and not field.widget.allow_multiple_selected else []
        )
        read.append(head + [(row.pk, field.label_from_instance(row)) for row in rows])
        return read[0]

    field.widget.choices = choices


class DateInput(forms.DateInput):
    """The browser's date picker. It reads and writes ISO dates only: with the localized
    format (zh-Hans: 1989/08/08) Chromium shows an empty box and the date looks lost."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class QuickSelect(forms.Select):
    """A select that writes its options itself instead of through a template each, and —
    given `label_field` — reads a ModelChoiceField's rows as values, not model instances:
    an administrator's village select holds a province's 20,328 villages, which took about
    1.5 s to build as instances and render. Same markup; optgroups fall back to the
    template. `parent_field` writes each option's `data-parent` (DependentSelect)."""

    def __init__(self, attrs=None, choices=(), *, label_field=None, parent_field=None):
        super().__init__(attrs, choices)
        self.label_field, self.parent_field = label_field, parent_field

    def rows(self) -> list[tuple]:
        """(value, label, parent) of every option."""
        queryset = getattr(self.choices, "queryset", None)
        if self.label_field and queryset is not None:
            field = self.choices.field
            head = [("", field.empty_label, None)] if field.empty_label is not None else []
            columns = ["pk", self.label_field, self.parent_field or "pk"]
            return head + list(queryset.values_list(*columns))
        rows = []
        for value, label in self.choices:
            row = getattr(value, "instance", None)
            parent = getattr(row, self.parent_field) if row and self.parent_field else None
            rows.append((value, label, parent))
        return rows

    def render(self, name, value, attrs=None, renderer=None):
        rows = self.rows()
        if any(isinstance(label, list | tuple) for _value, label, _parent in rows):
            return super().render(name, value, attrs, renderer)
        final = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final["multiple"] = True
        chosen = {str(v) for v in self.format_value(value)}
        options = []
        for option_value, label, parent in rows:
            key = "" if option_value is None else str(option_value)
            option_attrs = {}
            if key in chosen:
                option_attrs["selected"] = True
                if not self.allow_multiple_selected:
                    chosen = set()
            if self.parent_field and key and parent is not None:
                option_attrs["data-parent"] = parent
            options.append({"value": key, "label": label, "attrs": option_attrs})
        # The markup is the form renderer's (Django's, written in Python): one writer.
        return render_select({"name": name, "attrs": final, "optgroups": [(None, options, 0)]})


class QuickSelectMultiple(QuickSelect, forms.SelectMultiple):
    """QuickSelect for a multiple choice (e.g. a session's audience villages)."""


class DependentSelect(QuickSelect):
    """A select whose options belong to the choice of another field of the same form: each
    option carries its row's `parent_attr` (`data-parent`) and the select names the field it
    follows (`data-follows`); static/js/app.js then offers only the options of the parent
    chosen — the village filter follows the township. The server still accepts any option
    of the queryset (a mismatch only finds nothing)."""

    def __init__(self, *, follows: str, parent_attr: str, attrs=None, label_field=None):
        super().__init__(
            attrs={**(attrs or {}), "data-follows": follows},
            label_field=label_field,
            parent_field=parent_attr,
        )
        self.parent_attr = parent_attr

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        row = getattr(value, "instance", None)
        if row is not None:
            option["attrs"]["data-parent"] = getattr(row, self.parent_attr)
        return option
