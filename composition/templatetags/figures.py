"""Statistics for display."""

from django import template

register = template.Library()


@register.filter
def figure(value):
    """Percentages, ages and changes with their two places (86.0 reads "86.00"); counts
    (integers) and None pass through."""
    return f"{value:.2f}" if isinstance(value, float) else value
