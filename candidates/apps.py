from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = _("人选审查")

    def ready(self):
        # receivers connect on import; policies register the vetting rules with core.policy
        from . import policies, receivers, ui  # noqa: F401

        ui.register_slots()
        # the ballot's checks read where each candidate's vetting stands (elections.vetting)
        from elections import vetting

        from .selectors import ballot_vetting

        vetting.register(ballot_vetting)
