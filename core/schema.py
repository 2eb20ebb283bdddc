"""Schema helpers for viewsets (apart from core.api: drf-spectacular's AutoSchema imports
DRF's generics, which read the REST_FRAMEWORK defaults that name core.api)."""

from drf_spectacular.openapi import AutoSchema


class SingleObjectSchema(AutoSchema):
    """For a `list` action that returns one object (a funnel, a coverage report), not an
    array: say so in the schema (`schema = SingleObjectSchema()` on the viewset)."""

    def _is_list_view(self, serializer=None) -> bool:
        return False
