"""The detail behind the statutory election reports, and the reports as filed.

Each village's election committee, registration and voting detail, groups and
representatives, supervision formation, leaving audits, recalls and by-elections are kept
here, next to (never inside) the elections they describe; the forms are computed from them
(`reports.selectors`) and frozen when a township files (`TownshipFiling`).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet
from core.history import audited_history
from core.models import StateTransition, TimeStampedModel
from elections.choices import Body, ElectionRound, Post
from elections.models import Election, ElectionCandidate, Seat
from people.choices import Gender
from people.models import Person
from registry.models import County, Term, Township, Village

from .choices import (
    AuditStatus,
    ChosenBy,
    CommitteeSize,
    FilingState,
    FormedBy,
    LeftReason,
    Origin,
    RequestedBy,
    VacancyReason,
)

POSTING_DAYS = 20  # the voter list is posted at least 20 days before election day
PROXY_LIMIT = 3  # the provincial cap on written proxies one voter may carry


class VillageScoped(ScopedQuerySet):
    county_lookup = "village__township__county"
    township_lookup = "village__township"


class ElectionScoped(ScopedQuerySet):
    county_lookup = "election__village__township__county"
    township_lookup = "election__village__township"


class MemberScoped(ScopedQuerySet):
    county_lookup = "detail__village__township__county"
    township_lookup = "detail__village__township"


class OriginScoped(ScopedQuerySet):
    county_lookup = "candidate__election__village__township__county"
    township_lookup = "candidate__election__village__township"


class VillageDetail(TimeStampedModel):
    """One village's round: its election committee and supervision committee formation."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="report_details", verbose_name=_("村(社区)")
    )
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="report_details", verbose_name=_("届次")
    )
    committee_formed_by = models.CharField(
        _("选举委员会推选方式"), max_length=16, choices=FormedBy.choices, blank=True
    )
    committee_formed_on = models.DateField(_("选举委员会推选日期"), null=True, blank=True)
    committee_size = models.PositiveSmallIntegerField(
        _("选举委员会组成人数"), choices=CommitteeSize.choices, null=True, blank=True
    )
    supervision_formed_by = models.CharField(
        _("监委会推选方式"), max_length=16, choices=FormedBy.choices[:2], blank=True
    )
    accounting_member = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("具备财会知识的监委会成员"),
    )
    confirmations = models.JSONField(_("书面说明"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = VillageScoped.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("村级选举情况")
        verbose_name_plural = _("村级选举情况")
        ordering = ["village__code", "term"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "term"],
                name="report_detail_one_per_village_term",
                violation_error_message=_("该村本届已有选举情况记录"),
            )
        ]

    def __str__(self):
        return f"{self.village} {self.term.year}"


class CommitteeMember(TimeStampedModel):
    """A member of the villagers' election committee; a nominated member leaves it."""

    detail = models.ForeignKey(
        VillageDetail, on_delete=models.CASCADE, related_name="members", verbose_name=_("村")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("人员")
    )
    left_on = models.DateField(_("退出日期"), null=True, blank=True)
    left_reason = models.CharField(
        _("退出原因"), max_length=12, choices=LeftReason.choices, blank=True
    )

    objects = MemberScoped.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("选举委员会成员")
        verbose_name_plural = _("选举委员会成员")
        ordering = ["detail", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["detail", "person"],
                name="report_committee_member_once",
                violation_error_message=_("此人已是该村选举委员会成员"),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | ~Q(left_reason=""),
                name="report_committee_left_has_reason",
                violation_error_message=_("退出须注明原因"),
            ),
        ]

    def __str__(self):
        return str(self.person)


