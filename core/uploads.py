"""Imports in one pass: after a dry run passes, "import now" imports the same file without
choosing it again.

A page that has a dry run keeps the checked file server-side (`keep`), in the cache (Redis
in production, shared by every web process), under a random token and the uploader's id,
for KEEP_SECONDS; the page then offers a button that posts the token alone
(`includes/import_now.html`). `form_input` turns that post back into the form's input — the
kept file, dry run off — so the import runs through the very same form, reader and
importer as an upload. Another user's token, or one past its time, is no file: the page
says the file has expired. The roster import keeps its file on its ImportJob instead
(elections: "import now" on a dry-run job page).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

KEEP_SECONDS = 30 * 60
TOKEN_FIELD = "kept"
EXPIRED = _("检查过的文件已过期（保留 30 分钟），请重新选择文件")


def _key(user, kind: str, token: str) -> str:
    return f"lty:upload:{kind}:{user.pk}:{token}"


def keep(request, kind: str, upload) -> str:
    """Keep the file that just passed its dry run; the token for the "import now" button."""
    upload.seek(0)
    token = secrets.token_urlsafe(16)
    cache.set(
        _key(request.user, kind, token),
        {"name": upload.name, "content": upload.read()},
        KEEP_SECONDS,
    )
    return token


def forget(request, kind: str, token: str | None) -> None:
    if token:
        cache.delete(_key(request.user, kind, token))


@dataclass
class FormInput:
    data: object  # what to bind the upload form to
    files: object
    token: str | None = None  # the kept file's token, when the post named one
    expired: bool = False  # the post named a token that is no longer (or never was) theirs


def form_input(request, kind: str) -> FormInput:
    """The upload form's data and files: the request's own, or — when the post names a kept
    file and carries none — the kept file, imported for real (dry run off)."""
    token = request.POST.get(TOKEN_FIELD, "")
    if not token or request.FILES:
        return FormInput(request.POST, request.FILES)
    kept = cache.get(_key(request.user, kind, token))
    data = request.POST.copy()
    data.pop("dry_run", None)
    if kept is None:
        return FormInput(data, MultiValueDict(), token=token, expired=True)
    upload = SimpleUploadedFile(kept["name"], kept["content"])
    return FormInput(data, MultiValueDict({"file": [upload]}), token=token)


def offer(request, kind: str, upload) -> dict:
    """Template context of the "import now" button for a file that passed its dry run."""
    return {"kept": keep(request, kind, upload), "kept_name": upload.name}
