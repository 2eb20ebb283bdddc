"""Queue a recompute after any change to post holders or to a person who holds a post;
retire the cached coverage cards after any change to training attendance."""

import threading
from collections import defaultdict

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from elections.models import Seat
from elections.signals import seats_changed
from people.models import Person
from training.models import Enrolment, TrainingSession

from . import fragments, services

_batches = threading.local()


def request_after_commit(term_ids, village_ids=None) -> None:
    """Ask for a recompute once the current transaction commits, coalescing every change of
    that transaction into one request per term (a demo or a bulk import sends hundreds)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        services.composition_request_recompute(term_ids=term_ids, village_ids=village_ids)
        return
    outermost = connection.atomic_blocks[0]
    batch = getattr(_batches, "current", None)
    if batch is None or batch["atomic"] is not outermost:
        batch = {"atomic": outermost, "whole": set(), "villages": defaultdict(set)}
        _batches.current = batch
        transaction.on_commit(lambda: _flush(batch))
    for term_id in term_ids:
        if village_ids is None:
            batch["whole"].add(term_id)
        else:
            batch["villages"][term_id] |= set(village_ids)


def _flush(batch) -> None:
    if getattr(_batches, "current", None) is batch:
        _batches.current = None
    for term_id in sorted(batch["whole"]):
        services.composition_request_recompute(term_ids={term_id}, village_ids=None)
    for term_id, village_ids in sorted(batch["villages"].items()):
        if term_id not in batch["whole"]:
            services.composition_request_recompute(term_ids={term_id}, village_ids=village_ids)


@receiver(seats_changed, dispatch_uid="composition_seats_changed")
def seats_changed_received(sender, term_ids=(), village_ids=None, **kwargs):
    term_ids = set(term_ids or ())
    if term_ids:
        request_after_commit(term_ids, set(village_ids) if village_ids else None)


@receiver(post_save, sender=Person, dispatch_uid="composition_person_saved")
def person_saved(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return  # A new person holds no seat yet.
    villages = defaultdict(set)
    for term_id, village_id in Seat.objects.filter(person_id=instance.pk).values_list(
        "term_id", "village_id"
    ):
        villages[term_id].add(village_id)
    for term_id, ids in villages.items():
        request_after_commit({term_id}, ids)


@receiver(post_save, sender=Enrolment, dispatch_uid="composition_enrolment_saved")
@receiver(post_delete, sender=Enrolment, dispatch_uid="composition_enrolment_deleted")
@receiver(post_save, sender=TrainingSession, dispatch_uid="composition_session_saved")
@receiver(post_delete, sender=TrainingSession, dispatch_uid="composition_session_deleted")
def training_changed(sender, **kwargs):
    # After the commit: a card rendered meanwhile from the old rows must not be stored
    # under the new version.
    transaction.on_commit(fragments.training_changed)
