from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompositionConfig(AppConfig):
    name = "composition"
    verbose_name = _("结构统计")

    def ready(self):
        from . import receivers, ui  # noqa: F401

        ui.register_slots()
