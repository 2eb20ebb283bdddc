"""Helpers shared by the training pages."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse

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


def json_error(exc: Exception) -> JsonResponse:
    status = 403 if isinstance(exc, PermissionDenied) else 400
    return JsonResponse({"ok": False, "errors": error_messages(exc)}, status=status)


def apply_service_error(exc: Exception, form) -> None:
    if isinstance(exc, ValidationError):
        form_errors_from(exc, form)
    else:
        form.add_error(None, str(exc))
