"""What the reports app adds to the shared pages (core/ui.py)."""

from core import ui
from core.roles import STAFF_ROLES
from registry.models import Term


def _village_context(user, village):
    """The latest term the village held an election in (else the latest term)."""
    term = (
        Term.objects.filter(elections__village=village).order_by("-year").first()
        or Term.objects.order_by("-year").first()
    )
    return {"report_term": term} if term is not None else None


def register_slots() -> None:
    ui.register("nav", "reports/_nav.html", roles=STAFF_ROLES, order=55)
    ui.register("home", "reports/_home_card.html", roles=STAFF_ROLES, order=55)
    ui.register(
        "village",
        "reports/_village_section.html",
        roles=STAFF_ROLES,
        order=30,
        context=_village_context,
    )
