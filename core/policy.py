"""Who may do what: every access rule of the portal, and the one row-scoping rule.

Pages (`RoleRequiredMixin`, the `{% can %}` template tag), the API (`RolePermission`) and the
services all ask here; nothing else decides access. Two kinds of question:

- `has_role(user, roles)`: may this kind of user use this door at all (pages and API views
  declare `read_roles` / `write_roles`);
- `can(user, action, obj)`: may this user do this to this object. The generic rules are below;
  an app registers the rules of its own objects with `@rule("app.action")` in its
  `policies.py` (imported by its AppConfig), so `grep '"candidacy.decide"'` finds the rule.

Row scoping (`scope_filter`) is what `core.access.ScopedQuerySet.for_user` applies.

Fail closed: `None` is nobody and may do nothing. Background jobs, management commands and
the demo build act as `SYSTEM`, which every rule lets through, and which history records as
no user (the change is the system's).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .roles import COUNTY_ROLES, Role


class SystemActor:
    """The actor of work no person does right now: jobs, commands, the demo build."""

    pk = id = None
    county_id = township_id = None
    department = ""
    username = "system"
    role = "system"
    is_authenticated = True
    is_active = True
    is_superuser = False
    is_staff = False
    is_anonymous = False

    def __str__(self) -> str:
        return str(_("系统"))

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


def is_system(actor) -> bool:
    return isinstance(actor, SystemActor)


def history_user(actor):
    """The user a history row records for `actor`: nobody for the system."""
    return None if actor is None or is_system(actor) else actor


def is_active_user(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_admin(user) -> bool:
    """Administrators (and superusers) see and change everything; the system is not one."""
    return is_active_user(user) and (user.is_superuser or getattr(user, "role", None) == Role.ADMIN)


def has_role(user, roles) -> bool:
    """Whether `user` is one of `roles` (superusers are every role)."""
    if not is_active_user(user) or is_system(user):
        return False
    return user.is_superuser or user.role in roles


def is_department_reviewer(user) -> bool:
    """A joint-review department's reviewer: sees only names in joint review, and only
    their own department's sign-offs."""
    return getattr(user, "role", None) == Role.DEPARTMENT_REVIEWER and not user.is_superuser


# --- Row scoping -------------------------------------------------------------------------


ALL = object()  # scope_filter's answer when every row is visible

# Row scopes of roles an app brings (registered with `scope_rule`), by role.
_SCOPE_RULES: dict[str, Callable] = {}


def scope_rule(role: str):
    """Register the row scope of a role whose rows are not a county or a township (e.g. the
    liaison leader's villages, rounds/policies.py). The rule is called like `scope_filter`
    with the lookups (`village_lookup` None where a row belongs to no village) and answers
    the same way: `ALL`, `None` or filter kwargs."""

    def register(predicate):
        if role in _SCOPE_RULES and _SCOPE_RULES[role] is not predicate:
            raise ValueError(f"the scope of {role!r} is registered twice")
        _SCOPE_RULES[role] = predicate
        return predicate

    return register


def scope_filter(
    user, *, county_lookup: str, township_lookup: str | None, village_lookup: str | None = None
):
    """The filter of the rows `user` may see: `ALL`, `None` (no row) or filter kwargs.

    All for administrators, their county for county roles, department reviewers and
    county-bound API clients, their township for officials (rows with no township are the
    county's: hidden from officials); a role an app registered with `scope_rule` by its rule."""
    if is_system(user):
        return ALL
    if not is_active_user(user):
        return None
    role = getattr(user, "role", None)
    if is_admin(user):
        return ALL
    if role in _SCOPE_RULES:
        return _SCOPE_RULES[role](
            user,
            county_lookup=county_lookup,
            township_lookup=township_lookup,
            village_lookup=village_lookup,
        )
    if role == Role.TOWNSHIP_OFFICIAL:
        if not user.township_id or township_lookup is None:
            return None
        return {township_lookup: user.township_id}
    if user.county_id:
        return {county_lookup: user.county_id}
    if role == Role.API_CLIENT:
        return ALL
    return None


# --- Generic rules -----------------------------------------------------------------------


def can_change(user, *, county_id, township_id) -> bool:
    """The one rule for changing data of a county: `township_id` names the township the data
    belongs to, or None for the county's own (reference data, a person with no village).

    The system: anything; administrators: anything; county organizers: their county;
    township officials: their township's data only; nobody else (`None`, signed out,
    deactivated, viewers, reviewers, API clients): nothing. Takes ids, so an import judges a
    whole batch in memory from one query."""
    if is_system(user):
        return True
    if not is_active_user(user):
        return False
    if is_admin(user):
        return True
    role = getattr(user, "role", None)
    if role == Role.COUNTY_ORGANIZER:
        return user.county_id is not None and county_id == user.county_id
    if role == Role.TOWNSHIP_OFFICIAL:
        return township_id is not None and township_id == user.township_id
    return False


