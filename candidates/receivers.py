"""A new county gets its reference data (negative list, joint-review departments) when it is
created, whichever door created it, so that no read has to write it."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from registry.models import County

from . import services


@receiver(post_save, sender=County, dispatch_uid="candidates_county_created")
def county_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.county_reference_data_create(county=instance)
