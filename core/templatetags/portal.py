"""Template tags of the policy and of the shared pages' slots (core/policy.py, core/ui.py).

`{% can "village.edit" village as may_edit %}` asks the policy; `user|has_role:"editors"`
tests a named role set; `{% slots "village" village %}` renders what the apps registered.
"""

from django import template
from django.utils.safestring import mark_safe

from core import policy, ui
from core.roles import (
    API_READ_ROLES,
    COUNTY_ROLES,
    EDITOR_ROLES,
    STAFF_ROLES,
    Role,
)
from core.spreadsheets import error_count

register = template.Library()

ROLE_SETS = {
    "staff": STAFF_ROLES,
    "editors": EDITOR_ROLES,
    "county": COUNTY_ROLES,
    "api": API_READ_ROLES,
    **{role.value: frozenset({role}) for role in Role},
}


@register.simple_tag
def can(user, action, obj=None) -> bool:
    return policy.can(user, action, obj)


@register.filter
def has_role(user, names: str) -> bool:
    """`user|has_role:"editors"` or `user|has_role:"township_official,county_organizer"`."""
    roles = frozenset().union(*(ROLE_SETS[name.strip()] for name in names.split(",")))
    return policy.has_role(user, roles)


@register.filter
def problem_count(errors) -> int:
    """`result.errors|problem_count`: every problem found, also those beyond the kept 200."""
    return error_count(errors)


@register.simple_tag(takes_context=True)
def slots(context, kind, obj=None):
    """Render the `kind` slots the current user sees, as `{% include %}` would: in the page's
    own context (no second run of the context processors) plus the slot's data (`object` is
    the village or person of the page)."""
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    engine = context.template.engine
    key = ui.static_key(kind, user)
    if key is not None and (html := _STATIC_SLOTS.get(key)) is not None:
        return html
    parts = []
    for slot in ui.slots_for(kind, user):
        extra = {}
        if slot.context is not None:
            extra = slot.context(user, obj)
            if extra is None:
                continue
        with context.push(object=obj, **extra):
            parts.append(engine.get_template(slot.template).render(context))
    html = mark_safe("".join(parts))
    if key is not None:
        _STATIC_SLOTS[key] = html
    return html


# Rendered navigation by (role, language, URL prefix): see core.ui.static_key.
_STATIC_SLOTS: dict[tuple, str] = {}
