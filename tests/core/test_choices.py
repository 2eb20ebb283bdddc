"""Every model's get_FOO_display() answers Django's label, in the active language, without
translating the field's every label on each call (core.choices)."""

from functools import partialmethod

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from core import choices
from elections.models import Seat
from people.models import Person


def test_every_generated_display_is_replaced():
    generated = models.Model._get_FIELD_display
    left = [
        f"{model.__name__}.{name}"
        for model in apps.get_models(include_auto_created=True)
        for name, attribute in vars(model).items()
        if isinstance(attribute, partialmethod) and attribute.func is generated
    ]
    assert left == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_display_is_djangos_label_in_the_active_language(language):
    with translation.override(language):
        for model in (Person, Seat):
            for field in model._meta.concrete_fields:
                if not field.choices:
                    continue
                for value, label in field.flatchoices:
                    instance = model(**{field.attname: value})
                    shown = getattr(instance, f"get_{field.name}_display")()
                    assert shown == str(label)
                    assert type(shown) is str


def test_unknown_value_is_shown_as_it_is():
    assert Person(gender="x").get_gender_display() == "x"


def test_labels_are_translated_once_per_language(monkeypatch):
    field = Person._meta.get_field("political_status")
    calls = []
    translation.gettext("")  # Django resolves its translation backend on first use
    real = translation._trans.gettext

    def counting(message):
        calls.append(message)
        return real(message)

    with translation.override("en"):
        Person(political_status=field.flatchoices[0][0]).get_political_status_display()
        monkeypatch.setattr(translation._trans, "gettext", counting)
        for _ in range(50):
            Person(political_status=field.flatchoices[0][0]).get_political_status_display()
    assert calls == []
    assert choices.labels(field) is choices.labels(field)
