"""Helpers shared by the training pages."""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _

from core.api import problem_response
from core.forms import form_errors_from


def wants_json(request) -> bool:
    """The roll-call script asks for JSON; plain forms get a redirect."""
    return request.headers.get("X-Requested-With") == "fetch" or "application/json" in (
        request.headers.get("Accept", "")
    )


def error_messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return list(exc.messages)
    return [str(exc)]


def _field_errors(exc: ValidationError) -> list[dict]:
    """Each message of a service's ValidationError as a problem `errors` entry."""
    if hasattr(exc, "error_dict"):
        pairs = [(field, e) for field, errs in exc.error_dict.items() for e in errs]
    else:
        pairs = [(None, e) for e in exc.error_list]
    return [
        {
            "field": None if field == NON_FIELD_ERRORS else field,
            "code": e.code or "invalid",
            "message": " ".join(e.messages),
        }
        for field, e in pairs
    ]


def json_error(exc: Exception) -> JsonResponse:
    """A refusal for the roll-call script, as the problem body every endpoint answers
    (core.api.problem_response): 403 `permission_denied` or 400 `invalid` with `errors`."""
    detail = " ".join(error_messages(exc))
    if isinstance(exc, PermissionDenied):
        return problem_response(403, "permission_denied", detail or _("无权进行此操作"))
    return problem_response(400, "invalid", detail, errors=_field_errors(exc))


def apply_service_error(exc: Exception, form) -> None:
    if isinstance(exc, ValidationError):
        form_errors_from(exc, form)
    else:
        form.add_error(None, str(exc))
