"""Structured (JSON, one object per line) logs that carry the request id of the request.

`RequestIdFilter` adds `request_id` to every record (from a context variable that
core.middleware.RequestIdMiddleware sets); `JsonFormatter` writes the record as JSON;
`RedactIdNumbersFilter` masks every resident ID number (what validates as one: check
character and birth date), so that no message, argument or traceback text ever writes one to
a log, while timings and other long numbers stay readable.
"""

import contextvars
import datetime as dt
import json
import logging
import re
from datetime import UTC, datetime

from stdnum.cn import ric

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


# A run of 18 characters (17 digits and a digit or X) or of 15 digits, not part of a longer
# number nor the fraction of a decimal (a timing such as 0.5236712406230623s).
ID_NUMBER_PATTERN = re.compile(r"(?<![0-9.])(?:[1-9][0-9]{16}[0-9Xx]|[1-9][0-9]{14})(?![0-9])")


def _birth_date_valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return year >= 1900


def is_id_number(text: str) -> bool:
    """Whether `text` validates as a resident ID number: 18 characters with a valid birth
    date and check character (the check stdnum.cn.ric makes, without its area-code table:
    a number whose area code is unknown for the birth year is still someone's number), or
    an old 15-digit number with a valid birth date."""
    if len(text) == 15:
        return _birth_date_valid(1900 + int(text[6:8]), int(text[8:10]), int(text[10:12]))
    number = text.upper()
    return ric.calc_check_digit(number) == number[17] and _birth_date_valid(
        int(number[6:10]), int(number[10:12]), int(number[12:14])
    )


def redact(text: str) -> str:
    """141028198001011234 -> **************1234 (as people.idnumbers.mask): a log line that
    also holds a birth date must not give the number away. Only what validates as an ID
    number is masked; other long numbers (timings, order numbers) are left as they are."""

    def mask(match):
        whole = match.group(0)
        if not is_id_number(whole):
            return whole
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
