from django.db import models
from django.utils.translation import gettext_lazy as _


class TownshipKind(models.TextChoices):
    TOWNSHIP = "township", _("乡")
    TOWN = "town", _("镇")
    SUBDISTRICT = "subdistrict", _("街道")


class VillageKind(models.TextChoices):
    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("社区")


class RiskClass(models.TextChoices):
    DIFFICULT = "difficult", _("重难点村")
    GENERAL = "general", _("一般村")
    STABLE = "stable", _("平稳村")
