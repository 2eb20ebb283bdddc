"""The round's command centre: the plan and its steps, each village's windows and hand
records, liaison and the "四个一", risk screening and visits, the problem ledger, talks and
the stored daily and weekly reports.

Scoping: rows of a village follow the village (county, township and, for a liaison leader,
their villages: rounds/policies.py); the plan and reference data are the county's.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet
from core.history import audited_history
from core.models import TimeStampedModel
from core.roles import Role
from core.urls import reverse_pk
from people.models import Person
from registry.models import County, Term, Township, Village

from .choices import (
    CLOSED_STATES,
    DEFAULT_LIAISON_LIMIT,
    ProblemCategory,
    ProblemKind,
    ProblemSource,
    ProblemState,
    ReportKind,
    StepSource,
    TalkKind,
)

UPLOADS = "rounds/%Y/%m/"


class CountyRowQuerySet(ScopedQuerySet):
    """Rows of the county as a whole (the plan, reference data): no township."""

    county_lookup = "county"
    township_lookup = None


class VillageRowQuerySet(ScopedQuerySet):
    county_lookup = "village__township__county"
    township_lookup = "village__township"
    village_lookup = "village"


def _check_window(starts_on, ends_on, field="ends_on"):
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({field: _("结束日期不能早于开始日期")})


class StepQuerySet(ScopedQuerySet):
    """Rows that belong to a round (its steps, units): the round's county."""

    county_lookup = "round__county"
    township_lookup = None


class Round(TimeStampedModel):
    """A county's round of a term: its plan of steps and the county's liaison limit."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("县(市、区)")
    )
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("届次")
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    liaison_limit = models.PositiveSmallIntegerField(
        _("每位县级领导包联村数上限"),
        default=DEFAULT_LIAISON_LIMIT,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )

    objects = CountyRowQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("换届工作")
        verbose_name_plural = _("换届工作")
        ordering = ["-term__year"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "term"],
                name="round_one_per_county_term",
                violation_error_message=_("本县本届已有换届工作计划"),
            )
        ]

    def __str__(self):
        return _("%(county)s %(year)s 年换届") % {"county": self.county, "year": self.term.year}

    def get_absolute_url(self):
        return reverse("rounds:board") + f"?term={self.term.year}"

    def clean(self):
        _check_window(self.starts_on, self.ends_on)

    @property
    def has_started(self) -> bool:
        return timezone.localdate() >= self.starts_on


class RoundStep(TimeStampedModel):
    """One step of a round's plan, in order, with the county's planned window."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="steps", verbose_name=_("换届工作")
    )
    code = models.SlugField(_("代码"), max_length=32)
    label = models.CharField(_("名称"), max_length=60)
    source = models.CharField(
        _("完成依据"), max_length=24, choices=StepSource.choices, default=StepSource.MANUAL
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    starts_on = models.DateField(_("计划开始"))
    ends_on = models.DateField(_("计划完成"))

    objects = StepQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("换届步骤")
        verbose_name_plural = _("换届步骤")
        ordering = ["round", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "code"],
                name="round_step_unique_code",
                violation_error_message=_("本次换届已有该代码的步骤"),
            )
        ]

    def __str__(self):
        return self.label

    def clean(self):
        _check_window(self.starts_on, self.ends_on)


class StepWindow(TimeStampedModel):
    """A village's own window for a step (一村一策), or the step marked not applicable."""

    step = models.ForeignKey(
        RoundStep, on_delete=models.CASCADE, related_name="windows", verbose_name=_("步骤")
    )
    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, related_name="step_windows", verbose_name=_("村(社区)")
    )
    starts_on = models.DateField(_("计划开始"), null=True, blank=True)
    ends_on = models.DateField(_("计划完成"), null=True, blank=True)
    not_applicable = models.BooleanField(_("不适用"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = VillageRowQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("一村一策时间")
        verbose_name_plural = _("一村一策时间")
        constraints = [
            models.UniqueConstraint(
                fields=["step", "village"],
                name="step_window_one_per_village",
                violation_error_message=_("该村此步骤已有单独安排"),
            )
        ]

    def __str__(self):
        return f"{self.village} · {self.step}"

    def clean(self):
        _check_window(self.starts_on, self.ends_on)


class StepRecord(TimeStampedModel):
    """A hand record that a village finished a step the portal holds no data for."""

    step = models.ForeignKey(
        RoundStep, on_delete=models.CASCADE, related_name="records", verbose_name=_("步骤")
    )
    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, related_name="step_records", verbose_name=_("村(社区)")
    )
    done_on = models.DateField(_("完成日期"))
    done_by = models.CharField(_("负责人"), max_length=50)
    note = models.TextField(_("说明"), blank=True)
    attachment = models.FileField(_("附件"), upload_to=UPLOADS, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )

    objects = VillageRowQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("步骤完成记录")
        verbose_name_plural = _("步骤完成记录")
        constraints = [
            models.UniqueConstraint(
                fields=["step", "village"],
                name="step_record_one_per_village",
                violation_error_message=_("该村此步骤已有完成记录"),
            )
        ]

    def __str__(self):
        return f"{self.village} · {self.step}"

    def clean(self):
        if self.step_id and self.step.source != StepSource.MANUAL:
            raise ValidationError(
                {"step": _("该步骤的完成情况由系统中的数据自动判断，无需手工记录")}
            )


class RiskReason(TimeStampedModel):
    """One reason of the county's list used in risk screening (editable reference data)."""

    county = models.ForeignKey(
        County, on_delete=models.CASCADE, related_name="risk_reasons", verbose_name=_("县(市、区)")
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("内容"), max_length=60)
    active = models.BooleanField(_("启用"), default=True)

    objects = CountyRowQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("研判风险因素")
        verbose_name_plural = _("研判风险因素")
        ordering = ["county", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "text"],
                name="risk_reason_unique_text",
                violation_error_message=_("本县已有该风险因素"),
            )
        ]

    def __str__(self):
        return self.text


