"""Elections, their results, and the post holders (seats) of each village in each term."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import policy
from core.access import Role, ScopedQuerySet
from core.history import audited_history
from core.models import StateTransition, TimeStampedModel
from core.urls import reverse_pk
from people.models import Person
from registry.models import Term, Village

from . import seat_rules
from .choices import (
    Body,
    ElectionRound,
    ElectionState,
    ImportStatus,
    Post,
    SeatEndReason,
    SeatSource,
)


class SeatQuerySet(ScopedQuerySet):
    county_lookup = "village__township__county"
    township_lookup = "village__township"

    def current(self):
        """Seats held now: not ended (by resignation, recall, death, transfer, or the next
        term's team taking over: 换届)."""
        return self.filter(ended_on__isnull=True)

    def team(self):
        """The seats of a term's team as it served its term out: held now, or ended only
        because the next term's team was certified (换届). What a term's figures count."""
        return self.filter(Q(ended_on__isnull=True) | Q(end_reason=SeatEndReason.TERM_END))

    def in_term(self, term):
        return self.filter(term=term)


class Seat(TimeStampedModel):
    """A post holder: one person in one post of one body of a village, for a term."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="seats", verbose_name=_("人员")
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="seats", verbose_name=_("村(社区)")
    )
    term = models.ForeignKey(
        Term,
        on_delete=models.PROTECT,
        related_name="seats",
        verbose_name=_("届次"),
        db_index=False,  # led by the (term, village) and (term, body, post) indexes
    )
    body = models.CharField(_("组织"), max_length=16, choices=Body.choices)
    post = models.CharField(_("职务"), max_length=20, choices=Post.choices)
    started_on = models.DateField(_("任职日期"), null=True, blank=True)
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)
    end_reason = models.CharField(
        _("离任原因"), max_length=16, choices=SeatEndReason.choices, blank=True
    )
    end_note = models.TextField(_("离任说明"), blank=True)
    source = models.CharField(
        _("产生方式"), max_length=16, choices=SeatSource.choices, default=SeatSource.ELECTION
    )
    election = models.ForeignKey(
        "Election",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="seats",
        verbose_name=_("产生于选举"),
    )

    objects = SeatQuerySet.as_manager()
    # History is read per seat (id), by user, by date and by county (through the village);
    # an index on its other keys would only slow a roster import's 100,000 history rows.
    history = audited_history(no_db_index=["election", "person", "term"])

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        ordering = ["village", "term", "body", "post"]
        indexes = [
            models.Index(fields=["term", "village"], name="seat_term_village"),
            models.Index(fields=["term", "body", "post"], name="seat_term_body_post"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "term"],
                condition=Q(body=Body.PARTY_COMMITTEE, post=Post.SECRETARY, ended_on__isnull=True),
                name="seat_one_secretary_per_village_term",
                violation_error_message=seat_rules.ONE_SECRETARY,
            ),
            models.UniqueConstraint(
                fields=["village", "term", "body"],
                condition=Q(post=Post.DIRECTOR, ended_on__isnull=True),
                name="seat_one_director_per_body_term",
                violation_error_message=seat_rules.ONE_DIRECTOR,
            ),
            models.UniqueConstraint(
                fields=["person", "village", "term", "body"],
                condition=Q(ended_on__isnull=True),
                name="seat_one_post_per_person_body_term",
                violation_error_message=seat_rules.ONE_POST_PER_PERSON,
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | ~Q(end_reason=""),
                name="seat_end_has_reason",
                violation_error_message=_("离任必须注明原因"),
            ),
        ]

    def __str__(self):
        return _("%(village)s %(body)s%(post)s %(person)s") % {
            "village": self.village,
            "body": self.get_body_display(),
            "post": self.get_post_display(),
            "person": self.person,
        }

    def clean(self):
        message = seat_rules.post_not_on_body(self.body, self.post)
        if message:
            raise ValidationError({"post": message})
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("离任日期不能早于任职日期")})

    @property
    def in_team(self) -> bool:
        """Whether the seat counts in its term's team (see SeatQuerySet.team)."""
        return self.ended_on is None or self.end_reason == SeatEndReason.TERM_END


class ElectionQuerySet(ScopedQuerySet):
    county_lookup = "village__township__county"
    township_lookup = "village__township"


class Election(TimeStampedModel):
    """One round of voting for one body of one village in one term, with its counts."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="elections", verbose_name=_("村(社区)")
    )
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="elections", verbose_name=_("届次")
    )
    body = models.CharField(_("组织"), max_length=16, choices=Body.choices)
    round = models.CharField(
        _("轮次"), max_length=8, choices=ElectionRound.choices, default=ElectionRound.FIRST
    )
    held_on = models.DateField(_("选举日期"))
    seats_chair = models.PositiveSmallIntegerField(
        _("书记/主任名额"), default=1, help_text=_("党组织为书记，村(居)委会与监委会为主任")
    )
    seats_deputy = models.PositiveSmallIntegerField(_("副书记/副主任名额"), default=0)
    seats_member = models.PositiveSmallIntegerField(_("委员名额"), default=2)
    entitled = models.PositiveIntegerField(
        _("应参加人数"), default=0, help_text=_("登记选民数，或应到会的正式党员数")
    )
    present = models.PositiveIntegerField(
        _("参加投票人数"), default=0, help_text=_("参加投票的选民数，或实到会党员数")
    )
    ballots_issued = models.PositiveIntegerField(_("发出选票"), default=0)
    ballots_returned = models.PositiveIntegerField(_("收回选票"), default=0)
    ballots_valid = models.PositiveIntegerField(_("有效票"), default=0)
    ballots_invalid = models.PositiveIntegerField(_("无效票"), default=0)
    proxy_votes = models.PositiveIntegerField(_("委托投票"), default=0)
    state = models.CharField(
        _("状态"), max_length=12, choices=ElectionState.choices, default=ElectionState.DRAFT
    )
    confirmations = models.JSONField(
        _("书面说明"),
        default=dict,
        blank=True,
        help_text=_("需书面说明的提示：检查代码 → 说明文字"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    submitted_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    certified_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    unlocked_at = models.DateTimeField(_("最近解锁时间"), null=True, blank=True)
    unlocked_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("解锁人"),
    )
    unlock_reason = models.TextField(_("解锁原因"), blank=True)

    objects = ElectionQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("选举")
        verbose_name_plural = _("选举")
        ordering = ["-term__year", "village__code", "body", "held_on"]
        indexes = [models.Index(fields=["term", "village", "body"], name="election_term_village")]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "term", "body"],
                condition=Q(round=ElectionRound.FIRST),
                name="election_one_first_round",
                violation_error_message=_("该村本届该组织已有第一轮选举记录"),
            ),
        ]

    def __str__(self):
        return _("%(village)s %(year)s %(body)s%(round)s") % {
            "village": self.village,
            "year": self.term.year,
            "body": self.get_body_display(),
            "round": self.get_round_display(),
        }

    def get_absolute_url(self):
        return reverse_pk("elections:election-detail", self.pk)

    @property
    def seat_count(self) -> int:
        return self.seats_chair + self.seats_deputy + self.seats_member

    @property
    def is_locked(self) -> bool:
        return self.state != ElectionState.DRAFT

    def held_window(self) -> tuple[dt.date, dt.date] | None:
        """The dates an election of its term may be held on: from 1 January of the year
        before the term's year (a round runs late in that year or early in the term's), to
        the term's end (31 December five years on when the term has no end date)."""
        if not self.term_id:
            return None
        term = self.term
        return dt.date(term.year - 1, 1, 1), term.ends_on or dt.date(term.year + 5, 12, 31)

    def clean(self):
        window = self.held_window() if self.held_on else None
        if window and not window[0] <= self.held_on <= window[1]:
            raise ValidationError(
                {
                    "held_on": _("%(year)s 年届的选举日期应在 %(start)s 至 %(end)s 之间")
                    % {"year": self.term.year, "start": window[0], "end": window[1]}
                }
            )
        if self.body and self.seat_count == 0:
            raise ValidationError({"seats_member": _("应选名额不能为 0")})
        message = seat_rules.chair_seats_error(self.body, self.seats_chair)
        if message:
            raise ValidationError({"seats_chair": message})


