from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = _("人选审查")

    def ready(self):
        from . import receivers, ui  # noqa: F401 (receivers connect on import)

        ui.register_slots()
