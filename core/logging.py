"""Structured (JSON, one object per line) logs that carry the request id of the request.

`RequestIdFilter` adds `request_id` to every record (from a context variable that
core.middleware.RequestIdMiddleware sets); `JsonFormatter` writes the record as JSON;
`RedactIdNumbersFilter` masks anything shaped like a resident ID number, so that no message,
argument or traceback text ever writes one to a log.
"""

import contextvars
import json
import logging
import re
from datetime import UTC, datetime

from .clientip import client_ip

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

# Attributes every LogRecord has; anything else was passed with `extra=` and is kept.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None)).keys()) | {
    "message",
    "asctime",
    "request_id",
    "request",
    "server_time",
}


# 18 digits (the last may be X) or the old 15 digits, not part of a longer number.
ID_NUMBER_PATTERN = re.compile(
    r"(?<![0-9])([1-9][0-9]{5})([0-9]{8}|[0-9]{5})([0-9]{3}[0-9Xx]|[0-9]{2})(?![0-9])"
)


def redact(text: str) -> str:
    """141028198001011234 -> **************1234 (as people.idnumbers.mask): a log line that
    also holds a birth date must not give the number away."""

    def mask(match):
        whole = match.group(0)
        return "*" * (len(whole) - 4) + whole[-4:]

    return ID_NUMBER_PATTERN.sub(mask, text)


class RedactIdNumbersFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            # django.request logs a 4xx/5xx after the middleware has returned; it passes the
            # request itself, which carries the id.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", "") or request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id_var.get(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"] = getattr(request, "method", "")
            entry["path"] = request.path
            if hasattr(request, "META"):
                entry["client_ip"] = client_ip(request)
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, (str, int, float, bool)) else repr(value)
        if record.exc_text or record.exc_info:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        return redact(json.dumps(entry, ensure_ascii=False))
