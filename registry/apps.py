from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("区划与届次")

    def ready(self):
        from . import policies, ui  # noqa: F401 (policies register the registry's rules)

        ui.register_slots()
