"""Optimistic concurrency, once: a row's `version` grows with every save, a writer says which
version it read, and a stale write raises `VersionConflict` — which the API answers with 409
(412 when the version came from an `If-Match` header) in core.api's exception handler, and
pages show as a message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.text import is_digits


class VersionConflict(Exception):
    """Somebody else saved the object first (optimistic locking lost)."""

    default_message = _("数据已被他人修改，请刷新后重试。")

    def __init__(self, message=None):
        super().__init__(str(message or self.default_message))


def check_version(obj, expected_version: int | None, conflict=None) -> None:
    """Raise when `obj` is no longer at `expected_version` (None: no check). `conflict`
    makes the exception: a callable returning a `VersionConflict` (subclass), or a message."""
    if expected_version is None or obj.version == expected_version:
        return
    if callable(conflict):
        raise conflict()
    raise VersionConflict(conflict)


def bump_version(obj, expected_version: int | None = None, *, conflict=None) -> int:
    """Check that `obj` (read under a row lock) is still at `expected_version`, then count
    one more version on it; returns the new version. The only place a version grows."""
    check_version(obj, expected_version, conflict)
    obj.version += 1
    return obj.version


def expected_version(request, body_version: int | None) -> int | None:
    """The version an API caller read: the `If-Match` header (ETag `"3"`; a stale one is
    answered 412) or `version` in the body (409). Remembers on the request which it was."""
    from rest_framework.exceptions import ValidationError

    header = request.headers.get("If-Match")
    if not header:
        return body_version
    text = header.strip().removeprefix("W/").strip('"')
    if not is_digits(text):
        raise ValidationError({"If-Match": _('应为读取时返回的 ETag，如 "3"')})
    request.version_from_if_match = True
    return int(text)
