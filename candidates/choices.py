"""Choices of candidate vetting: stages, outcomes, sources, ratings and the default lists."""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.choices import Department
from core.text import choice_by_label, join_words


class Stage(models.TextChoices):
    NOMINATED = "nominated", _("摸排提名")
    PRELIMINARY_REVIEW = "preliminary_review", _("预审")
    JOINT_REVIEW = "joint_review", _("资格联审")
    TOWNSHIP_COMMITTEE = "township_committee", _("乡镇党委会审")
    ORGANIZATION_DEPARTMENT = "organization_department", _("组织部部务会审")
    STANDING_COMMITTEE = "standing_committee", _("县委常委会审")
    APPROVED = "approved", _("确定人选")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已退出")
    REPLACED = "replaced", _("已替换")


# The path every candidacy walks, in order; a pass moves one step right, a return one left.
STAGE_PATH = (
    Stage.NOMINATED,
    Stage.PRELIMINARY_REVIEW,
    Stage.JOINT_REVIEW,
    Stage.TOWNSHIP_COMMITTEE,
    Stage.ORGANIZATION_DEPARTMENT,
    Stage.STANDING_COMMITTEE,
    Stage.APPROVED,
)
# Stages at which a decision can still be taken.
OPEN_STAGES = STAGE_PATH[:-1]
ENDED_STAGES = (Stage.APPROVED, Stage.REJECTED, Stage.WITHDRAWN, Stage.REPLACED)
# Stages that are meetings: their decisions carry a meeting date and minute number.
MEETING_STAGES = (
    Stage.TOWNSHIP_COMMITTEE,
    Stage.ORGANIZATION_DEPARTMENT,
    Stage.STANDING_COMMITTEE,
)


class Outcome(models.TextChoices):
    PASS = "pass", _("通过")
    REJECT = "reject", _("不通过")
    RETURN = "return", _("退回")
    WITHDRAW = "withdraw", _("退出")
    REPLACE = "replace", _("替换")


# Outcomes a reviewer chooses at a stage; withdraw and replace have their own services.
DECISION_OUTCOMES = (Outcome.PASS, Outcome.REJECT, Outcome.RETURN)


class Source(models.TextChoices):
    INCUMBENT = "incumbent", _("留任")
    RESERVE = "reserve", _("后备干部")
    RECRUITED_BACK = "recruited_back", _("回引")
    SENT_IN = "sent_in", _("选派")
    OTHER = "other", _("其他")

    @classmethod
    def parse(cls, value) -> str:
        text = str(value or "").strip()
        found = choice_by_label(cls, text)
        if found:
            return found
        aliases = {"后备": cls.RESERVE, "回引人才": cls.RECRUITED_BACK, "下派": cls.SENT_IN}
        if text in aliases:
            return aliases[text]
        raise ValueError(
            gettext("来源应为：%(labels)s") % {"labels": join_words(c.label for c in cls)}
        )


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")


class AuditRecommendation(models.TextChoices):
    STAY = "stay", _("建议留任")
    GO = "go", _("建议不再留任")


class SignOffOutcome(models.TextChoices):
    PASS = "pass", _("通过")
    FLAG = "flag", _("有问题")


# The five qualities (五个过硬): field stem and label.
QUALITIES = (
    ("political", _("政治素质")),
    ("development", _("发展本领")),
    ("coordination", _("协调能力")),
    ("service", _("服务水平")),
    ("conduct", _("作风品行")),
)

# Departments that take part in the joint review unless the county says otherwise.
DEFAULT_DEPARTMENTS = tuple(d for d in Department if d != Department.OTHER)

# DOMAIN.md "Negative list", shipped as each county's starting list.
DEFAULT_NEGATIVE_LIST = (
    "对党不忠诚、搞两面派、散布政治谣言的",
    "有刑事犯罪记录的（或刑满释放未满 5 年的，视县里规定），村霸，涉黑涉恶的",
    "受到党纪政务处分尚在影响期内，或正在接受立案审查调查的",
    "参与非法宗教、邪教或封建迷信活动，涉黄赌毒，或利用宗族、宗教势力干预村务的",
    "拉票贿选、操纵选举的",
    "组织群体性事件或非法上访、阻挠干部工作的",
    "在突发事件中失职失责，本届被评为不称职或被罢免，近 3 年被评为不合格党员，或长期不在村的",
    "侵占集体资产、挪用惠民资金未整改的",
    "违法用地、违章建房未整改，近 5 年严重破坏生态环境，或被列为失信被执行人的",
    "违反计划生育政策未处理的",
    "拒不签订廉洁承诺书的",
    "其他不宜作为人选的情形（须写明理由）",
)
