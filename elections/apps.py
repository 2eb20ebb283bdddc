from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "elections"
    verbose_name = _("选举与任职")

    def ready(self):
        from . import ui

        ui.register_slots()