class Screening(TimeStampedModel):
    """A village's risk screening of the round: reasons, note, emergency plan."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="screenings", verbose_name=_("换届工作")
    )
    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, related_name="screenings", verbose_name=_("村(社区)")
    )
    screened_on = models.DateField(_("研判日期"))
    reasons = models.ManyToManyField(RiskReason, blank=True, verbose_name=_("风险因素"))
    note = models.TextField(_("研判意见"), blank=True)
    emergency_plan = models.TextField(_("应急预案"), blank=True)
    emergency_plan_file = models.FileField(_("应急预案附件"), upload_to=UPLOADS, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = VillageRowQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("分析研判")
        verbose_name_plural = _("分析研判")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "village"],
                name="screening_one_per_village",
                violation_error_message=_("该村本次换届已有研判记录"),
            )
        ]

    def __str__(self):
        return f"{self.village} · {self.screened_on}"


class VisitLog(TimeStampedModel):
    """A visit to a village: who went, when, households and people met, meetings held."""

    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, related_name="visit_logs", verbose_name=_("村(社区)")
    )
    visited_on = models.DateField(_("走访日期"), db_index=True)
    visitors = models.CharField(_("走访人"), max_length=100)
    households = models.PositiveIntegerField(_("走访户数"), default=0)
    people = models.PositiveIntegerField(_("走访人数"), default=0)
    forums = models.PositiveIntegerField(_("座谈会次数"), default=0)
    analysis_meetings = models.PositiveIntegerField(_("研判会次数"), default=0)
    note = models.TextField(_("情况记录"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )

    objects = VillageRowQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-pk"]

    def __str__(self):
        return f"{self.village} · {self.visited_on}"

    def clean(self):
        if self.households and self.people and self.people < self.households:
            raise ValidationError({"people": _("走访人数不能少于走访户数")})


class LiaisonQuerySet(VillageRowQuerySet):
    pass


class Liaison(TimeStampedModel):
    """A county leader's liaison village (包联) in a round."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="liaisons", verbose_name=_("换届工作")
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="liaisons",
        verbose_name=_("县级包联领导"),
    )
    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, related_name="liaisons", verbose_name=_("村(社区)")
    )

    objects = LiaisonQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("包联")
        verbose_name_plural = _("包联")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "leader", "village"],
                name="liaison_unique",
                violation_error_message=_("该领导已包联此村"),
            )
        ]

    def __str__(self):
        return f"{self.leader} · {self.village}"


class AttachedUnit(TimeStampedModel):
    """A unit attached to villages in a round (包村单位)."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="units", verbose_name=_("换届工作")
    )
    name = models.CharField(_("单位名称"), max_length=80)
    villages = models.ManyToManyField(
        Village, blank=True, related_name="attached_units", verbose_name=_("包联村")
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = StepQuerySet.as_manager()
    # The villages too: the board as of a past day asks which villages each unit had.
    history = audited_history(m2m_fields=["villages"])

    class Meta:
        verbose_name = _("包村单位")
        verbose_name_plural = _("包村单位")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "name"],
                name="attached_unit_unique_name",
                violation_error_message=_("已有同名包村单位"),
            )
        ]

    def __str__(self):
        return self.name


class VillageTeam(TimeStampedModel):
    """The township cadre and work group of a village (two of the "四个一"; the county
    leader is its Liaison, the unit its AttachedUnit)."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="teams", verbose_name=_("换届工作")
    )
    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, related_name="round_teams", verbose_name=_("村(社区)")
    )
    township_cadre = models.CharField(_("乡镇包村干部"), max_length=50, blank=True)
    work_group = models.CharField(_("驻村工作组"), max_length=100, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = VillageRowQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("包村力量")
        verbose_name_plural = _("包村力量")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "village"],
                name="village_team_one_per_village",
                violation_error_message=_("该村已有包村力量记录"),
            )
        ]

    def __str__(self):
        return f"{self.village}"


class ProblemQuerySet(VillageRowQuerySet):
    def open(self):
        return self.exclude(state__in=CLOSED_STATES)

    def overdue(self, today=None):
        return self.open().filter(deadline__lt=today or timezone.localdate())


