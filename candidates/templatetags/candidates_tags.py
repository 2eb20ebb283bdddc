"""Template tags for the candidacy sections on village and person pages."""

from django import template

from core.access import STAFF_ROLES

from ..models import Candidacy

register = template.Library()


@register.simple_tag
def village_candidacies(village, user):
    """The village's candidacies the user may see, or None for roles without the section."""
    if getattr(user, "role", None) not in STAFF_ROLES and not user.is_superuser:
        return None
    return list(
        Candidacy.objects.for_user(user)
        .filter(village=village)
        .select_related("person", "term")
        .order_by("-term__year", "body", "post", "pk")
    )


@register.simple_tag
def person_candidacies(person, user):
    if getattr(user, "role", None) not in STAFF_ROLES and not user.is_superuser:
        return []
    return list(
        Candidacy.objects.for_user(user)
        .filter(person=person)
        .select_related("village", "term")
        .order_by("-term__year")
    )
