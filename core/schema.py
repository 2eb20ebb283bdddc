"""Schema generation (drf-spectacular), kept apart from core.api: AutoSchema imports DRF's
generics, which read the REST_FRAMEWORK defaults that name core.api."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers


class AutoSchema(SpectacularAutoSchema):
    """The project's schema class (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]): a read-only
    choice whose model field may be blank says that "" is a value (DRF drops `allow_blank`
    from read-only fields, so the enum would otherwise refuse what the API returns)."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if (
            isinstance(field, serializers.ChoiceField)
            and field.read_only
            and not field.allow_blank
            and _model_field_is_blank(field)
        ):
            field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)


def _model_field_is_blank(field) -> bool:
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return False
    try:
        return bool(model._meta.get_field(field.source).blank)
    except Exception:
        return False


class SingleObjectSchema(AutoSchema):
    """For a `list` action that returns one object (a funnel, a coverage report), not an
    array: say so in the schema (`schema = SingleObjectSchema()` on the viewset)."""

    def _is_list_view(self, serializer=None) -> bool:
        return False
