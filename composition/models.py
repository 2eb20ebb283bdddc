"""Stored composition figures (snapshots) and the queue of pending recomputes."""

from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet
from registry.models import County, Term, Township

from . import figures
from .choices import Metric, ScopeKind


class SnapshotQuerySet(ScopedQuerySet):
    # Officials see their township's row and its villages' rows; county roles their county's
    # rows (not the prefecture/province rows, which have no county).
    county_lookup = "county"
    township_lookup = "township"

    def in_term(self, term):
        return self.filter(term=term)


class CompositionSnapshot(models.Model):
    """The stored counters (`metric` "counters") of one scope in one term, as computed at
    `computed_at`. The published figures are a pure function of them (`composition.figures`),
    derived on read: one source of truth, labels in the reader's language."""

    # Derived rows, rewritten in bulk: no database-level foreign keys (no per-row checks on
    # COPY); the ORM still cascades deletes of terms, counties and townships.
    term = models.ForeignKey(
        Term,
        db_constraint=False,
        on_delete=models.CASCADE,
        related_name="composition_snapshots",
        verbose_name=_("届次"),
    )
    scope_kind = models.CharField(_("范围类型"), max_length=12, choices=ScopeKind.choices)
    scope_code = models.CharField(_("区划代码"), max_length=12)
    scope_name = models.CharField(_("名称"), max_length=50, blank=True)
    parent_code = models.CharField(_("上级区划代码"), max_length=12, blank=True)
    county = models.ForeignKey(
        County,
        db_constraint=False,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("县(市、区)"),
    )
    township = models.ForeignKey(
        Township,
        db_constraint=False,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("乡镇"),
    )
    metric = models.CharField(_("指标"), max_length=12, choices=Metric.choices)
    value = models.JSONField(_("值"))
    computed_at = models.DateTimeField(_("计算时间"))

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("结构统计快照")
        verbose_name_plural = _("结构统计快照")
        ordering = ["term", "scope_kind", "scope_code", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "scope_kind", "scope_code", "metric"],
                name="composition_snapshot_unique_scope_metric",
                violation_error_message=_("该范围本届的此项指标已存在"),
            )
        ]
        indexes = [
            models.Index(
                fields=["term", "metric", "scope_kind", "parent_code"],
                name="composition_snap_children",
            )
        ]

    def __str__(self):
        return f"{self.term} {self.get_scope_kind_display()} {self.scope_code} {self.metric}"

    @cached_property
    def figures(self) -> dict:
        """The published object: counts, averages, percentages, previous, change, targets."""
        return figures.published(self.value)

    @cached_property
    def breakdowns(self) -> dict:
        return figures.breakdowns(self.value)

    @property
    def missed_targets(self) -> list[str]:
        return figures.missed_targets(self.figures)


class RecomputeRequest(models.Model):
    """A pending recompute of one term; bursts of changes update one row, so run once.

    `village_ids` lists the villages whose seats changed (an incremental recompute), or is
    null for a full recompute. `version` grows with every request so that a running task
    can tell whether something changed while it ran.
    """

    term = models.OneToOneField(
        Term,
        on_delete=models.CASCADE,
        related_name="composition_request",
        verbose_name=_("届次"),
    )
    village_ids = models.JSONField(_("变动的村"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    requested_at = models.DateTimeField(_("请求时间"))
    queued_at = models.DateTimeField(_("排队时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待重算")
        verbose_name_plural = _("待重算")

    def __str__(self):
        return f"{self.term} v{self.version}"


class RecomputeOutbox(models.Model):
    """The changes of one transaction that need recomputing, written inside it (an outbox):
    committed with the change or rolled back with it. After the commit it becomes
    `RecomputeRequest`s (`services.recompute_outbox_flush`); a row left behind (the process
    died between commit and flush) is flushed by the periodic requeue.

    `whole`: term ids to recompute entirely; `villages`: {term id: [village ids]}."""

    token = models.CharField(_("批次"), max_length=32, unique=True)
    whole = models.JSONField(_("整届重算"), default=list, blank=True)
    villages = models.JSONField(_("变动的村"), default=dict, blank=True)
    created_at = models.DateTimeField(_("写入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("待提交重算")
        verbose_name_plural = _("待提交重算")

    def __str__(self):
        return self.token


class TrainingCoverage(models.Model):
    """The training coverage card of one county or township in one term, as
    `training.selectors.induction_coverage` counted it at `computed_at` (issue 17 §4): the
    dashboard reads this row instead of two grouped queries over the scope's seats and
    induction check-ins. Written by `composition.coverage` after a recompute of the term and
    after any change to an enrolment or a session; valid for the term's `reference_date`
    and `days` it was counted with (otherwise the card is counted live).

    `rows`: the card's table, one [township id, name, members, newcomers, completed] per
    township with members (a township's card: its own line only)."""

    term = models.ForeignKey(
        Term,
        db_constraint=False,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("届次"),
    )
    scope_kind = models.CharField(_("范围类型"), max_length=12, choices=ScopeKind.choices)
    scope_code = models.CharField(_("区划代码"), max_length=12)
    county = models.ForeignKey(
        County,
        db_constraint=False,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("县(市、区)"),
    )
    township = models.ForeignKey(
        Township,
        db_constraint=False,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("乡镇"),
    )
    name = models.CharField(_("名称"), max_length=50)
    reference_date = models.DateField(_("统计基准日"))
    days = models.PositiveSmallIntegerField(_("天数"))
    members = models.PositiveIntegerField(_("成员"))
    newcomers = models.PositiveIntegerField(_("新任"))
    completed = models.PositiveIntegerField(_("已完成"))
    rows = models.JSONField(_("分乡镇"), default=list, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("培训覆盖率")
        verbose_name_plural = _("培训覆盖率")
        constraints = [
            models.UniqueConstraint(
                fields=["term", "scope_kind", "scope_code"],
                name="composition_coverage_unique_scope",
            )
        ]

    def __str__(self):
        return f"{self.term} {self.get_scope_kind_display()} {self.scope_code}"
