"""Choices of the statutory election reports (民政 election statistics)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FormedBy(models.TextChoices):
    VILLAGERS_ASSEMBLY = "assembly", _("村民会议")
    REPRESENTATIVES_ASSEMBLY = "representatives", _("村民代表会议")
    GROUP_MEETINGS = "groups", _("村民小组会议")


class CommitteeSize(models.IntegerChoices):
    FIVE = 5, _("5 人")
    SEVEN = 7, _("7 人")
    NINE = 9, _("9 人")


class LeftReason(models.TextChoices):
    NOMINATED = "nominated", _("被提名为候选人")
    OTHER = "other", _("其他")


class Origin(models.TextChoices):
    ECONOMIC_LEADER = "economic_leader", _("经济组织负责人")
    RETURNED_ENTREPRENEUR = "entrepreneur", _("返乡创业人员")
    SENT_DOWN = "sent_down", _("机关下派")
    GRADUATE = "graduate", _("高校毕业生")
    VETERAN = "veteran", _("退役军人")
    OTHER = "other", _("其他")


class ChosenBy(models.TextChoices):
    HOUSEHOLDS = "households", _("每五至十五户推选")
    GROUP = "group", _("村民小组推选")


class AuditStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开展")
    DONE = "done", _("已完成")
    PUBLISHED = "published", _("已完成并公开")


class RequestedBy(models.TextChoices):
    VOTERS = "voters", _("五分之一以上选民联名")
    REPRESENTATIVES = "representatives", _("三分之一以上村民代表联名")


class VacancyReason(models.TextChoices):
    RESIGNATION = "resignation", _("辞职")
    RECALL = "recall", _("罢免")
    DEATH = "death", _("去世")
    TRANSFER = "transfer", _("调离")
    OTHER = "other", _("其他")


class FilingState(models.TextChoices):
    NOT_FILED = "not_filed", _("未填报")
    SUBMITTED = "submitted", _("已上报")
    RETURNED = "returned", _("已驳回")
    ACCEPTED = "accepted", _("已接收")
