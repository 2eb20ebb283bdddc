"""Abstract bases shared by the domain apps."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .access import ScopedQuerySet


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class StateTransition(models.Model):
    """One step of a state machine (an election's, a township's filing): who, when, why.
    The subclass adds what moved and its `from_state`/`to_state` with its own choices."""

    actor = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.TextField(_("原因"), blank=True)

    class Meta:
        abstract = True


class TombstoneQuerySet(ScopedQuerySet):
    county_lookup = "county_id"
    township_lookup = "township_id"


class Tombstone(models.Model):
    """A deleted row an API client may hold: which resource, which id, when, and where it
    belonged (for scoping). Written by core.sync on delete of the models in SYNC_TOMBSTONES;
    listed at /api/v1/deleted/ (docs/api.md, "Sync")."""

    resource = models.CharField(_("资源"), max_length=60, db_index=True)
    object_id = models.BigIntegerField(_("编号"))
    deleted_at = models.DateTimeField(_("删除时间"), default=timezone.now, db_index=True)
    county_id = models.BigIntegerField(null=True, blank=True)
    township_id = models.BigIntegerField(null=True, blank=True)

    objects = TombstoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("删除记录")
        verbose_name_plural = _("删除记录")
        indexes = [models.Index(fields=["deleted_at", "id"], name="core_tombstone_sync")]

    def __str__(self):
        return f"{self.resource} {self.object_id}"
