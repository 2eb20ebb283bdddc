"""What the training app adds to the shared pages (core/ui.py)."""

from core import ui
from core.roles import STAFF_ROLES

from . import selectors


def register_slots() -> None:
    ui.register("nav", "training/_nav.html", roles=STAFF_ROLES, order=60)
    ui.register("home", "training/_home_card.html", roles=STAFF_ROLES, order=60)
    ui.register(
        "village",
        "training/_village_section.html",
        roles=STAFF_ROLES,
        order=40,
        context=lambda user, village: {"vc": selectors.village_latest_coverage(village, user=user)},
    )
    ui.register(
        "person",
        "training/_person_section.html",
        roles=STAFF_ROLES,
        order=40,
        context=lambda user, person: {"record": selectors.training_record(person, user=user)},
    )
