from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("选举统计报表")

    def ready(self):
        # receivers refuse a candidacy of a sitting election-committee member
        from . import policies, receivers, ui  # noqa: F401

        ui.register_slots()
