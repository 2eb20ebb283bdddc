"""Template tags for the village and person page sections."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def village_teams(context, village):
    user = context.get("user")
    if user is None or getattr(user, "role", None) in ("department_reviewer", "api_client"):
        return []
    return selectors.village_teams(village)


@register.simple_tag(takes_context=True)
def person_seats(context, person):
    return list(selectors.person_seats(person))
