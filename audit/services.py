"""Writes of the audit trail's own rows (the change history writes itself: core/history.py)."""

from __future__ import annotations

from django.utils import timezone

from core import policy
from core.clientip import client_ip

from .models import IdNumberView


@policy.requires_actor
def record_id_number_views(*, actor, shown, where: str, request=None) -> int:
    """One row per whole ID number shown to `actor` on one page or export, in one INSERT.

    `shown`: (person, township_id) pairs. The number itself is not stored."""
    if not shown:
        return 0
    now = timezone.now()
    ip = client_ip(request) if request is not None else None
    request_id = (getattr(request, "request_id", "") or "")[:64] if request is not None else ""
    IdNumberView.objects.bulk_create(
        [
            IdNumberView(
                viewed_at=now,
                user=actor,
                person_id=person.pk,
                county_id=person.county_id,
                township_id=township_id,
                where=where[:64],
                client_ip=ip,
                request_id=request_id,
            )
            for person, township_id in shown
        ],
        batch_size=500,
    )
    return len(shown)
