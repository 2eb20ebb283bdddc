"""Candidate vetting: candidacies, the decisions and department sign-offs that move them,
and each county's negative list and joint-review departments.

Decisions, sign-offs and clearances are written once and never changed.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.choices import Department
from core import policy
from core.access import Role, ScopedQuerySet
from core.history import audited_history
from core.models import TimeStampedModel
from core.urls import reverse_pk
from elections import seat_rules
from elections.choices import POST_TITLES, Body, Post
from people.models import Person
from registry.models import County, Term, Village

from .choices import (
    ENDED_STAGES,
    QUALITIES,
    AuditRecommendation,
    Outcome,
    Rating,
    SignOffOutcome,
    Source,
    Stage,
)

VETTED_BODIES = (Body.PARTY_COMMITTEE, Body.VILLAGERS_COMMITTEE)


class ImmutableModel(models.Model):
    """A record written once: saving it again is refused."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("该记录已保存，不能修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("该记录不能删除"))


class CountyListQuerySet(ScopedQuerySet):
    """County-wide reference data: every role of the county reads it, officials included."""

    county_lookup = "county"
    township_lookup = None

    def for_user(self, user):
        if (
            user is not None
            and user.is_authenticated
            and user.is_active
            and getattr(user, "role", None) == Role.TOWNSHIP_OFFICIAL
        ):
            return self.filter(county=user.county_id) if user.county_id else self.none()
        return super().for_user(user)


class NegativeListItem(TimeStampedModel):
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="negative_list", verbose_name=_("县(市、区)")
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("内容"))
    active = models.BooleanField(_("启用"), default=True)

    objects = CountyListQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("负面清单条目")
        verbose_name_plural = _("负面清单")
        ordering = ["county", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "number"],
                name="negative_item_unique_number",
                violation_error_message=_("本县负面清单已有该序号"),
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.text}"


class ReviewDepartment(TimeStampedModel):
    """A department that takes part in a county's joint qualification review."""

    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="review_departments",
        verbose_name=_("县(市、区)"),
    )
    department = models.CharField(_("部门"), max_length=24, choices=Department.choices)
    takes_part = models.BooleanField(_("参加联审"), default=True)
    required = models.BooleanField(_("必须通过"), default=True)

    objects = CountyListQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("联审部门")
        verbose_name_plural = _("联审部门")
        ordering = ["county", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "department"],
                name="review_department_unique",
                violation_error_message=_("该部门已在本县联审部门中"),
            )
        ]

    def __str__(self):
        return self.get_department_display()


class CandidacyQuerySet(ScopedQuerySet):
    county_lookup = "village__township__county"
    township_lookup = "village__township"

    def for_user(self, user):
        """As ScopedQuerySet, but a department reviewer sees only names in joint review."""
        rows = super().for_user(user)
        if policy.is_department_reviewer(user):
            rows = rows.filter(stage=Stage.JOINT_REVIEW)
        return rows

    def open(self):
        return self.exclude(stage__in=ENDED_STAGES)

    def with_returned(self):
        """Annotate `returned`: sent back to the current stage by a return and not moved
        since (a correction waits for the township)."""
        returns = Decision.objects.filter(
            candidacy=models.OuterRef("pk"),
            outcome=Outcome.RETURN,
            to_stage=models.OuterRef("stage"),
            decided_at__gte=models.OuterRef("stage_changed_at"),
        )
        return self.annotate(returned=models.Exists(returns))

    def with_flags(self):
        """Annotate `open_flags`: the department flags not yet cleared.

        A correlated count, not a GROUP BY over every candidacy in scope: PostgreSQL then
        counts only the rows a page keeps (a province's 40,000 names took a second)."""
        open_flags = (
            SignOff.objects.filter(
                candidacy=models.OuterRef("pk"),
                outcome=SignOffOutcome.FLAG,
                clearance__isnull=True,
            )
            .order_by()
            .values("candidacy")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            open_flags=Coalesce(models.Subquery(open_flags), 0, output_field=models.IntegerField())
        )


