"""Queue a recompute after any change to post holders or to a person who holds a post;
after any change to training attendance, retire the cached coverage cards and queue a
refresh of the stored coverage of the counties concerned (`composition.coverage`)."""

from collections import defaultdict

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from elections.models import Seat
from elections.signals import seats_changed
from people.models import Person
from training.models import Enrolment, TrainingSession

from . import coverage, fragments, services


def request_after_commit(term_ids, village_ids=None) -> None:
    """Ask for a recompute once the current transaction commits: inside a transaction the
    change goes to its outbox row (one per transaction, however many changes: a demo or a
    bulk import sends hundreds), which becomes requests after the commit."""
    if not transaction.get_connection().in_atomic_block:
        services.composition_request_recompute(term_ids=term_ids, village_ids=village_ids)
        return
    services.recompute_outbox_add(term_ids=term_ids, village_ids=village_ids)


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
def training_changed(sender, instance, created=False, **kwargs):
    # After the commit: a card rendered meanwhile from the old rows must not be stored
    # under the new version.
    transaction.on_commit(fragments.training_changed)
    if sender is Enrolment:
        people = {instance.person_id}
    elif created or kwargs.get("signal") is post_delete:
        # A new session has no enrolments; a deleted one's were deleted first (each sends
        # its own post_delete, with its person).
        people = set()
    else:  # kind, dates or hours changed: everyone enrolled
        people = set(
            Enrolment.objects.filter(session_id=instance.pk).values_list("person_id", flat=True)
        )
    coverage.note_training_change(people)
