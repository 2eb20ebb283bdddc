from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("培训与帮带")

    def ready(self):
        from . import ui

        ui.register_slots()
