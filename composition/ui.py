"""What the composition app adds to the shared pages (core/ui.py)."""

from core import ui
from core.roles import STAFF_ROLES


def register_slots() -> None:
    ui.register("nav", "composition/_nav.html", roles=STAFF_ROLES, order=50)
    ui.register("home", "composition/_home_card.html", roles=STAFF_ROLES, order=50)
    ui.register("village", "composition/_village_section.html", roles=STAFF_ROLES, order=30)
