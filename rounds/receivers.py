"""A new county gets its list of risk reasons when it is created, whichever door created it,
so that no read has to write it."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from registry.models import County

from . import services


@receiver(post_save, sender=County, dispatch_uid="rounds_county_created")
def county_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.risk_reasons_ensure(county=instance)
