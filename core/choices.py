"""Choice labels translated once per field and language, for every model's `get_FOO_display()`.

Django's `get_FOO_display()` builds a dict of the field's choices on every call, hashing each
lazy label (a `gettext` each): a field of fourteen choices costs fourteen translations to show
one value. A list page of fifty people spent a fifth of its time there, an export of 121,000
seats a minute. `install()` (at start-up, `core.apps`) gives every model's choice fields a
display that reads a dict built once per field and language; the answer is the same string.
Fields whose choices are a callable (evaluated anew each time) keep Django's own display.
"""

from __future__ import annotations

from functools import partialmethod

from django.apps import apps
from django.db import models
from django.utils.choices import CallableChoiceIterator
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

_LABELS: dict[tuple[int, str | None], dict] = {}


def labels(field) -> dict:
    """{value: label} of `field`'s choices in the active language (built once, then shared)."""
    key = (id(field), get_language())
    found = _LABELS.get(key)
    if found is None:
        found = {make_hashable(value): str(label) for value, label in field.flatchoices}
        _LABELS[key] = found
    return found


def _display(self, *, field):
    value = getattr(self, field.attname)
    try:
        return labels(field).get(value, value)
    except TypeError:  # an unhashable value (a list in a JSON field with choices)
        return labels(field).get(make_hashable(value), value)


def install() -> None:
    """Replace the `get_FOO_display` Django generated for each choice field of every model
    (not one a model wrote itself)."""
    generated = models.Model._get_FIELD_display
    for model in apps.get_models(include_auto_created=True):
        for name, attribute in list(vars(model).items()):
            if not (isinstance(attribute, partialmethod) and attribute.func is generated):
                continue
            field = attribute.keywords["field"]
            if isinstance(field.choices, CallableChoiceIterator):
                continue
            setattr(model, name, partialmethod(_display, field=field))
