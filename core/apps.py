from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("公共")

    def ready(self):
        from . import choices, limits, sync, work

        choices.install()
        limits.apply_text_limits()
        work.register()
        sync.connect_tombstones()
