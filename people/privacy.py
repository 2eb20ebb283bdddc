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
import logging
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

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


disclosure_log = logging.getLogger("audit.id_number")


def disclose_id_number(person, user, *, request=None, where: str, subject=None) -> str:
    """The whole number of `person` shown to `user` in a context a policy rule allowed (a
    department reviewer's queue: candidates `candidacy.see_id_number`), logged: who, when (the record's time), which person, from where (page, client
    address, request id). The number itself is never logged. Pages call it through
    `Disclosures`, which also writes the showing to the audit trail (audit.IdNumberView)."""
    from core.clientip import client_ip

    disclosure_log.info(
        "ID number of person %s shown to %s (%s) on %s",
        person.pk,
        getattr(user, "username", ""),
        getattr(user, "role", ""),
        where,
        extra={
            "user_id": getattr(user, "pk", None),
            "person_id": person.pk,
            "subject": f"{subject._meta.label_lower}:{subject.pk}" if subject else "",
            "where": where,
            "client_ip": client_ip(request) if request is not None else None,
            "request_id": getattr(request, "request_id", "") if request is not None else "",
        },
    )
    return person.id_number


class Disclosures:
    """The whole numbers shown to `user` on one page or export: `show()` each (logged as
    `disclose_id_number` does), then `record()` writes them all to the audit trail
    (audit.IdNumberView) in one INSERT, whatever the page size. As a context manager it
    records on leaving the block."""

    def __init__(self, user, *, request=None, where: str):
        self.user, self.request, self.where = user, request, where
        self.shown: list[tuple] = []

    def show(self, person, *, subject=None) -> str:
        number = disclose_id_number(
            person, self.user, request=self.request, where=self.where, subject=subject
        )
        village = getattr(subject, "village", None)  # the subject's: no query per row
        self.shown.append((person, getattr(village, "township_id", None)))
        return number

    def record(self) -> int:
        from audit.services import record_id_number_views

        shown, self.shown = self.shown, []
        return record_id_number_views(
            actor=self.user, shown=shown, where=self.where, request=self.request
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.record()
        return False


# -- pickers ------------------------------------------------------------------------------


def picker_entry(person, user, *, on: dt.date | None = None) -> dict:
    """One person as a picker shows them: name, township and village, birth year (or age on
    `on`, the age reference date, for the roles that see no birth date) and the masked
    number (nothing for a role that sees no digits)."""
    shown = exposure(user)
    if shown.birth_date:
        born = _("%(year)s 年生") % {"year": person.birth_date.year}
    else:
        born = _("%(age)s 岁") % {"age": age(person, on or age_reference_date())}
    village = person.village
    return {
        "id": person.pk,
        "name": person.name,
        "place": f"{village.township.name} {village.name}" if village else "",
        "born": born,
        "id_number": idnumbers.mask(person.id_number) if shown.id_number != NONE else "",
    }


def picker_labeller(user):
    """`label(person)`: a person's option text in a picker, 张三 · 吉昌镇 东关村 · 1980 年生 ·
    **************1234 (the reference date read once, on first use)."""
    reference: list[dt.date] = []
    needs_age = not exposure(user).birth_date

    def label(person) -> str:
        if needs_age and not reference:
            reference.append(age_reference_date())
        entry = picker_entry(person, user, on=reference[0] if reference else None)
        parts = (entry["name"], entry["place"], entry["born"], entry["id_number"])
        return " · ".join(part for part in parts if part)

    return label
