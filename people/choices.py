from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.text import choice_by_label, compact, join_words


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")

    @classmethod
    def parse(cls, value) -> str:
        text = compact(value).lower()
        if text in {"男", "m", "male", "男性"}:
            return cls.MALE
        if text in {"女", "f", "female", "女性"}:
            return cls.FEMALE
        raise ValueError(gettext("性别应为“男”或“女”"))


class Education(models.TextChoices):
    """Education levels, highest first (DOMAIN.md)."""

    POSTGRADUATE = "postgraduate", _("研究生")
    BACHELOR = "bachelor", _("大学本科")
    COLLEGE = "college", _("大学专科")
    VOCATIONAL = "vocational", _("中专")
    HIGH_SCHOOL = "high_school", _("高中")
    JUNIOR_HIGH = "junior_high", _("初中")
    PRIMARY = "primary", _("小学及以下")

    @classmethod
    def rank(cls, value) -> int:
        """7 for 研究生 down to 1 for 小学及以下; 0 for none."""
        order = [c.value for c in cls]
        return len(order) - order.index(value) if value in order else 0

    @classmethod
    def parse(cls, value) -> str:
        text = compact(value)
        found = choice_by_label(cls, text)
        if found:
            return found
        if text in EDUCATION_ALIASES:
            return EDUCATION_ALIASES[text]
        raise ValueError(
            gettext("未知的学历“%(value)s”，应为：%(labels)s")
            % {"value": text, "labels": join_words(c.label for c in cls)}
        )


EDUCATION_ALIASES = {
    "博士": Education.POSTGRADUATE,
    "硕士": Education.POSTGRADUATE,
    "博士研究生": Education.POSTGRADUATE,
    "硕士研究生": Education.POSTGRADUATE,
    "本科": Education.BACHELOR,
    "大专": Education.COLLEGE,
    "专科": Education.COLLEGE,
    "高职": Education.COLLEGE,
    "中技": Education.VOCATIONAL,
    "技校": Education.VOCATIONAL,
    "中等专科": Education.VOCATIONAL,
    "职高": Education.VOCATIONAL,
    "小学": Education.PRIMARY,
    "文盲": Education.PRIMARY,
    "无": Education.PRIMARY,
}


class PoliticalStatus(models.TextChoices):
    PARTY_MEMBER = "party_member", _("中共党员")
    PROBATIONARY = "probationary", _("中共预备党员")
    LEAGUE = "league", _("共青团员")
    DEMOCRATIC = "democratic", _("民主党派")
    MASSES = "masses", _("群众")

    @classmethod
    def parse(cls, value) -> str:
        text = compact(value)
        found = choice_by_label(cls, text)
        if found:
            return found
        aliases = {
            "党员": cls.PARTY_MEMBER,
            "正式党员": cls.PARTY_MEMBER,
            "预备党员": cls.PROBATIONARY,
            "团员": cls.LEAGUE,
            "无党派人士": cls.MASSES,
            "无": cls.MASSES,
        }
        if text in aliases:
            return aliases[text]
        raise ValueError(
            gettext("未知的政治面貌“%(value)s”，应为：%(labels)s")
            % {"value": text, "labels": join_words(c.label for c in cls)}
        )