class ElectionDetail(TimeStampedModel):
    """A villagers' committee election's registration and how its vote was held."""

    election = models.OneToOneField(
        Election, on_delete=models.CASCADE, related_name="report_detail", verbose_name=_("选举")
    )
    # Registered voters by category (first round: the list; second round: the list then).
    registered_resident = models.PositiveIntegerField(_("户籍在本村并居住"), default=0)
    registered_away = models.PositiveIntegerField(_("户籍在本村不居住、本人表示参加"), default=0)
    registered_admitted = models.PositiveIntegerField(
        _("户籍不在本村、居住一年以上经同意"), default=0
    )
    registered_women = models.PositiveIntegerField(_("其中妇女"), default=0)
    registered_party = models.PositiveIntegerField(_("其中中共党员"), default=0)
    registered_minorities = models.PositiveIntegerField(_("其中少数民族"), default=0)
    list_posted_on = models.DateField(_("选民名单公布日期"), null=True, blank=True)
    # 四增四减 since the first round (second rounds only)
    added_of_age = models.PositiveIntegerField(_("新满十八周岁"), default=0)
    added_moved_in = models.PositiveIntegerField(_("迁入"), default=0)
    added_restored = models.PositiveIntegerField(_("恢复政治权利"), default=0)
    added_other = models.PositiveIntegerField(_("其他增加"), default=0)
    removed_died = models.PositiveIntegerField(_("死亡"), default=0)
    removed_moved_out = models.PositiveIntegerField(_("迁出"), default=0)
    removed_deprived = models.PositiveIntegerField(_("被剥夺政治权利"), default=0)
    removed_other = models.PositiveIntegerField(_("其他减少"), default=0)
    # How the vote was held
    sittings = models.PositiveSmallIntegerField(_("投票次数（场）"), default=1)
    sub_venues = models.PositiveSmallIntegerField(_("分会场"), default=0)
    ballot_boxes = models.PositiveSmallIntegerField(_("票箱"), default=1)
    mobile_boxes = models.PositiveSmallIntegerField(_("其中流动票箱"), default=0)
    mobile_voters = models.PositiveIntegerField(_("流动票箱投票人数"), default=0)
    booths = models.PositiveSmallIntegerField(_("秘密写票处"), default=1)
    proxy_voters = models.PositiveIntegerField(_("委托投票人数"), default=0)
    proxy_carriers = models.PositiveIntegerField(_("受委托人数"), default=0)
    max_proxies_per_carrier = models.PositiveSmallIntegerField(_("一人最多受委托数"), default=0)
    written_for_others = models.PositiveIntegerField(_("代写选票"), default=0)
    counted_in_public = models.BooleanField(_("公开唱票、计票"), default=True)
    announced_on_spot = models.BooleanField(_("当场公布选举结果"), default=True)
    confirmations = models.JSONField(_("书面说明"), default=dict, blank=True)

    objects = ElectionScoped.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("选民登记与投票情况")
        verbose_name_plural = _("选民登记与投票情况")
        ordering = ["election"]

    def __str__(self):
        return str(self.election)

    @property
    def registered(self) -> int:
        return self.registered_resident + self.registered_away + self.registered_admitted

    @property
    def added(self) -> int:
        return self.added_of_age + self.added_moved_in + self.added_restored + self.added_other

    @property
    def removed(self) -> int:
        return (
            self.removed_died + self.removed_moved_out + self.removed_deprived + self.removed_other
        )

    def clean(self):
        errors = {}
        election = self.election
        if election.body != Body.VILLAGERS_COMMITTEE:
            raise ValidationError(_("选民登记与投票情况只记录村(居)民委员会选举"))
        for field in ("registered_women", "registered_party", "registered_minorities"):
            if getattr(self, field) > self.registered:
                errors[field] = _("不能多于登记选民总数")
        if self.list_posted_on and election.held_on:
            if self.list_posted_on > election.held_on - dt.timedelta(days=POSTING_DAYS):
                errors["list_posted_on"] = _(
                    "选民名单应在选举日 %(days)s 日前公布（村民委员会组织法第十四条）"
                ) % {"days": POSTING_DAYS}
        errors.update(self._conduct_errors())
        if election.round == ElectionRound.FIRST and self.added + self.removed:
            errors["added_of_age"] = _("“四增四减”只在另行选举时填写")
        if errors:
            raise ValidationError(errors)

    def _conduct_errors(self) -> dict:
        """How the vote was held, against the law (a booth, public count, on-the-spot result)."""
        errors = {}
        if self.booths < 1:
            errors["booths"] = _("应至少设立一个秘密写票处（村民委员会组织法第十五条）")
        if self.mobile_boxes > self.ballot_boxes:
            errors["mobile_boxes"] = _("流动票箱不能多于票箱总数")
        if self.sittings < 1:
            errors["sittings"] = _("投票至少一场")
        if not self.counted_in_public:
            errors["counted_in_public"] = _("选举应公开唱票、计票（村民委员会组织法第十五条）")
        if not self.announced_on_spot:
            errors["announced_on_spot"] = _("选举结果应当场公布（村民委员会组织法第十五条）")
        return errors