class ElectionCandidateQuerySet(ScopedQuerySet):
    county_lookup = "election__village__township__county"
    township_lookup = "election__village__township"


class ElectionCandidate(TimeStampedModel):
    """A candidate's votes in one election, and the post taken if elected."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("选举")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="candidacies_in_elections",
        verbose_name=_("候选人"),
    )
    votes = models.PositiveIntegerField(_("得票"), default=0)
    post = models.CharField(_("当选职务"), max_length=20, choices=Post.choices, blank=True)

    objects = ElectionCandidateQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("候选人得票")
        verbose_name_plural = _("候选人得票")
        ordering = ["election", "-votes", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "person"],
                name="election_candidate_once",
                violation_error_message=_("同一候选人在一次选举中只能出现一次"),
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.votes}"


class ElectionTransition(StateTransition):
    """Every step of an election's state machine: who, when, from, to, why."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("选举")
    )
    from_state = models.CharField(_("原状态"), max_length=12, choices=ElectionState.choices)
    to_state = models.CharField(_("新状态"), max_length=12, choices=ElectionState.choices)

    class Meta:
        verbose_name = _("选举状态变更")
        verbose_name_plural = _("选举状态变更")
        ordering = ["election", "at", "pk"]

    def __str__(self):
        return f"{self.election_id}: {self.from_state} → {self.to_state}"


