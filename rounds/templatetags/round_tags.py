"""Template filters of the round's pages."""

from django import template

from core.text import join_words

register = template.Library()


@register.filter
def words(items) -> str:
    """A list joined as the reader's language joins words (、 or ", ")."""
    return join_words(str(item) for item in items or ())