class ElectedOrigin(TimeStampedModel):
    """The origin of an elected person whose candidacy does not say it."""

    candidate = models.OneToOneField(
        ElectionCandidate,
        on_delete=models.CASCADE,
        related_name="report_origin",
        verbose_name=_("当选人"),
    )
    origin = models.CharField(_("来源"), max_length=16, choices=Origin.choices)

    objects = OriginScoped.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("当选人来源")
        verbose_name_plural = _("当选人来源")

    def __str__(self):
        return f"{self.candidate} {self.get_origin_display()}"


class VillagerGroup(TimeStampedModel):
    """A villager group (村民小组) and its leader for the term."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("村(社区)")
    )
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="+", verbose_name=_("届次")
    )
    name = models.CharField(_("村民小组"), max_length=50)
    leader_name = models.CharField(_("组长姓名"), max_length=50, blank=True)
    leader_gender = models.CharField(
        _("组长性别"), max_length=1, choices=Gender.choices, blank=True
    )
    leader_party_member = models.BooleanField(_("组长是中共党员"), default=False)

    objects = VillageScoped.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("村民小组")
        verbose_name_plural = _("村民小组")
        ordering = ["village", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "term", "name"],
                name="report_group_unique_name",
                violation_error_message=_("该村本届已有同名村民小组"),
            )
        ]

    def __str__(self):
        return self.name


class Representative(TimeStampedModel):
    """A villager representative (村民代表) for the term."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("村(社区)")
    )
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="+", verbose_name=_("届次")
    )
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    party_member = models.BooleanField(_("中共党员"), default=False)
    chosen_by = models.CharField(_("推选方式"), max_length=12, choices=ChosenBy.choices)
    group = models.ForeignKey(
        VillagerGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="representatives",
        verbose_name=_("村民小组"),
    )

    objects = VillageScoped.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("村民代表")
        verbose_name_plural = _("村民代表")
        ordering = ["village", "pk"]

    def __str__(self):
        return self.name


