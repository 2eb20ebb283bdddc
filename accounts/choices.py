from django.db import models
from django.utils.translation import gettext_lazy as _

from core.access import Role

__all__ = ["Department", "Role"]


class Department(models.TextChoices):
    """Departments that take part in the joint qualification review (资格联审)."""

    DISCIPLINE = "discipline", _("纪检监察")
    ORGANIZATION = "organization", _("组织")
    POLITICAL_LEGAL = "political_legal", _("政法(综治)")
    POLICE = "police", _("公安")
    PROCURATORATE = "procuratorate", _("检察院")
    COURT = "court", _("法院")
    JUSTICE = "justice", _("司法")
    PETITIONS = "petitions", _("信访")
    CIVIL_AFFAIRS = "civil_affairs", _("民政")
    AGRICULTURE = "agriculture", _("农业农村")
    HEALTH = "health", _("卫健")
    OTHER = "other", _("其他")
