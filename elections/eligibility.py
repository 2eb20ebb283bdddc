"""Who may stand for a post of the two committees: the one home of the rule.

- Everyone elected must be at least 18 (周岁) on election day (《村民委员会组织法》第十三条;
  a party member is one by definition, but a nomination typed wrong must not get through).
- A post on the party committee needs a full party member (中共党员): a probationary member
  (预备党员) has the right to vote nowhere in the party and no right to be elected.

Pure functions over plain values, so every door asks the same thing: the nomination
(`candidates.services.candidacy_create`, the form, API and upload), the ballot
(`elections.rules.check_eligibility`), the seats (`seat_create`, `seat_update`, the roster
import) and the demo, which calls those services. Each message names the rule.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from people.choices import PoliticalStatus
from people.idnumbers import age_on

from .choices import Body

MIN_AGE = 18

# The bodies whose posts need a full party member.
PARTY_BODIES = frozenset({Body.PARTY_COMMITTEE})

_STATUS_LABELS = dict(PoliticalStatus.choices)


def age_problem(birth_date: dt.date | None, on: dt.date | None) -> str | None:
    """The message when a person born on `birth_date` is under 18 on `on` (election day)."""
    if birth_date is None or on is None:
        return None
    age = age_on(birth_date, on)
    if age >= MIN_AGE:
        return None
    return _("被选举人须年满 18 周岁：选举日 %(date)s 时年仅 %(age)s 周岁") % {
        "date": f"{on:%Y-%m-%d}",
        "age": max(age, 0),
    }


def party_problem(body: str, political_status: str | None) -> str | None:
    """The message when a person of this political status may not hold a post on `body`."""
    if body not in PARTY_BODIES or political_status == PoliticalStatus.PARTY_MEMBER:
        return None
    if political_status == PoliticalStatus.PROBATIONARY:
        return _("党组织委员会成员须为中共正式党员：预备党员没有被选举权")
    if not political_status:
        return _("党组织委员会成员须为中共正式党员：此人未登记政治面貌")
    return _("党组织委员会成员须为中共正式党员：此人政治面貌为“%(status)s”") % {
        "status": _STATUS_LABELS.get(political_status, political_status)
    }


def problems(
    *, body: str, birth_date: dt.date | None, political_status: str | None, on: dt.date | None
) -> list[tuple[str, str]]:
    """(field, message) for every eligibility rule broken: "birth_date" for the age,
    "political_status" for the party membership."""
    found = []
    message = age_problem(birth_date, on)
    if message:
        found.append(("birth_date", message))
    message = party_problem(body, political_status)
    if message:
        found.append(("political_status", message))
    return found


def person_problems(person, *, body: str, on: dt.date | None) -> list[tuple[str, str]]:
    """`problems` for a saved person."""
    return problems(
        body=body,
        birth_date=person.birth_date,
        political_status=person.political_status,
        on=on,
    )


def election_day(term, started_on: dt.date | None = None) -> dt.date | None:
    """The day eligibility is judged on for a seat or a nomination of `term`: the seat's own
    start (an appointment, a by-election), else the term's election (reference) date."""
    return started_on or (term.reference_date if term is not None else None)
