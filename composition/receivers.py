"""Queue a recompute after any change to post holders or to a person who holds a post."""

from collections import defaultdict

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from elections.models import Seat
from elections.signals import seats_changed
from people.models import Person

from . import services


@receiver(seats_changed, dispatch_uid="composition_seats_changed")
def seats_changed_received(sender, term_ids=(), village_ids=None, **kwargs):
    term_ids = set(term_ids or ())
    village_ids = set(village_ids) if village_ids else None
    if term_ids:
        transaction.on_commit(
            lambda: services.composition_request_recompute(
                term_ids=term_ids, village_ids=village_ids
            )
        )


@receiver(post_save, sender=Person, dispatch_uid="composition_person_saved")
def person_saved(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return  # A new person holds no seat yet.
    person_id = instance.pk

    def request():
        villages = defaultdict(set)
        for term_id, village_id in Seat.objects.filter(person_id=person_id).values_list(
            "term_id", "village_id"
        ):
            villages[term_id].add(village_id)
        for term_id, ids in villages.items():
            services.composition_request_recompute(term_ids={term_id}, village_ids=ids)

    transaction.on_commit(request)
