"""The API's JSON renderer (REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"]; apart from core.api,
which DRF's views import). A successful response of one versioned object carries its ETag,
`"<version>"`, whatever the resource: send it back as `If-Match` (core.concurrency)."""

from rest_framework import renderers


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if (
            response is not None
            and 200 <= response.status_code < 300
            and isinstance(data, dict)
            and isinstance(data.get("version"), int)
            and not response.has_header("ETag")
        ):
            response["ETag"] = f'"{data["version"]}"'
        return super().render(data, accepted_media_type, renderer_context)