class Problem(TimeStampedModel):
    """One row of the problem ledger (问题台账), or after the election a 开门办事 need."""

    kind = models.CharField(
        _("类型"), max_length=12, choices=ProblemKind.choices, default=ProblemKind.PROBLEM
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="problems", verbose_name=_("村(社区)")
    )
    source = models.CharField(_("来源"), max_length=16, choices=ProblemSource.choices)
    category = models.CharField(_("类别"), max_length=16, choices=ProblemCategory.choices)
    description = models.TextField(_("问题描述"))
    reported_on = models.DateField(_("发现日期"))
    owner = models.CharField(_("责任人/单位"), max_length=80, blank=True)
    owner_person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("领账成员"),
    )
    deadline = models.DateField(_("销号时限"))
    state = models.CharField(
        _("状态"), max_length=12, choices=ProblemState.choices, default=ProblemState.OPEN
    )
    resolved_on = models.DateField(_("销号日期"), null=True, blank=True)
    resolution = models.TextField(_("整改情况"), blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to=UPLOADS, blank=True)
    verified_on = models.DateField(_("核验日期"), null=True, blank=True)
    verification_note = models.TextField(_("核验意见"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProblemQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("问题台账")
        verbose_name_plural = _("问题台账")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["state", "deadline"], name="problem_state_deadline")]

    def __str__(self):
        return f"{self.village} · {self.description[:20]}"

    def get_absolute_url(self):
        return reverse_pk("rounds:problem-detail", self.pk)

    def clean(self):
        if self.reported_on and self.deadline and self.deadline < self.reported_on:
            raise ValidationError({"deadline": _("销号时限不能早于发现日期")})

    @property
    def is_overdue(self) -> bool:
        return self.state not in CLOSED_STATES and self.deadline < timezone.localdate()

    @property
    def owner_display(self) -> str:
        """Who took it on: the team member (开门办事 领账), else the free-text owner."""
        return self.owner_person.name if self.owner_person_id else self.owner


class Talk(TimeStampedModel):
    """A talk (谈心谈话 / 警示谈话): who talked with whom, when."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="talks", verbose_name=_("村(社区)")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="talks", verbose_name=_("谈话对象")
    )
    kind = models.CharField(_("类型"), max_length=12, choices=TalkKind.choices)
    held_on = models.DateField(_("谈话日期"))
    talker = models.CharField(_("谈话人"), max_length=60)
    note = models.TextField(_("谈话要点"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = VillageRowQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("谈心谈话")
        verbose_name_plural = _("谈心谈话")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.person} · {self.held_on}"


class KeyPerson(TimeStampedModel):
    """A key person (重点人员) of a village in a round, flagged by the county or township with
    a reason: one to be given a warning talk (警示谈话) (rounds/coverage.py)."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="key_persons", verbose_name=_("换届工作")
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="key_persons", verbose_name=_("村(社区)")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="key_flags", verbose_name=_("重点人员")
    )
    reason = models.CharField(_("列为重点人员的原因"), max_length=200)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("标记人"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = VillageRowQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("重点人员")
        verbose_name_plural = _("重点人员")
        ordering = ["village", "person__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "person"],
                name="key_person_once_per_round",
                violation_error_message=_("该人员已列为本次换届的重点人员"),
            )
        ]

    def __str__(self):
        return f"{self.village} · {self.person}"


class ReportQuerySet(ScopedQuerySet):
    county_lookup = "county"
    township_lookup = "township"

    def for_user(self, user):
        """As ScopedQuerySet; a liaison leader reads the county's reports (the dispatch they
        attend), not a township's."""
        if getattr(user, "role", None) == Role.LIAISON_LEADER and not user.is_superuser:
            return self.filter(county_id=user.county_id, township__isnull=True)
        return super().for_user(user)


class Report(models.Model):
    """A daily report or weekly dispatch, stored as it was built (never changed)."""

    county = models.ForeignKey(
        County, on_delete=models.CASCADE, related_name="round_reports", verbose_name=_("县")
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="round_reports",
        verbose_name=_("乡镇"),
    )
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="reports", verbose_name=_("换届工作")
    )
    kind = models.CharField(_("类型"), max_length=8, choices=ReportKind.choices)
    date = models.DateField(_("日期"))
    built_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    data = models.JSONField(_("内容"), editable=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("调度报告")
        verbose_name_plural = _("调度报告")
        ordering = ["-date", "-built_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValidationError(_("报告生成后不能修改"))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_pk("rounds:report-detail", self.pk)


class ReportRead(models.Model):
    """Who opened a report, and when first and last."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="reads", verbose_name=_("报告")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("用户")
    )
    first_opened_at = models.DateTimeField(_("首次查看"), default=timezone.now)
    last_opened_at = models.DateTimeField(_("最近查看"), default=timezone.now)
    times = models.PositiveIntegerField(_("查看次数"), default=1)

    class Meta:
        verbose_name = _("报告查看记录")
        verbose_name_plural = _("报告查看记录")
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="report_read_once")]

    def __str__(self):
        return f"{self.user} · {self.report}"
