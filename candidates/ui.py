"""What the candidates app adds to the shared pages (core/ui.py)."""

from core import ui
from core.roles import STAFF_ROLES, Role

from . import selectors, work

REVIEWERS = frozenset({Role.DEPARTMENT_REVIEWER})


def register_slots() -> None:
    ui.register("nav", "candidates/_nav_review.html", roles=REVIEWERS, order=39, exact=True)
    ui.register("nav", "candidates/_nav.html", roles=STAFF_ROLES, order=40)
    ui.register("home", "candidates/_home_card_review.html", roles=REVIEWERS, order=39, exact=True)
    ui.register("home", "candidates/_home_card.html", roles=STAFF_ROLES, order=40)
    ui.register_work(
        "candidates",
        work.work_items,
        roles=STAFF_ROLES - {Role.ADMIN} | REVIEWERS,
        order=40,
        exact=True,
    )
    ui.register(
        "village",
        "candidates/_village_section.html",
        roles=STAFF_ROLES,
        order=20,
        context=lambda user, village: {"candidacies": selectors.village_candidacies(village, user)},
    )
    ui.register(
        "person",
        "candidates/_person_section.html",
        roles=STAFF_ROLES,
        order=20,
        context=lambda user, person: {"candidacies": selectors.person_candidacies(person, user)},
    )
