"""What the registry adds to the shared pages (core/ui.py)."""

from core import ui
from core.roles import STAFF_ROLES


def register_slots() -> None:
    ui.register("nav", "registry/_nav.html", roles=STAFF_ROLES, order=10)
    ui.register("home", "registry/_home_card.html", roles=STAFF_ROLES, order=10)
