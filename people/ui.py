"""What the people app adds to the shared pages (core/ui.py)."""

from core import ui
from core.roles import STAFF_ROLES


def register_slots() -> None:
    ui.register("nav", "people/_nav.html", roles=STAFF_ROLES, order=20)
    ui.register("home", "people/_home_card.html", roles=STAFF_ROLES, order=20)