class LeavingAudit(TimeStampedModel):
    """The leaving economic-responsibility audit (离任经济责任审计) of an outgoing member.

    Its 去/留 recommendation is the incumbent candidacy's `audit_recommendation` (one source):
    the reports read it there."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("村(社区)")
    )
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="+", verbose_name=_("换届届次")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("离任人员")
    )
    status = models.CharField(
        _("审计情况"), max_length=12, choices=AuditStatus.choices, default=AuditStatus.NOT_STARTED
    )

    objects = VillageScoped.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("离任经济责任审计")
        verbose_name_plural = _("离任经济责任审计")
        ordering = ["village", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "term", "person"],
                name="report_audit_once",
                violation_error_message=_("该人员本届已有离任审计记录"),
            )
        ]

    def __str__(self):
        return f"{self.person} {self.get_status_display()}"


class Recall(TimeStampedModel):
    """A recall (罢免) of a villagers' committee member: the request and the vote."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("村(社区)")
    )
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="+", verbose_name=_("届次")
    )
    seat = models.ForeignKey(
        Seat, on_delete=models.PROTECT, related_name="+", verbose_name=_("被罢免人职务")
    )
    requested_by = models.CharField(_("提出方式"), max_length=16, choices=RequestedBy.choices)
    requesters = models.PositiveIntegerField(_("联名人数"))
    eligible = models.PositiveIntegerField(
        _("联名基数"), help_text=_("提出时本村登记选民数或村民代表数")
    )
    requested_on = models.DateField(_("提出日期"))
    voted_on = models.DateField(_("表决日期"))
    registered = models.PositiveIntegerField(_("登记选民数"))
    voted = models.PositiveIntegerField(_("参加投票人数"))
    agreed = models.PositiveIntegerField(_("赞成罢免票数"))
    passed = models.BooleanField(_("罢免通过"), default=False, editable=False)
    note = models.TextField(_("说明"), blank=True)

    objects = VillageScoped.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("罢免")
        verbose_name_plural = _("罢免")
        ordering = ["village", "voted_on", "pk"]

    def __str__(self):
        return f"{self.village} {self.seat.person} {self.voted_on}"

    @property
    def valid(self) -> bool:
        return self.voted * 2 > self.registered

    def clean(self):
        errors = {}
        if self.seat_id and (
            self.seat.body != Body.VILLAGERS_COMMITTEE
            or self.seat.village_id != self.village_id
            or self.seat.term_id != self.term_id
        ):
            errors["seat"] = _("只能罢免本村本届村(居)民委员会成员")
        share = 5 if self.requested_by == RequestedBy.VOTERS else 3
        if self.eligible and self.requesters * share < self.eligible:
            errors["requesters"] = (
                _("罢免要求须由五分之一以上有选举权的村民联名提出（村民委员会组织法第十六条）")
                if share == 5
                else _("罢免要求须由三分之一以上村民代表联名提出（村民委员会组织法第十六条）")
            )
        if self.voted > self.registered:
            errors["voted"] = _("参加投票人数不能多于登记选民数")
        if self.agreed > self.voted:
            errors["agreed"] = _("赞成票不能多于参加投票人数")
        if self.requested_on and self.voted_on and self.voted_on < self.requested_on:
            errors["voted_on"] = _("表决日期不能早于提出日期")
        if errors:
            raise ValidationError(errors)
        self.passed = self.valid and self.agreed * 2 > self.voted


