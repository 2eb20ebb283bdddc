from django.db import models
from django.utils.translation import gettext_lazy as _


class ScopeKind(models.TextChoices):
    VILLAGE = "village", _("村(社区)")
    TOWNSHIP = "township", _("乡镇")
    COUNTY = "county", _("县(市、区)")
    PREFECTURE = "prefecture", _("市(州)")
    PROVINCE = "province", _("省(区、市)")


class Metric(models.TextChoices):
    # The figures are derived from the counters on read (composition.figures).
    COUNTERS = "counters", _("计数")
