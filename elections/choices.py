from django.db import models
from django.utils.translation import gettext_lazy as _


class Body(models.TextChoices):
    PARTY_COMMITTEE = "party", _("党组织委员会")
    VILLAGERS_COMMITTEE = "villagers", _("村(居)民委员会")
    SUPERVISION_COMMITTEE = "supervision", _("村务监督委员会")


class Post(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY_SECRETARY = "deputy_secretary", _("副书记")
    DIRECTOR = "director", _("主任")
    DEPUTY_DIRECTOR = "deputy_director", _("副主任")
    MEMBER = "member", _("委员")


# Which posts exist on which body.
BODY_POSTS = {
    Body.PARTY_COMMITTEE: (Post.SECRETARY, Post.DEPUTY_SECRETARY, Post.MEMBER),
    Body.VILLAGERS_COMMITTEE: (Post.DIRECTOR, Post.DEPUTY_DIRECTOR, Post.MEMBER),
    Body.SUPERVISION_COMMITTEE: (Post.DIRECTOR, Post.MEMBER),
}

# A post on the two committees by its usual short name (党组织书记, 村(居)委会主任).
POST_TITLES = {
    (Body.PARTY_COMMITTEE, Post.SECRETARY): _("党组织书记"),
    (Body.PARTY_COMMITTEE, Post.DEPUTY_SECRETARY): _("党组织副书记"),
    (Body.PARTY_COMMITTEE, Post.MEMBER): _("党组织委员"),
    (Body.VILLAGERS_COMMITTEE, Post.DIRECTOR): _("村(居)委会主任"),
    (Body.VILLAGERS_COMMITTEE, Post.DEPUTY_DIRECTOR): _("村(居)委会副主任"),
    (Body.VILLAGERS_COMMITTEE, Post.MEMBER): _("村(居)委会委员"),
    (Body.SUPERVISION_COMMITTEE, Post.DIRECTOR): _("村务监督委员会主任"),
    (Body.SUPERVISION_COMMITTEE, Post.MEMBER): _("村务监督委员会委员"),
}


class SeatSource(models.TextChoices):
    ELECTION = "election", _("选举产生")
    BY_ELECTION = "by_election", _("补选")
    APPOINTMENT = "appointment", _("任命")
    ROSTER_IMPORT = "roster_import", _("花名册导入")


class SeatEndReason(models.TextChoices):
    RESIGNATION = "resignation", _("辞职")
    RECALL = "recall", _("罢免")
    DEATH = "death", _("去世")
    TRANSFER = "transfer", _("调离")
    TERM_END = "term_end", _("换届")
    OTHER = "other", _("其他")


class ElectionRound(models.TextChoices):
    FIRST = "first", _("第一轮选举")
    SECOND = "second", _("另行选举")


class ElectionState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已上报")
    CERTIFIED = "certified", _("已审核确认")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("有错误，未保存")
    CANCELLED = "cancelled", _("已取消")