class ByElection(TimeStampedModel):
    """A by-election (补选) to a vacant villagers' committee seat; the seat it produced."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("村(社区)")
    )
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="+", verbose_name=_("届次")
    )
    post = models.CharField(_("补选职务"), max_length=20, choices=Post.choices)
    reason = models.CharField(_("补选原因"), max_length=12, choices=VacancyReason.choices)
    recall = models.ForeignKey(
        Recall,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="by_elections",
        verbose_name=_("因罢免"),
    )
    held_on = models.DateField(_("补选日期"))
    registered = models.PositiveIntegerField(_("登记选民数"))
    voted = models.PositiveIntegerField(_("参加投票人数"))
    votes = models.PositiveIntegerField(_("当选人得票"))
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("当选人")
    )
    seat = models.OneToOneField(
        Seat,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="by_election",
        verbose_name=_("产生的任职"),
        editable=False,
    )

    objects = VillageScoped.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("补选")
        verbose_name_plural = _("补选")
        ordering = ["village", "held_on", "pk"]

    def __str__(self):
        return f"{self.village} {self.person} {self.held_on}"

    def clean(self):
        errors = {}
        if self.voted > self.registered:
            errors["voted"] = _("参加投票人数不能多于登记选民数")
        elif self.voted * 2 <= self.registered:
            errors["voted"] = _("参加投票的选民未过登记选民半数，补选无效")
        if self.votes > self.voted:
            errors["votes"] = _("得票不能多于参加投票人数")
        elif self.votes * 2 <= self.voted:
            errors["votes"] = _("得票未过参加投票选民的半数，不能当选")
        if self.post == Post.SECRETARY or self.post == Post.DEPUTY_SECRETARY:
            errors["post"] = _("补选只产生村(居)民委员会成员")
        if self.recall_id and self.reason != VacancyReason.RECALL:
            errors["reason"] = _("因罢免产生的缺额，补选原因应为罢免")
        if errors:
            raise ValidationError(errors)


# -- filing -------------------------------------------------------------------------------


class TownshipFilingQuerySet(ScopedQuerySet):
    county_lookup = "township__county"
    township_lookup = "township"


class TownshipFiling(TimeStampedModel):
    """A township's report for a term: its state and, once filed, the report as filed."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇")
    )
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="+", verbose_name=_("届次")
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=FilingState.choices, default=FilingState.NOT_FILED
    )
    data = models.JSONField(_("报送的报表"), default=dict, blank=True)
    fingerprint = models.CharField(_("报表摘要"), max_length=64, blank=True)
    filed_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上报人"),
    )
    filed_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.TextField(_("驳回原因"), blank=True)
    unlocked_at = models.DateTimeField(_("解锁时间"), null=True, blank=True)
    unlocked_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("解锁人"),
    )
    unlock_reason = models.TextField(_("解锁原因"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = TownshipFilingQuerySet.as_manager()
    history = audited_history(excluded_fields=["data"])

    class Meta:
        verbose_name = _("乡镇报表报送")
        verbose_name_plural = _("乡镇报表报送")
        ordering = ["township__code", "term"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "term"],
                name="report_filing_one_per_township_term",
                violation_error_message=_("该乡镇本届已有报送记录"),
            )
        ]

    def __str__(self):
        return f"{self.township} {self.term.year} {self.get_state_display()}"

    @property
    def locks_detail(self) -> bool:
        """A report on its way up or accepted locks the detail it was built from."""
        return (
            self.state in (FilingState.SUBMITTED, FilingState.ACCEPTED) and self.unlocked_at is None
        )


class FilingStep(StateTransition):
    """Every step of a township's filing: who, when, from, to, why."""

    filing = models.ForeignKey(
        TownshipFiling, on_delete=models.CASCADE, related_name="steps", verbose_name=_("报送")
    )
    step = models.CharField(_("操作"), max_length=12)
    from_state = models.CharField(_("原状态"), max_length=12, choices=FilingState.choices)
    to_state = models.CharField(_("新状态"), max_length=12, choices=FilingState.choices)

    class Meta:
        verbose_name = _("报送记录")
        verbose_name_plural = _("报送记录")
        ordering = ["filing", "at", "pk"]

    def __str__(self):
        return f"{self.filing_id}: {self.step}"


class CountyFilingQuerySet(ScopedQuerySet):
    county_lookup = "county"
    township_lookup = None


class CountyFiling(TimeStampedModel):
    """The county's aggregate, filed once every township's report is accepted."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("县(市、区)")
    )
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="+", verbose_name=_("届次")
    )
    data = models.JSONField(_("报送的报表"), default=dict)
    fingerprint = models.CharField(_("报表摘要"), max_length=64)
    filed_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("汇总上报人"),
    )
    filed_at = models.DateTimeField(_("汇总上报时间"))

    objects = CountyFilingQuerySet.as_manager()
    history = audited_history(excluded_fields=["data"])

    class Meta:
        verbose_name = _("县级汇总报送")
        verbose_name_plural = _("县级汇总报送")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "term"],
                name="report_county_filing_once",
                violation_error_message=_("本县本届已汇总上报"),
            )
        ]

    def __str__(self):
        return f"{self.county} {self.term.year}"
