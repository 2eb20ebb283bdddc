"""The API's request parsers (settings REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]). Kept apart
from core.api: DRF imports them while core.api is being imported."""

import io

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers, status


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("请求体过大")
    default_code = "request_too_large"


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a size limit (settings.API_MAX_BODY_BYTES): a larger body is a
    413 before it is read into memory (DRF reads JSON bodies past Django's own limit)."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and str(declared).isdigit() and int(declared) > limit:
            raise RequestTooLarge()
        if stream is not None:
            data = stream.read(limit + 1)
            if len(data) > limit:
                raise RequestTooLarge()
            stream = io.BytesIO(data)
        return super().parse(stream, media_type, parser_context)
