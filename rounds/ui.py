"""What the round's command centre adds to the shared pages (core/ui.py)."""

from core import ui
from core.roles import STAFF_ROLES, Role

from . import village_panel

BOARD_ROLES = STAFF_ROLES | {Role.LIAISON_LEADER}


def register_slots() -> None:
    ui.register("nav", "rounds/_nav.html", roles=BOARD_ROLES, order=15)
    ui.register("home", "rounds/_home_card.html", roles=BOARD_ROLES, order=15)
    ui.register(
        "village",
        "rounds/_village_section.html",
        roles=STAFF_ROLES,
        order=15,
        context=village_panel.context,
    )
