"""Who/when/from-where history for every audited model (django-simple-history).

Declare `history = audited_history()` on a model. Each historical row then carries the
user (from HistoryRequestMiddleware), the client IP and the request id of the change.
"""

import functools

from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from .clientip import client_ip

__all__ = ["AuditedHistoricalModel", "audited_history", "client_ip"]


class AuditedHistoricalModel(models.Model):
    history_ip = models.GenericIPAddressField(_("来源 IP"), null=True, blank=True)
    history_request_id = models.CharField(_("请求编号"), max_length=64, blank=True)

    class Meta:
        abstract = True


class AuditedHistoryManager(HistoryManager):
    """simple-history builds its manager class afresh, by `from_queryset`, each time
    `instance.history` is read — and it reads it on every save. The class is the same
    every time: build it once."""

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


def audited_history(**kwargs) -> HistoricalRecords:
    excluded = set(kwargs.pop("excluded_fields", ())) | {"updated_at"}
    return HistoricalRecords(
        bases=[AuditedHistoricalModel],
        excluded_fields=sorted(excluded),
        history_manager=AuditedHistoryManager,
        **kwargs,
    )


@receiver(pre_create_historical_record)
def _stamp_request(sender, history_instance, **kwargs):
    if not isinstance(history_instance, AuditedHistoricalModel):
        return
    request = getattr(HistoricalRecords.context, "request", None)
    if request is None:
        return
    history_instance.history_ip = client_ip(request)
    history_instance.history_request_id = getattr(request, "request_id", "")[:64]
