"""Request-wide middleware: a request id on every request, and the API docs' own CSP.

`RequestIdMiddleware` accepts a sane X-Request-ID from a trusted proxy (`TRUSTED_PROXIES`)
and otherwise makes one (a caller could else name the change after someone else's), sets
`request.request_id` (history rows and log lines carry it) and echoes it in the response.
`ApiDocsCSPMiddleware` relaxes the Content Security Policy for the Swagger/Redoc pages only,
whose third-party templates carry inline script and style.
"""

import re
import uuid

from csp.constants import UNSAFE_INLINE

from .clientip import peer_is_trusted_proxy
from .logging import request_id_var

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
API_DOCS_PREFIXES = ("/api/docs/", "/api/redoc/")


def clean_request_id(value: str | None) -> str:
    """The caller's id when it is short and plain (it goes into logs); otherwise a new one."""
    if value and _SAFE_REQUEST_ID.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = (
            request.headers.get(REQUEST_ID_HEADER) if peer_is_trusted_proxy(request) else None
        )
        request.request_id = clean_request_id(incoming)
        token = request_id_var.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


class ApiDocsCSPMiddleware:
    """Must sit inside (after) csp.middleware.CSPMiddleware so that it marks the response first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(API_DOCS_PREFIXES):
            response._csp_update = {
                "script-src": [UNSAFE_INLINE],
                "style-src": [UNSAFE_INLINE],
                "worker-src": ["blob:"],
                "img-src": ["data:"],
            }
        return response
