"""Training sessions, invitations and attendance, and mentoring pairs (青蓝帮带).

Scoping: a session organized by a township belongs to that township; a county session
belongs to the county, and a township official also sees it when it invites people of
their township (or names their township as its audience). Enrolments, mentor pool entries
and mentorships follow the same idea: officials see their township's rows and the county
rows that concern their people.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.access import Role, ScopedQuerySet
from core.history import audited_history
from core.models import TimeStampedModel
from core.text import join_words
from core.urls import reverse_pk
from elections.choices import Body, Post
from people.models import Person
from registry.models import County, Term, Township, Village

from .choices import (
    EnrolmentStatus,
    MentorLevel,
    MentorshipOutcome,
    MentorshipStatus,
    Method,
    SessionKind,
    SessionStatus,
    Topic,
)


def _official_township(user):
    """The township id when `user` is an active township official, else None."""
    if (
        user is not None
        and user.is_authenticated
        and user.is_active
        and not user.is_superuser
        and getattr(user, "role", None) == Role.TOWNSHIP_OFFICIAL
    ):
        return user.township_id or 0
    return None


class OfficialScopedQuerySet(ScopedQuerySet):
    """ScopedQuerySet whose township officials see `official_q(township_id)`."""

    def official_q(self, township_id, county_id) -> Q:
        return Q(**{self.township_lookup: township_id})

    def for_user(self, user):
        township_id = _official_township(user)
        if township_id is None:
            return super().for_user(user)
        if not township_id:
            return self.none()
        return self.filter(self.official_q(township_id, user.county_id))


class TrainingSessionQuerySet(OfficialScopedQuerySet):
    county_lookup = "county"
    township_lookup = "township"

    def official_q(self, township_id, county_id):
        invites_theirs = Exists(
            Enrolment.objects.filter(session=OuterRef("pk"), person__village__township=township_id)
        )
        county_session = Q(township__isnull=True, county=county_id)
        return Q(township=township_id) | (
            county_session & (Q(audience_township=township_id) | invites_theirs)
        )


class TrainingSession(TimeStampedModel):
    title = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类别"), max_length=20, choices=SessionKind.choices)
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="training_sessions",
        verbose_name=_("县(市、区)"),
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_sessions",
        verbose_name=_("主办乡镇"),
        help_text=_("空表示县级主办"),
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    location = models.CharField(_("地点"), max_length=120, blank=True)
    topic_note = models.CharField(
        _("其他专题"), max_length=200, blank=True, help_text=_("固定专题之外的内容")
    )
    methods = models.JSONField(_("方式"), default=list, blank=True)
    trainers = models.CharField(_("授课人"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(
        _("名额"), null=True, blank=True, help_text=_("空表示不限")
    )
    credit_hours = models.DecimalField(
        _("学时"),
        max_digits=5,
        decimal_places=1,
        default=8,
        validators=[MinValueValidator(0), MaxValueValidator(200)],
        help_text=_("每位签到者计入的学时"),
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    audience_term = models.ForeignKey(
        Term,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_sessions",
        verbose_name=_("对象届次"),
    )
    audience_bodies = models.JSONField(_("对象组织"), default=list, blank=True)
    audience_posts = models.JSONField(_("对象职务"), default=list, blank=True)
    audience_township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("对象乡镇"),
    )
    audience_villages = models.ManyToManyField(
        Village, blank=True, related_name="+", verbose_name=_("对象村(社区)")
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = TrainingSessionQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["county", "kind"], name="training_session_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="training_session_ends_after_start",
                violation_error_message=_("结束日期不能早于开始日期"),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="training_session_capacity_positive",
                violation_error_message=_("名额应大于 0"),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse_pk("training:session-detail", self.pk)

    def clean(self):
        errors = {}
        if self.township_id and self.county_id and self.township.county_id != self.county_id:
            errors["township"] = _("主办乡镇不属于本县")
        if self.township_id and self.audience_township_id not in (None, self.township_id):
            errors["audience_township"] = _("乡镇主办的培训只能面向本乡镇")
        bad_methods = set(self.methods or []) - set(Method.values)
        if bad_methods:
            errors["methods"] = _("未知的培训方式：%(v)s") % {"v": join_words(sorted(bad_methods))}
        if set(self.audience_bodies or []) - set(Body.values):
            errors["audience_bodies"] = _("未知的组织")
        if set(self.audience_posts or []) - set(Post.values):
            errors["audience_posts"] = _("未知的职务")
        if errors:
            raise ValidationError(errors)

    @property
    def organizer_name(self) -> str:
        return str(self.township or self.county)

    def method_labels(self) -> list[str]:
        return [str(Method(m).label) for m in self.methods or [] if m in Method.values]

    def topic_values(self) -> list[str]:
        return [t.topic for t in self.topics.all()]

    def topic_labels(self) -> list[str]:
        labels = [t.get_topic_display() for t in self.topics.all() if t.topic != Topic.OTHER]
        if self.topic_note:
            labels.append(self.topic_note)
        return labels

    def audience_description(self) -> str:
        if not self.audience_term_id:
            return ""
        parts = [str(self.audience_term)]
        if self.audience_township_id:
            parts.append(str(self.audience_township))
        if self.audience_bodies:
            parts.append(join_words(Body(b).label for b in self.audience_bodies))
        if self.audience_posts:
            parts.append(join_words(Post(p).label for p in self.audience_posts))
        return " · ".join(parts)


class SessionTopic(models.Model):
    """One topic a session covers; its credited hours count toward each of its topics."""

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="topics",
        verbose_name=_("培训班"),
    )
    topic = models.CharField(_("专题"), max_length=24, choices=Topic.choices)

    class Meta:
        verbose_name = _("培训专题")
        verbose_name_plural = _("培训专题")
        ordering = ["session", "topic"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "topic"],
                name="training_topic_once_per_session",
                violation_error_message=_("专题重复"),
            )
        ]

    def __str__(self):
        return self.get_topic_display()


class EnrolmentQuerySet(OfficialScopedQuerySet):
    county_lookup = "session__county"
    township_lookup = "session__township"

    def official_q(self, township_id, county_id):
        return Q(session__township=township_id) | Q(
            session__township__isnull=True,
            session__county=county_id,
            person__village__township=township_id,
        )

    def attended(self):
        return self.filter(status=EnrolmentStatus.ATTENDED)


class Enrolment(TimeStampedModel):
    """An invitation to a session and what became of it (attended or absent, and why)."""

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("培训班"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="training_enrolments",
        verbose_name=_("人员"),
    )
    invited_at = models.DateTimeField(_("邀请时间"))
    invited_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("邀请人"),
    )
    status = models.CharField(
        _("出勤"),
        max_length=12,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.INVITED,
    )
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    absence_reason = models.CharField(_("缺席原因"), max_length=200, blank=True)
    hours_credited = models.DecimalField(
        _("计入学时"),
        max_digits=5,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(200)],
    )
    recorded_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("记录人"),
    )

    objects = EnrolmentQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        ordering = ["session", "person__name", "pk"]
        indexes = [
            models.Index(fields=["person", "status"], name="training_enrolment_person"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                name="training_enrolment_once",
                violation_error_message=_("此人已在本次培训的名单中"),
            ),
            models.CheckConstraint(
                condition=~Q(status=EnrolmentStatus.ATTENDED) | Q(checked_in_at__isnull=False),
                name="training_attended_has_time",
                violation_error_message=_("签到必须有签到时间"),
            ),
            models.CheckConstraint(
                condition=~Q(status=EnrolmentStatus.ABSENT) | ~Q(absence_reason=""),
                name="training_absent_has_reason",
                violation_error_message=_("缺席必须注明原因"),
            ),
        ]

    def __str__(self):
        return f"{self.session} · {self.person}"


class Presentation(TimeStampedModel):
    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="presentations",
        verbose_name=_("培训班"),
    )
    speaker = models.CharField(_("发言人"), max_length=50)
    topic = models.CharField(_("题目"), max_length=200)
    minutes = models.PositiveSmallIntegerField(
        _("时长（分钟）"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )

    class Meta:
        verbose_name = _("授课/发言")
        verbose_name_plural = _("授课/发言")
        ordering = ["session", "pk"]

    def __str__(self):
        return _("%(speaker)s：%(topic)s") % {"speaker": self.speaker, "topic": self.topic}


class Feedback(TimeStampedModel):
    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("培训班"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("反馈人"),
        help_text=_("可匿名"),
    )
    rating = models.PositiveSmallIntegerField(
        _("评分"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1（差）至 5（好）"),
    )
    comment = models.TextField(_("意见建议"), blank=True)

    class Meta:
        verbose_name = _("培训反馈")
        verbose_name_plural = _("培训反馈")
        ordering = ["session", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5),
                name="training_feedback_rating_range",
                violation_error_message=_("评分应在 1 至 5 之间"),
            )
        ]

    def __str__(self):
        return f"{self.session} · {self.rating}"


class MentorQuerySet(OfficialScopedQuerySet):
    county_lookup = "county"
    township_lookup = "township"

    def official_q(self, township_id, county_id):
        # County-level mentors serve every township of their county.
        return Q(township=township_id) | Q(township__isnull=True, county=county_id)

    def active(self):
        return self.filter(is_active=True)


class MentorPoolEntry(TimeStampedModel):
    person = models.OneToOneField(
        Person, on_delete=models.PROTECT, related_name="mentor_entry", verbose_name=_("导师")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("县(市、区)")
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("乡镇"),
        help_text=_("县级导师为空"),
    )
    level = models.CharField(_("层级"), max_length=12, choices=MentorLevel.choices)
    strengths = models.CharField(_("专长"), max_length=300, blank=True)
    is_active = models.BooleanField(_("在库"), default=True)

    objects = MentorQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("导师库成员")
        verbose_name_plural = _("导师库")
        ordering = ["level", "person__name"]

    def __str__(self):
        return _("%(name)s（%(level)s）") % {"name": self.person, "level": self.get_level_display()}


class MentorshipQuerySet(OfficialScopedQuerySet):
    county_lookup = "county"
    township_lookup = "township"

    def official_q(self, township_id, county_id):
        mentee_here = Exists(
            Mentorship.mentees.through.objects.filter(
                mentorship=OuterRef("pk"), person__village__township=township_id
            )
        )
        return Q(township=township_id) | (Q(county=county_id) & mentee_here)


class Mentorship(TimeStampedModel):
    """A mentoring pair or group: one or more mentors, one or more mentees."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("县(市、区)")
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("乡镇"),
        help_text=_("帮带对象所在乡镇；跨乡镇时为空（县级）"),
    )
    mentors = models.ManyToManyField(
        MentorPoolEntry, related_name="mentorships", verbose_name=_("导师")
    )
    mentees = models.ManyToManyField(
        Person, related_name="mentorships_as_mentee", verbose_name=_("帮带对象")
    )
    started_on = models.DateField(_("开始日期"))
    goals = models.TextField(_("帮带目标"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=MentorshipStatus.choices,
        default=MentorshipStatus.ACTIVE,
    )
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    outcome = models.CharField(
        _("结果"), max_length=16, choices=MentorshipOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("结果说明"), blank=True)

    objects = MentorshipQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("帮带结对")
        verbose_name_plural = _("帮带结对")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=MentorshipStatus.ENDED)
                | (Q(ended_on__isnull=False) & ~Q(outcome="")),
                name="training_mentorship_end_has_outcome",
                violation_error_message=_("结束帮带必须填写结束日期和结果"),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="training_mentorship_ends_after_start",
                violation_error_message=_("结束日期不能早于开始日期"),
            ),
        ]

    def __str__(self):
        return _("帮带结对 #%(pk)s") % {"pk": self.pk}

    def get_absolute_url(self):
        return reverse_pk("training:mentorship-detail", self.pk)


class CheckInQuerySet(OfficialScopedQuerySet):
    county_lookup = "mentorship__county"
    township_lookup = "mentorship__township"

    def official_q(self, township_id, county_id):
        return Q(
            mentorship__in=Mentorship.objects.filter(
                Mentorship.objects.official_q(township_id, county_id)
            )
        )


class CheckIn(TimeStampedModel):
    """A dated contact between mentor and mentee (谈心谈话、现场指导…)."""

    mentorship = models.ForeignKey(
        Mentorship,
        on_delete=models.CASCADE,
        related_name="checkins",
        verbose_name=_("帮带结对"),
    )
    date = models.DateField(_("日期"))
    note = models.TextField(_("内容"))
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CheckInQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("帮带记录")
        verbose_name_plural = _("帮带记录")
        ordering = ["mentorship", "-date", "-pk"]
        indexes = [models.Index(fields=["mentorship", "date"], name="training_checkin_date")]

    def __str__(self):
        return f"{self.mentorship} {self.date}"
