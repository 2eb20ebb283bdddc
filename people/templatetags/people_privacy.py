"""A person's ID number and birth date on a page, as people.privacy decides for the reader.

{% load people_privacy %}
<th>{% birth_heading %}</th> … <td>{% birth_or_age person %}</td>
<td class="mono">{% id_number_of person %}</td>
"""

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .. import privacy

register = template.Library()


def _reader(context):
    request = context.get("request")
    return getattr(request, "user", None)


def _reference_date(context):
    """Once per request: the latest term's reference date."""
    request = context.get("request")
    cached = getattr(request, "_age_reference_date", None)
    if cached is None:
        cached = privacy.age_reference_date()
        if request is not None:
            request._age_reference_date = cached
    return cached


@register.simple_tag(takes_context=True)
def id_number_of(context, person):
    return privacy.id_number_for(person, _reader(context)) or "—"


@register.simple_tag(takes_context=True)
def birth_heading(context):
    return _("出生日期") if privacy.exposure(_reader(context)).birth_date else _("年龄")


@register.simple_tag(takes_context=True)
def birth_or_age(context, person, fmt="Y-m-d"):
    """The birth date for the roles that see whole numbers, else the age (周岁) on the
    latest term's reference date."""
    birth = privacy.birth_date_for(person, _reader(context))
    if birth is not None:  # "Y-m-d" is ISO 8601: a list page's 50 rows skip date_format
        return birth.isoformat() if fmt == "Y-m-d" else date_format(birth, fmt)
    return _("%(age)s 岁") % {"age": privacy.age(person, _reference_date(context))}