class Candidacy(TimeStampedModel):
    """A person proposed for one post of one village's committee for a term."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="candidacies", verbose_name=_("人员")
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="candidacies", verbose_name=_("村(社区)")
    )
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="candidacies", verbose_name=_("届次")
    )
    body = models.CharField(_("组织"), max_length=16, choices=Body.choices)
    post = models.CharField(_("职务"), max_length=20, choices=Post.choices)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    proposed_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提名人"),
    )
    proposed_at = models.DateTimeField(_("提名时间"))
    rating_political = models.CharField(
        _("政治素质"), max_length=12, choices=Rating.choices, blank=True
    )
    note_political = models.TextField(_("政治素质说明"), blank=True)
    rating_development = models.CharField(
        _("发展本领"), max_length=12, choices=Rating.choices, blank=True
    )
    note_development = models.TextField(_("发展本领说明"), blank=True)
    rating_coordination = models.CharField(
        _("协调能力"), max_length=12, choices=Rating.choices, blank=True
    )
    note_coordination = models.TextField(_("协调能力说明"), blank=True)
    rating_service = models.CharField(
        _("服务水平"), max_length=12, choices=Rating.choices, blank=True
    )
    note_service = models.TextField(_("服务水平说明"), blank=True)
    rating_conduct = models.CharField(
        _("作风品行"), max_length=12, choices=Rating.choices, blank=True
    )
    note_conduct = models.TextField(_("作风品行说明"), blank=True)
    audit_recommendation = models.CharField(
        _("离任审计建议"), max_length=8, choices=AuditRecommendation.choices, blank=True
    )
    stage = models.CharField(
        _("阶段"), max_length=24, choices=Stage.choices, default=Stage.NOMINATED, db_index=True
    )
    stage_changed_at = models.DateTimeField(_("进入本阶段时间"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("替换的人选"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = CandidacyQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("人选")
        verbose_name_plural = _("人选")
        ordering = ["village", "body", "post", "pk"]
        indexes = [
            models.Index(fields=["term", "stage"], name="candidacy_term_stage"),
            models.Index(fields=["village", "term"], name="candidacy_village_term"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "village", "term", "body"],
                condition=~Q(stage__in=[Stage.REJECTED, Stage.WITHDRAWN, Stage.REPLACED]),
                name="candidacy_one_open_per_person_body",
                violation_error_message=_("此人在该村本届已是该组织的人选"),
            ),
            models.CheckConstraint(
                condition=Q(body__in=[b.value for b in VETTED_BODIES]),
                name="candidacy_body_vetted",
                violation_error_message=_("只对党组织和村(居)委会的人选进行审查"),
            ),
        ]

    def __str__(self):
        return f"{self.village} {self.post_label} {self.person}"

    def get_absolute_url(self):
        return reverse_pk("candidates:candidacy-detail", self.pk)

    def clean(self):
        errors = {}
        message = seat_rules.post_not_on_body(self.body, self.post)
        if message:
            errors["post"] = message
        if self.audit_recommendation and self.source != Source.INCUMBENT:
            errors["audit_recommendation"] = _("只有留任人选才有离任审计建议")
        if errors:
            raise ValidationError(errors)

    @property
    def post_label(self) -> str:
        return str(POST_TITLES.get((self.body, self.post), self.get_post_display()))

    @property
    def is_ended(self) -> bool:
        return self.stage in ENDED_STAGES

    def qualities(self):
        """[(label, rating display, note)] for the five qualities."""
        return [
            (
                label,
                getattr(self, f"get_rating_{stem}_display")(),
                getattr(self, f"note_{stem}"),
            )
            for stem, label in QUALITIES
        ]


class DecisionQuerySet(ScopedQuerySet):
    county_lookup = "candidacy__village__township__county"
    township_lookup = "candidacy__village__township"

    def for_user(self, user):
        rows = super().for_user(user)
        if policy.is_department_reviewer(user):
            rows = rows.filter(candidacy__stage=Stage.JOINT_REVIEW)
        return rows


class Decision(ImmutableModel):
    """One step of a candidacy: who decided what at which stage, and why."""

    candidacy = models.ForeignKey(
        Candidacy, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("人选")
    )
    stage = models.CharField(_("审查阶段"), max_length=24, choices=Stage.choices)
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices)
    to_stage = models.CharField(_("进入阶段"), max_length=24, choices=Stage.choices)
    negative_items = models.ManyToManyField(
        NegativeListItem, blank=True, related_name="decisions", verbose_name=_("负面清单情形")
    )
    reason = models.TextField(_("理由/说明"), blank=True)
    meeting_date = models.DateField(_("会议日期"), null=True, blank=True)
    minute_number = models.CharField(_("纪要编号"), max_length=40, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("决定人"),
    )
    decided_at = models.DateTimeField(_("决定时间"))

    objects = DecisionQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("审查决定")
        verbose_name_plural = _("审查决定")
        ordering = ["decided_at", "pk"]
        indexes = [models.Index(fields=["stage", "outcome"], name="decision_stage_outcome")]

    def __str__(self):
        return f"{self.candidacy_id} {self.get_stage_display()} {self.get_outcome_display()}"


class SignOffQuerySet(ScopedQuerySet):
    county_lookup = "candidacy__village__township__county"
    township_lookup = "candidacy__village__township"

    def for_user(self, user):
        """A department reviewer sees only their department's sign-offs on names in review."""
        rows = super().for_user(user)
        if policy.is_department_reviewer(user):
            rows = rows.filter(department=user.department, candidacy__stage=Stage.JOINT_REVIEW)
        return rows


class SignOff(ImmutableModel):
    """A department's verdict in the joint review: pass, or a flag with the items found."""

    candidacy = models.ForeignKey(
        Candidacy, on_delete=models.PROTECT, related_name="sign_offs", verbose_name=_("人选")
    )
    department = models.CharField(_("部门"), max_length=24, choices=Department.choices)
    outcome = models.CharField(_("结论"), max_length=8, choices=SignOffOutcome.choices)
    negative_items = models.ManyToManyField(
        NegativeListItem, blank=True, related_name="sign_offs", verbose_name=_("负面清单情形")
    )
    note = models.TextField(_("说明"), blank=True)
    signed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("审查人")
    )
    signed_at = models.DateTimeField(_("审查时间"))

    objects = SignOffQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("部门联审意见")
        verbose_name_plural = _("部门联审意见")
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidacy", "department"],
                name="signoff_one_per_department",
                violation_error_message=_("该部门已对此人选出具意见"),
            )
        ]

    def __str__(self):
        return f"{self.get_department_display()} {self.get_outcome_display()}"


class FlagClearance(ImmutableModel):
    """The organization department's written reason for setting a department's flag aside."""

    sign_off = models.OneToOneField(
        SignOff, on_delete=models.PROTECT, related_name="clearance", verbose_name=_("联审意见")
    )
    reason = models.TextField(_("理由"))
    cleared_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("处理人")
    )
    cleared_at = models.DateTimeField(_("处理时间"))

    history = audited_history()

    class Meta:
        verbose_name = _("问题核销")
        verbose_name_plural = _("问题核销")

    def __str__(self):
        return f"{self.sign_off} → {self.reason[:20]}"
