"""The territorial registry: counties, townships, villages (with mergers) and terms."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet
from core.history import audited_history
from core.models import TimeStampedModel
from core.urls import reverse_pk

from .choices import RiskClass, TownshipKind, VillageKind

county_code_validator = RegexValidator(r"^\d{6}$", _("县级区划代码应为 6 位数字"))
township_code_validator = RegexValidator(r"^\d{9}$", _("乡镇区划代码应为 9 位数字"))
village_code_validator = RegexValidator(r"^\d{12}$", _("村(社区)区划代码应为 12 位数字"))


class CountyQuerySet(ScopedQuerySet):
    county_lookup = "pk"
    township_lookup = "townships"


class County(TimeStampedModel):
    code = models.CharField(
        _("区划代码"), max_length=6, unique=True, validators=[county_code_validator]
    )
    name = models.CharField(_("名称"), max_length=50)

    objects = CountyQuerySet.as_manager()

    class Meta:
        verbose_name = _("县(市、区)")
        verbose_name_plural = _("县(市、区)")
        ordering = ["code"]

    def __str__(self):
        return self.name


class TownshipQuerySet(ScopedQuerySet):
    county_lookup = "county"
    township_lookup = "pk"


class Township(TimeStampedModel):
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="townships", verbose_name=_("县(市、区)")
    )
    code = models.CharField(
        _("区划代码"), max_length=9, unique=True, validators=[township_code_validator]
    )
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(
        _("类型"), max_length=12, choices=TownshipKind.choices, default=TownshipKind.TOWN
    )

    objects = TownshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("乡镇(街道)")
        verbose_name_plural = _("乡镇(街道)")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "name"],
                name="township_unique_name_in_county",
                violation_error_message=_("本县已有同名乡镇"),
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.code and self.county_id and not self.code.startswith(self.county.code):
            raise ValidationError(
                {
                    "code": _("乡镇区划代码应以所属县的代码 %(code)s 开头")
                    % {"code": self.county.code}
                }
            )


class VillageQuerySet(ScopedQuerySet):
    county_lookup = "township__county"
    township_lookup = "township"

    def active(self):
        return self.filter(is_active=True)


class Village(TimeStampedModel):
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="villages", verbose_name=_("乡镇")
    )
    code = models.CharField(
        _("区划代码"), max_length=12, unique=True, validators=[village_code_validator]
    )
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(
        _("类型"), max_length=12, choices=VillageKind.choices, default=VillageKind.VILLAGE
    )
    risk_class = models.CharField(
        _("分类"), max_length=12, choices=RiskClass.choices, default=RiskClass.GENERAL
    )
    risk_set_on = models.DateField(_("分类日期"), null=True, blank=True)
    risk_reason = models.TextField(_("分类理由"), blank=True)
    is_active = models.BooleanField(_("现存"), default=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("并入"),
    )
    merged_on = models.DateField(_("合并日期"), null=True, blank=True)

    objects = VillageQuerySet.as_manager()
    # The risk class as of a past day (the round's board) is read from here.
    history = audited_history()

    class Meta:
        verbose_name = _("村(社区)")
        verbose_name_plural = _("村(社区)")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "name"],
                name="village_unique_name_in_township",
                violation_error_message=_("本乡镇已有同名村(社区)"),
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("pk")),
                name="village_not_merged_into_itself",
                violation_error_message=_("村不能并入自身"),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_pk("registry:village-detail", self.pk)

    def clean(self):
        errors = {}
        if self.code and self.township_id and not self.code.startswith(self.township.code):
            errors["code"] = _("村区划代码应以所属乡镇的代码 %(code)s 开头") % {
                "code": self.township.code
            }
        if self.merged_into_id:
            if self.merged_into_id == self.pk:
                errors["merged_into"] = _("村不能并入自身")
            elif self.merged_into.township.county_id != self.township.county_id:
                errors["merged_into"] = _("只能并入本县的村(社区)")
            elif self.merged_into.merged_into_id == self.pk:
                errors["merged_into"] = _("两个村不能互相并入")
        if self.merged_into_id and self.is_active:
            self.is_active = False
        if errors:
            raise ValidationError(errors)

    @property
    def current(self):
        """The village this one lives on in today (itself unless merged, following chains)."""
        village, seen = self, set()
        while village.merged_into_id and village.pk not in seen:
            seen.add(village.pk)
            village = village.merged_into
        return village


class TermQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-year")

    def in_force(self, on=None):
        """The term in office on `on` (today): the latest that has started, else the
        latest. A round opened for the next term (its nominations under way) does not
        make the teams of the term in force any less current."""
        on = on or timezone.localdate()
        started = self.filter(models.Q(starts_on__isnull=True) | models.Q(starts_on__lte=on))
        return started.latest_first().first() or self.latest_first().first()


class Term(TimeStampedModel):
    """A five-year term (届), e.g. 2021; shared by every county of the deployment."""

    year = models.PositiveSmallIntegerField(_("届次（年份）"), unique=True)
    reference_date = models.DateField(_("统计基准日"))
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)

    objects = TermQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("届次")
        verbose_name_plural = _("届次")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=1980) & models.Q(year__lte=2100),
                name="term_year_plausible",
                violation_error_message=_("届次年份应在 1980 至 2100 之间"),
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gt=models.F("starts_on")),
                name="term_ends_after_start",
                violation_error_message=_("结束日期应晚于开始日期"),
            ),
        ]

    def __str__(self):
        return _("%(year)s 年届") % {"year": self.year}

    def clean(self):
        """Dates that fit the year: the reference date within a year of it, the term at
        most six years long (five, and the months a round may run late)."""
        super().clean()
        errors = {}
        if self.year and self.reference_date and abs(self.reference_date.year - self.year) > 1:
            errors["reference_date"] = _("统计基准日应在 %(year)s 年前后一年之内") % {
                "year": self.year
            }
        if self.starts_on and self.ends_on:
            if self.ends_on <= self.starts_on:
                errors["ends_on"] = _("结束日期应晚于开始日期")
            elif (self.ends_on - self.starts_on).days > 6 * 366:
                errors["ends_on"] = _("一届任期不应超过六年")
        if errors:
            raise ValidationError(errors)

    @property
    def previous(self):
        """The term immediately before this one, or None."""
        return Term.objects.filter(year__lt=self.year).order_by("-year").first()
