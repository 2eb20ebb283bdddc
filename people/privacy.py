"""What of a person's identity each role is shown: the one place that decides it.

An ID number is area code (6) + birth date (8) + sequence (3) + check character (1), and the
area code of a county's people is public, so a birth date beside the last four digits IS
the number. Hence:

- the roles that enter and check numbers (`core.policy.can_see_id_numbers`: administrator,
  county organizer, township official) see them whole, with the birth date, and may search
  by them;
- county viewers and department reviewers see the last four (`**************123X`, enough
  to tell two namesakes apart) and an age, never the birth date;
- API clients see neither digits nor birth date, only the age.

The age is in full years (周岁) on the reference date of the latest term (DOMAIN.md), not
today: an age that ticked over on the birthday would give the day away to anyone who looks
daily. Pages, API serializers, exports and the search all ask here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from core.policy import can_see_id_numbers, is_active_user
from core.roles import Role

from . import idnumbers

WHOLE = "whole"
LAST_FOUR = "last_four"
NONE = "none"


@dataclass(frozen=True)
class Exposure:
    id_number: str  # WHOLE, LAST_FOUR or NONE
    birth_date: bool
    search_by_id_number: bool


ENTERS_NUMBERS = Exposure(WHOLE, birth_date=True, search_by_id_number=True)
READS_ONLY = Exposure(LAST_FOUR, birth_date=False, search_by_id_number=False)
NOTHING = Exposure(NONE, birth_date=False, search_by_id_number=False)


def exposure(user) -> Exposure:
    """What `user` may see of anybody's identity (fails closed: nobody sees nothing)."""
    if can_see_id_numbers(user):
        return ENTERS_NUMBERS
    if not is_active_user(user) or getattr(user, "role", None) not in {
        Role.COUNTY_VIEWER,
        Role.DEPARTMENT_REVIEWER,
    }:
        return NOTHING
    return READS_ONLY


def id_number_for(person, user) -> str:
    """The number as `user` may see it: whole, its last four, or "" (nothing)."""
    shown = exposure(user).id_number
    if shown == WHOLE:
        return person.id_number
    if shown == LAST_FOUR:
        return idnumbers.mask(person.id_number)
    return ""


def birth_date_for(person, user) -> dt.date | None:
    return person.birth_date if exposure(user).birth_date else None


def age_reference_date() -> dt.date:
    """The latest term's reference date; 1 January of this year while there is no term."""
    from registry.models import Term

    reference = Term.objects.order_by("-year").values_list("reference_date", flat=True).first()
    return reference or dt.date(timezone.localdate().year, 1, 1)


def age(person, on: dt.date) -> int:
    return idnumbers.age_on(person.birth_date, on)
