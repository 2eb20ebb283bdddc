"""Row scoping for every model that belongs to a county or township: `ScopedQuerySet`.

Every page and every API endpoint reads through `ScopedQuerySet.for_user(user)`; who may see
which rows, and every other access rule, is decided in `core.policy`.
"""

from django.db import models

from . import policy
from .policy import can_edit_township  # noqa: F401  (its home)
from .roles import (  # noqa: F401  (the names other modules import from here)
    ALL_ROLES,
    API_READ_ROLES,
    COUNTY_ROLES,
    EDITOR_ROLES,
    STAFF_ROLES,
    Role,
)


class ScopedQuerySet(models.QuerySet):
    """A QuerySet that knows the path from its rows to their county and township.

    Subclasses set `county_lookup` and `township_lookup` (ORM paths to the county and the
    township primary key; `None` where a row has no township, which hides it from officials).
    """

    county_lookup: str = "county"
    township_lookup: str | None = "township"

    def for_user(self, user):
        """The rows `user` may see (`core.policy.scope_filter`)."""
        scope = policy.scope_filter(
            user, county_lookup=self.county_lookup, township_lookup=self.township_lookup
        )
        if scope is None:
            return self.none()
        if scope is policy.ALL:
            return self.all()
        return self.filter(**scope)


def can_edit_person_at(user, *, county_id: int, township_id: int | None) -> bool:
    """Whether `user` may change a person registered in `county_id` whose village lies in
    `township_id` — the one rule for people, whichever door a change comes in by.

    Administrators: anyone; county organizers: anyone of their county; township officials:
    people whose village is in their township. A person with no village (`township_id`
    None) is the county's: only county roles may change them. The system may; nobody
    (`None`) may not. Takes ids, so an import judges a whole batch in memory from one query.
    """
    if policy.is_system(user):
        return True
    if not policy.is_active_user(user):
        return False
    if policy.is_admin(user):
        return True
    role = getattr(user, "role", None)
    if role == Role.COUNTY_ORGANIZER:
        return county_id == user.county_id
    if role == Role.TOWNSHIP_OFFICIAL:
        return township_id is not None and township_id == user.township_id
    return False


def can_edit_person(user, person) -> bool:
    """`can_edit_person_at` for a saved Person (its village is read if not loaded yet)."""
    township_id = person.village.township_id if person.village_id else None
    return can_edit_person_at(user, county_id=person.county_id, township_id=township_id)


policy.rule("person.edit")(can_edit_person)


def ensure_can_edit_township(user, township) -> None:
    """Raise PermissionDenied unless `user` may change `township`'s data."""
    policy.ensure_can_edit_township(policy.SYSTEM if user is None else user, township)
