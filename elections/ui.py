"""What the elections app adds to the shared pages (core/ui.py)."""

from core import ui
from core.roles import STAFF_ROLES

from . import selectors, work


def register_slots() -> None:
    ui.register("nav", "elections/_nav.html", roles=STAFF_ROLES, order=30)
    ui.register("home", "elections/_home_card.html", roles=STAFF_ROLES, order=30)
    ui.register_work("elections", work.work_items, roles=STAFF_ROLES, order=30)
    ui.register(
        "village",
        "elections/_village_section.html",
        roles=STAFF_ROLES,
        order=10,
        context=lambda user, village: {"teams": selectors.village_teams(village)},
    )
    ui.register(
        "person",
        "elections/_person_section.html",
        roles=STAFF_ROLES,
        order=10,
        context=lambda user, person: {"seats": list(selectors.person_seats(person, user))},
    )
