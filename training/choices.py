"""Choices for training sessions, attendance and mentoring (青蓝帮带)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionKind(models.TextChoices):
    ELECTION_STAFF = "election_staff", _("换届业务培训")
    INDUCTION = "induction", _("新任“两委”履职培训")
    LEAD_GOOSE = "lead_goose", _("领头雁培训")
    CAPABILITY = "capability", _("能力提升/实战交流")
    STUDY_TOUR = "study_tour", _("观摩学习")
    MEETING = "meeting", _("以会代训")


class Topic(models.TextChoices):
    PARTY_BUILDING = "party_building", _("党的建设")
    RURAL_REVITALIZATION = "rural_revitalization", _("乡村振兴")
    GOVERNANCE = "governance", _("基层治理")
    FINANCE = "finance", _("财务管理")
    COLLECTIVE_ECONOMY = "collective_economy", _("集体经济")
    OTHER = "other", _("其他")


class Method(models.TextChoices):
    CLASSROOM = "classroom", _("集中授课")
    EXCHANGE = "exchange", _("交流研讨")
    CASE_STUDY = "case_study", _("案例教学")
    STUDY_TOUR = "study_tour", _("现场观摩")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    OPEN = "open", _("进行中")
    DONE = "done", _("已结束")
    CANCELLED = "cancelled", _("已取消")


# The allowed status changes of a session (one service performs them).
SESSION_TRANSITIONS = {
    SessionStatus.PLANNED: {SessionStatus.OPEN, SessionStatus.CANCELLED},
    SessionStatus.OPEN: {SessionStatus.DONE, SessionStatus.CANCELLED},
    SessionStatus.DONE: {SessionStatus.OPEN},
    SessionStatus.CANCELLED: set(),
}


class EnrolmentStatus(models.TextChoices):
    INVITED = "invited", _("已邀请")
    ATTENDED = "attended", _("已签到")
    ABSENT = "absent", _("缺席")


class MentorLevel(models.TextChoices):
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇级")
    VILLAGE = "village", _("村级")


class MentorshipStatus(models.TextChoices):
    ACTIVE = "active", _("帮带中")
    ENDED = "ended", _("已结束")


class MentorshipOutcome(models.TextChoices):
    ACHIEVED = "achieved", _("达到预期")
    PARTLY = "partly", _("部分达到")
    NOT_ACHIEVED = "not_achieved", _("未达到")
    DISCONTINUED = "discontinued", _("中止")
