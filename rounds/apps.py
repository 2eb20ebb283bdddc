from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    name = "rounds"
    verbose_name = _("换届指挥")

    def ready(self):
        from . import policies, receivers, ui  # noqa: F401  (rules, county data, slots)

        ui.register_slots()
