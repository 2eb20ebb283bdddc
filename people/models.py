"""People: everyone who is nominated, elected, trained or mentors, one row per ID number."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet
from core.history import audited_history
from core.models import TimeStampedModel
from core.urls import reverse_pk
from registry.models import County, Village

from . import idnumbers
from .choices import Education, Gender, PoliticalStatus

phone_validator = RegexValidator(
    r"^(1\d{10}|0\d{2,3}-?\d{7,8})$", _("请填写 11 位手机号或带区号的固定电话")
)


class PersonQuerySet(ScopedQuerySet):
    county_lookup = "county"
    township_lookup = "village__township"

    def with_id_number(self, number: str):
        return self.filter(id_number_digest=idnumbers.digest(number))


class Person(TimeStampedModel):
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    id_number_encrypted = models.TextField(_("身份证号码（密文）"), editable=False)
    id_number_digest = models.CharField(max_length=64, unique=True, editable=False)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族", blank=True)
    education_fulltime = models.CharField(
        _("全日制学历"), max_length=16, choices=Education.choices, blank=True
    )
    education_inservice = models.CharField(
        _("在职学历"), max_length=16, choices=Education.choices, blank=True
    )
    political_status = models.CharField(
        _("政治面貌"), max_length=16, choices=PoliticalStatus.choices, blank=True
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[phone_validator])
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="people", verbose_name=_("县(市、区)")
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("所在村(社区)"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PersonQuerySet.as_manager()
    # History is read per person (id), by user, by date and by county; nobody looks a
    # historical row up by its village or digest, so those copies carry no index.
    history = audited_history(
        excluded_fields=["id_number_encrypted"], no_db_index=["village", "id_number_digest"]
    )

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["county", "name"], name="person_county_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_pk("people:person-detail", self.pk)

    @property
    def id_number(self) -> str:
        return idnumbers.decrypt(self.id_number_encrypted) if self.id_number_encrypted else ""

    @id_number.setter
    def id_number(self, number: str) -> None:
        self.id_number_encrypted = idnumbers.encrypt(number)
        self.id_number_digest = idnumbers.digest(number)

    @property
    def id_number_masked(self) -> str:
        return idnumbers.mask(self.id_number)

    def id_number_for(self, user) -> str:
        """The ID number as `user` may see it: whole, its last four, or "" (people/privacy.py)."""
        from . import privacy

        return privacy.id_number_for(self, user)

    def age_on(self, date) -> int:
        return idnumbers.age_on(self.birth_date, date)

    @property
    def highest_education(self) -> str:
        """The higher of full-time and in-service education."""
        return max(
            (self.education_fulltime, self.education_inservice),
            key=Education.rank,
        )
