"""Row scoping for every model that belongs to a county or township: `ScopedQuerySet`.

Every page and every API endpoint reads through `ScopedQuerySet.for_user(user)`; who may see
which rows, and every other access rule, is decided in `core.policy`.
"""

from django.db import models

from . import policy
from .policy import (  # noqa: F401  (their home)
    can_edit_person,
    can_edit_person_at,
    can_edit_township,
    ensure_can_edit_township,
)
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
    # The path to the village, for roles scoped by village (core.policy.scope_rule).
    village_lookup: str | None = None

    def for_user(self, user):
        """The rows `user` may see (`core.policy.scope_filter`)."""
        scope = policy.scope_filter(
            user,
            county_lookup=self.county_lookup,
            township_lookup=self.township_lookup,
            village_lookup=self.village_lookup,
        )
        if scope is None:
            return self.none()
        if scope is policy.ALL:
            return self.all()
        return self.filter(**scope)
