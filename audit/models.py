"""What the audit trail keeps besides the change history: each showing of a whole ID
number to a department reviewer (issue 13 point 10). Who, when, whose number, where (page
or export), from which address, in which request — never the number itself."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet


class IdNumberViewQuerySet(ScopedQuerySet):
    county_lookup = "county"
    township_lookup = "township"


class IdNumberView(models.Model):
    viewed_at = models.DateTimeField(_("查看时间"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("查看人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # The person's county and township when shown: the rows' scope (ScopedQuerySet).
    county = models.ForeignKey(
        "registry.County", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    township = models.ForeignKey(
        "registry.Township", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    where = models.CharField(_("查看位置"), max_length=64)
    client_ip = models.GenericIPAddressField(_("来源 IP"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)

    objects = IdNumberViewQuerySet.as_manager()

    class Meta:
        verbose_name = _("身份证号查看记录")
        verbose_name_plural = _("身份证号查看记录")
        ordering = ["-viewed_at", "-id"]
        indexes = [models.Index(fields=["county", "viewed_at"])]

    def __str__(self):
        return f"{self.user_id} {self.person_id} {self.where}"