def can_edit_township(user, township) -> bool:
    """Whether `user` may change data that belongs to `township` (a Township instance)."""
    return can_change(user, county_id=township.county_id, township_id=township.pk)


def can_manage_county(user, county_id) -> bool:
    """County reference data and county-level rows: the county organizers of that county."""
    return can_change(user, county_id=county_id, township_id=None)


def can_edit_person_at(user, *, county_id: int, township_id: int | None) -> bool:
    """Whether `user` may change a person registered in `county_id` whose village lies in
    `township_id` — the one rule for people, whichever door a change comes in by. A person
    with no village (`township_id` None) is the county's: only county roles may change them."""
    return can_change(user, county_id=county_id, township_id=township_id)


def can_see_id_numbers(user) -> bool:
    """Whole ID numbers are shown only to the roles that enter and check them."""
    return is_admin(user) or has_role(user, {Role.COUNTY_ORGANIZER, Role.TOWNSHIP_OFFICIAL})


def can_browse_history(user) -> bool:
    """The audit trail: administrators everywhere, county organizers in their county."""
    return has_role(user, {Role.ADMIN, Role.COUNTY_ORGANIZER})


def is_county_level(user) -> bool:
    """Administrators and county organizers: they see every upload job of their scope."""
    return has_role(user, COUNTY_ROLES)


def can_edit_person(user, person) -> bool:
    """`can_edit_person_at` for a saved Person (its village is read if not loaded yet)."""
    township_id = person.village.township_id if person.village_id else None
    return can_edit_person_at(user, county_id=person.county_id, township_id=township_id)


# --- can(user, action, obj) --------------------------------------------------------------

_RULES: dict[str, Callable[..., bool]] = {}


def rule(action: str):
    """Register the rule that answers `can(user, action, obj)`; one rule per action."""

    def register(predicate):
        if action in _RULES and _RULES[action] is not predicate:
            raise ValueError(f"the rule {action!r} is registered twice")
        _RULES[action] = predicate
        return predicate

    return register


def can(user, action: str, obj=None) -> bool:
    """Whether `user` may do `action` (to `obj`). The system may do anything; nobody
    (`None`, anonymous, inactive) nothing; an action with no rule is refused."""
    if is_system(user):
        return True
    if not is_active_user(user):
        return False
    try:
        predicate = _RULES[action]
    except KeyError:
        raise LookupError(f"no rule is registered for {action!r}") from None
    return bool(predicate(user, obj))


def ensure(user, action: str, obj=None, *, message=None) -> None:
    """Raise PermissionDenied (with a message for the user) unless `can(user, action, obj)`."""
    if not can(user, action, obj):
        raise PermissionDenied(message or _("您无权执行此操作"))


def ensure_actor(actor) -> None:
    """Refuse a write that does not say who acts: a door that forgot is closed, not open."""
    if actor is None or not (is_system(actor) or is_active_user(actor)):
        raise PermissionDenied(_("未指明操作人，已拒绝"))


def requires_actor(service):
    """Mark a service as a door that must be told who acts: called without `actor`, or with
    `None` or a signed-out user, it refuses before it reads or writes anything."""

    @functools.wraps(service)
    def guarded(*args, **kwargs):
        ensure_actor(kwargs.get("actor"))
        return service(*args, **kwargs)

    guarded.requires_actor = True
    return guarded


rule("township.edit")(can_edit_township)
rule("person.edit")(can_edit_person)
rule("county.manage")(lambda user, county: can_manage_county(user, getattr(county, "pk", county)))
rule("id_number.see")(lambda user, obj=None: can_see_id_numbers(user))
rule("history.browse")(lambda user, obj=None: can_browse_history(user))
rule("admin")(lambda user, obj=None: is_admin(user))


def ensure_can_edit_township(user, township) -> None:
    """Raise PermissionDenied unless `user` may change `township`'s data."""
    ensure_actor(user)
    if not can_edit_township(user, township):
        raise PermissionDenied(_("您只能修改本乡镇的数据"))


def ensure_can_manage_county(user, county_id, *, message=None) -> None:
    ensure_actor(user)
    if not can_manage_county(user, county_id):
        raise PermissionDenied(message or _("县级数据只能由县委组织部修改"))