class ImportJobQuerySet(ScopedQuerySet):
    county_lookup = "created_by__county"
    township_lookup = "created_by__township"


class ImportJob(TimeStampedModel):
    """A roster upload handled in the background; the page polls its progress."""

    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="roster_imports",
        verbose_name=_("上传人"),
    )
    filename = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(_("文件内容"), editable=False)
    # Where the upload came from: the import's history rows carry it (it runs in a worker).
    client_ip = models.GenericIPAddressField(_("来源 IP"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    # The uploader's language: the background import writes its errors in it.
    language = models.CharField(_("语言"), max_length=16, blank=True)
    dry_run = models.BooleanField(_("仅检查"), default=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    total_rows = models.PositiveIntegerField(_("行数"), default=0)
    seats_created = models.PositiveIntegerField(_("新增任职"), default=0)
    seats_updated = models.PositiveIntegerField(_("更新任职"), default=0)
    seats_unchanged = models.PositiveIntegerField(_("未变任职"), default=0)
    people_created = models.PositiveIntegerField(_("新增人员"), default=0)
    people_updated = models.PositiveIntegerField(_("更新人员"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    # Every problem found; `errors` keeps the first 200 and a "…还有 N 处错误" line.
    error_count = models.PositiveIntegerField(_("问题数"), default=0)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Times a worker started the import: one whose workers keep dying is failed, not retried
    # for ever (elections.services.roster_jobs.MAX_JOB_ATTEMPTS).
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    cancelled_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("取消人"),
    )
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("花名册导入任务")
        verbose_name_plural = _("花名册导入任务")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse_pk("elections:import-job", self.pk)

    @property
    def problem_count(self) -> int:
        return self.error_count or len(self.errors)

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED, ImportStatus.CANCELLED)

    def may_be_cancelled_by(self, user) -> bool:
        """Administrators, and county organizers for their county's jobs, until it ends."""
        if self.is_finished:
            return False
        if policy.is_system(user) or policy.is_admin(user):
            return True
        return (
            policy.has_role(user, {Role.COUNTY_ORGANIZER})
            and user.county_id == self.created_by.county_id
        )
