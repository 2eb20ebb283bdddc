"""Incremental sync for API clients (docs/api.md, "Sync"): what changed, in a stable order,
from a cursor, with tombstones for what was deleted.

- A row's `changed_at` is the latest of its own `updated_at` and those of what its
  representation embeds or derives from (a result's election and person, a seat's person and
  village): a viewset names them in `sync_fields` (default: `updated_at`). A certify, which
  changes every result's `state`, therefore brings the results back in the feed.
- `?cursor=` (empty: from the beginning) lists the rows after the cursor ordered by
  (`changed_at`, id), a page at a time; the body's `cursor` is where the next sync starts.
  It never passes `now - API_SYNC_SETTLE_SECONDS`, so a row written by a transaction that
  was still open while the client read is picked up by the next sync; rows near the end of
  a sync may therefore come twice, and a client upserts by id.
- `updated_since` (a time) is exclusive: rows whose `changed_at` is after it.
- Deletions leave a `Tombstone` (resource, id, when, county, township), listed at
  `/api/v1/deleted/` with the same cursor; `SYNC_TOMBSTONES` names the tracked models.
"""

from __future__ import annotations

import base64
import datetime as dt

from django.conf import settings
from django.db.models import DateTimeField, F, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import exceptions

CURSOR_PARAM = "cursor"
CHANGED_AT = "changed_at"


def sync_fields(view, queryset) -> list | None:
    """The timestamps whose latest is a row's `changed_at`, or None: no sync here."""
    fields = getattr(view, "sync_fields", None)
    if fields is not None:
        return list(fields)
    model = getattr(queryset, "model", None)
    if model is not None and any(f.name == "updated_at" for f in model._meta.concrete_fields):
        return ["updated_at"]
    return None


def annotate_changed_at(queryset, fields):
    """`changed_at`: the latest of `fields` (a related one may be missing: then the row's own)."""
    if CHANGED_AT in queryset.query.annotations:
        return queryset
    own, *others = fields
    if not others:
        return queryset.annotate(**{CHANGED_AT: F(own)})
    expressions = [F(own)] + [Coalesce(F(other), F(own)) for other in others]
    return queryset.annotate(**{CHANGED_AT: Greatest(*expressions, output_field=DateTimeField())})


def encode_cursor(moment: dt.datetime, pk: int) -> str:
    raw = f"{moment.astimezone(dt.UTC).isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[dt.datetime, int] | None:
    """(moment, id) of a cursor; None for the empty cursor (from the beginning)."""
    if text == "":
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        moment_text, pk_text = raw.split("|")
        moment = parse_datetime(moment_text)
        pk = int(pk_text)
        if moment is None or moment.tzinfo is None or pk < 0 or pk > 2**63 - 1:
            raise ValueError
        return moment, pk
    except (ValueError, UnicodeDecodeError, base64.binascii.Error):
        raise exceptions.ValidationError(
            {CURSOR_PARAM: [exceptions.ErrorDetail(_("无效的同步游标"), "invalid")]}
        ) from None


def after(queryset, position: tuple[dt.datetime, int] | None):
    """The rows after `position`, in (changed_at, id) order."""
    if position is not None:
        moment, pk = position
        queryset = queryset.filter(
            Q(**{f"{CHANGED_AT}__gt": moment}) | Q(**{CHANGED_AT: moment, "pk__gt": pk})
        )
    return queryset.order_by(CHANGED_AT, "pk")


def settled_horizon() -> dt.datetime:
    """Rows changed before this are assumed committed (no transaction runs longer)."""
    return timezone.now() - dt.timedelta(seconds=settings.API_SYNC_SETTLE_SECONDS)


def resume_cursor(position, last_row, horizon: dt.datetime) -> str:
    """Where the next sync starts: after the last row sent, but never past the horizon
    (nor before where this one started)."""
    key = (getattr(last_row, CHANGED_AT), last_row.pk) if last_row is not None else (horizon, 0)
    if key[0] > horizon:
        key = (horizon, 0)
    if position is not None and position > key:
        key = position
    return encode_cursor(*key)


# --- Tombstones ----------------------------------------------------------------------------


def _place(obj, path: str | None):
    """The id at the end of an ORM path (`village__township`) read from `obj`, or None."""
    from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist

    if path is None:
        return None
    *hops, last = path.split("__")
    try:
        for hop in hops:
            obj = getattr(obj, hop)
            if obj is None:
                return None
        if last in ("pk", "id"):
            return obj.pk
        return getattr(obj, obj._meta.get_field(last).attname)
    except (ObjectDoesNotExist, FieldDoesNotExist, AttributeError):
        return None


def record_deletion(sender, instance, **kwargs):
    """post_delete of a tracked model: leave its tombstone, in the deleting transaction."""
    from .models import Tombstone

    resource = settings.SYNC_TOMBSTONES.get(sender._meta.label_lower)
    if resource is None or instance.pk is None:
        return
    queryset = sender._default_manager.all()
    Tombstone.objects.create(
        resource=resource,
        object_id=instance.pk,
        county_id=_place(instance, getattr(queryset, "county_lookup", None)),
        township_id=_place(instance, getattr(queryset, "township_lookup", None)),
    )


def connect_tombstones():
    """Called by core's AppConfig: one receiver per tracked model (never all models, which
    would turn every bulk delete into one query per row)."""
    from django.apps import apps
    from django.db.models.signals import post_delete

    for label in settings.SYNC_TOMBSTONES:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        post_delete.connect(record_deletion, sender=model, dispatch_uid=f"tombstone:{label}")
