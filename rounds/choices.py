"""Choices of the round's command centre: steps and statuses, problems, talks, reports, and
the county's default plan and risk reasons."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StepSource(models.TextChoices):
    """Where a step's status comes from: the data the portal holds, or a hand record."""

    MANUAL = "manual", _("手工记录")
    SCREENING = "screening", _("分析研判记录")
    VETTING = "vetting", _("人选资格审查")
    PARTY_ELECTION = "party_election", _("党组织选举确认")
    VILLAGERS_ELECTION = "villagers_election", _("村(居)委会选举确认")
    SUPERVISION_ELECTION = "supervision_election", _("村务监督委员会推选确认")
    TRAINING = "training", _("新任书记培训记录")


class StepStatus(models.TextChoices):
    DONE = "done", _("已完成")
    IN_PROGRESS = "in_progress", _("进行中")
    NOT_STARTED = "not_started", _("未开始")
    OVERDUE = "overdue", _("已逾期")
    NOT_APPLICABLE = "not_applicable", _("不适用")


# The county's default plan: (code, label, source, first day, last day) counted from the
# round's first day. The county may rename, add or drop steps before the round starts.
DEFAULT_STEPS = (
    ("screening", _("分析研判"), StepSource.SCREENING, 0, 20),
    ("audit", _("离任审计"), StepSource.MANUAL, 0, 30),
    ("vetting", _("人选摸排与资格联审"), StepSource.VETTING, 15, 45),
    ("party_election", _("党组织换届选举"), StepSource.PARTY_ELECTION, 40, 60),
    ("villagers_election", _("村(居)委会选举"), StepSource.VILLAGERS_ELECTION, 55, 80),
    ("supervision", _("村务监督委员会推选"), StepSource.SUPERVISION_ELECTION, 75, 90),
    ("groups", _("村民小组长/村民代表推选"), StepSource.MANUAL, 80, 95),
    ("handover", _("工作交接"), StepSource.MANUAL, 85, 100),
    ("training", _("任职培训"), StepSource.TRAINING, 90, 130),
)

DEFAULT_LIAISON_LIMIT = 4

# The county's editable list of risk reasons, created with the county (receivers.py).
DEFAULT_RISK_REASONS = (
    "宗族派性",
    "群体上访",
    "软弱涣散",
    "历史遗留问题",
    "集体经济纠纷",
    "无人可选",
    "有人难选",
    "贿选苗头",
    "外出人员多",
    "合并村融合难",
    "班子不团结",
    "信访突出",
    "征地拆迁矛盾",
    "黑恶势力干扰",
)


class ProblemKind(models.TextChoices):
    PROBLEM = "problem", _("换届问题")
    NEED = "need", _("开门办事")


class ProblemSource(models.TextChoices):
    SUPERVISION = "supervision", _("督导组")
    LIAISON = "liaison", _("包联领导")
    DEPARTMENT = "department", _("部门")
    PETITION = "petition", _("信访")
    RESIDENTS = "residents", _("群众反映")


class ProblemCategory(models.TextChoices):
    PROCEDURE = "procedure", _("程序不规范")
    ELIGIBILITY = "eligibility", _("人选资格")
    CONFLICT = "conflict", _("矛盾纠纷")
    PETITION = "petition", _("信访问题")
    FINANCE = "finance", _("集体经济与财务")
    LIVELIHOOD = "livelihood", _("民生需求")
    OTHER = "other", _("其他")


class ProblemState(models.TextChoices):
    OPEN = "open", _("待交办")
    ASSIGNED = "assigned", _("已交办")
    RESOLVED = "resolved", _("已销号")
    VERIFIED = "verified", _("已核验")


# Allowed moves of a problem: open → assigned → resolved → verified; verification may
# reopen (back to assigned).
PROBLEM_TRANSITIONS = {
    "assign": ((ProblemState.OPEN, ProblemState.ASSIGNED), ProblemState.ASSIGNED),
    "resolve": ((ProblemState.ASSIGNED,), ProblemState.RESOLVED),
    "verify": ((ProblemState.RESOLVED,), ProblemState.VERIFIED),
    "reopen": ((ProblemState.RESOLVED, ProblemState.VERIFIED), ProblemState.ASSIGNED),
}
CLOSED_STATES = (ProblemState.RESOLVED, ProblemState.VERIFIED)


class TalkKind(models.TextChoices):
    HEART = "heart", _("谈心谈话")
    WARNING = "warning", _("警示谈话")


class ReportKind(models.TextChoices):
    DAILY = "daily", _("日报告")
    WEEKLY = "weekly", _("周调度")


STATUS_LABELS_KEYS = [status.value for status in StepStatus]
