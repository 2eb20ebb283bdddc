"""The project's ModelSerializer: DRF's, with a cheaper way to write a row out.

DRF's `Serializer.to_representation` walks `_readable_fields` (a generator over the bound
fields) for every row and reads each field through `Field.get_attribute`, which checks every
step of the source for a mapping and for a callable. An API list of 50 seats spent 4.5 ms
there (issue 18, fifty users). `ModelSerializer` here lists the readable fields once per
serializer instance (a list's child serves every row) and reads a plain dotted source with
`getattr`; anything else — a mapping row, a callable or missing step, a field that reads its
own way (`source="*"`, method fields, related fields, nested serializers' own look-ups) —
goes through DRF's code, so the output is DRF's, byte for byte
(tests/api/test_serializers_fast.py compares every list endpoint's rows). DRF's own
primary-key field over a foreign key of the row's model reads the key's attribute
(`village_id`), what DRF's pk-only reading returns, without its per-row field look-up.

The fields themselves (`ModelSerializer.get_fields`: the model's fields looked up, their
classes and arguments chosen, the declared ones copied) are built once per serializer
class and copied for each instance, as DRF copies declared fields: 0.3-0.5 ms a list
request less. A class that changes how fields are built (a `build_*` or field-name hook)
builds them DRF's way every time.
"""

import copy
from collections.abc import Mapping

from django.core.exceptions import FieldDoesNotExist
from rest_framework import serializers
from rest_framework.fields import Field, SkipField
from rest_framework.relations import PKOnlyObject, PrimaryKeyRelatedField, RelatedField

_PLAIN_GET_ATTRIBUTE = Field.get_attribute


class _Fallback(Exception):
    """A source step DRF would treat specially: let DRF read the field."""


def _identity(value):
    return value


def _pk_attname(serializer, field) -> str | None:
    """For DRF's own primary-key field over one of the model's foreign keys, the attribute
    that holds the key (`village_id`): what DRF's pk-only reading returns, and its
    `to_representation` writes unchanged. None for anything else."""
    cls = type(field)
    if not (
        isinstance(field, PrimaryKeyRelatedField)
        and cls.get_attribute is RelatedField.get_attribute
        and cls.to_representation is PrimaryKeyRelatedField.to_representation
        and cls.use_pk_only_optimization is PrimaryKeyRelatedField.use_pk_only_optimization
        and field.pk_field is None
        and len(field.source_attrs) == 1
    ):
        return None
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    try:
        model_field = model._meta.get_field(field.source_attrs[0])
    except (AttributeError, FieldDoesNotExist):  # no model, or no such field: DRF reads it
        return None
    return model_field.attname if getattr(model_field, "concrete", False) else None


class FastRepresentation:
    def _read_plan(self):
        plan = self.__dict__.get("_fast_plan")
        if plan is None:
            plan = []
            for field in self.fields.values():
                if field.write_only:
                    continue
                write, on_model = field.to_representation, False
                plain = type(field).get_attribute is _PLAIN_GET_ATTRIBUTE and field.source != "*"
                steps = tuple(field.source_attrs) if plain else None
                attname = None if plain else _pk_attname(self, field)
                if attname is not None:
                    steps, write, on_model = (attname,), _identity, True
                plan.append((field.field_name, field, steps, write, on_model))
            self.__dict__["_fast_plan"] = plan
        return plan

    def to_representation(self, instance):
        if isinstance(instance, Mapping):
            return super().to_representation(instance)
        row = {}
        model = getattr(getattr(self, "Meta", None), "model", None)
        is_model_row = model is not None and isinstance(instance, model)
        for name, field, steps, write, on_model in self._read_plan():
            try:
                if steps is None or (on_model and not is_model_row):
                    raise _Fallback
                attribute = instance
                for step in steps:
                    attribute = getattr(attribute, step)
                    if callable(attribute):
                        raise _Fallback
            except Exception:  # DRF's own reading decides: a default, None, skip or raise
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
                write = field.to_representation
            empty = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            row[name] = None if empty is None else write(attribute)
        return row


# ModelSerializer's hooks that choose the fields; overriding one (it might read the
# instance or the context) opts the class out of the built-once fields.
_FIELD_HOOKS = (
    "get_field_names",
    "get_default_field_names",
    "get_extra_kwargs",
    "include_extra_kwargs",
    "get_uniqueness_extra_kwargs",
    "build_field",
    "build_standard_field",
    "build_relational_field",
    "build_nested_field",
    "build_property_field",
    "build_url_field",
    "build_unknown_field",
)
_built_fields: dict[type, dict | None] = {}


def _fields_are_static(cls) -> bool:
    base = serializers.ModelSerializer
    return all(getattr(cls, hook) is getattr(base, hook) for hook in _FIELD_HOOKS)


class ModelSerializer(FastRepresentation, serializers.ModelSerializer):
    def get_fields(self):
        cls = type(self)
        try:
            built = _built_fields[cls]
        except KeyError:
            built = _built_fields[cls] = super().get_fields() if _fields_are_static(cls) else None
        if built is None:
            return super().get_fields()
        # Field.__deepcopy__ makes each field anew from its arguments: unbound, like the
        # fields DRF builds (validators shared, as DRF shares a declared field's).
        return copy.deepcopy(built)
