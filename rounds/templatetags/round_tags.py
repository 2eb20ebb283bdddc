"""Template filters of the round's pages."""

from django import template

from core.text import join_words

register = template.Library()


@register.filter
def words(items) -> str:
    """A list joined as the reader's language joins words (、 or ", "); of (id, name) pairs,
    the names."""
    return join_words(
        str(item[1] if isinstance(item, tuple) else item) for item in items or ()
    )
