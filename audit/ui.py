"""What the audit app adds to the shared pages (core/ui.py)."""

from core import ui
from core.roles import COUNTY_ROLES


def register_slots() -> None:
    ui.register("nav", "audit/_nav.html", roles=COUNTY_ROLES, order=90)
