"""The form renderer (`FORM_RENDERER`): Django's, with select boxes written in Python.

Django renders a `<select>` through three templates, one `{% include %}` per option and
another per option's attributes: the filter bar of a list page (a few selects, dozens of
options) cost a fifth of the page's CPU (issue 18, fifty users). `FormRenderer` writes the
same markup as `django/forms/widgets/select.html` (select and multiple select, option
groups) directly; every other widget goes through the templates as before.
`tests/core/test_form_renderer.py` compares both outputs.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    """`django/forms/widgets/attrs.html`."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _option(option: dict) -> str:
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>"
    )


def render_select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append("\n  " + _option(option) + "\n")  # the option template ends a line
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE and self._plain_options(context["widget"]):
            return render_select(context["widget"])
        return super().render(template_name, context, request=request)

    @staticmethod
    def _plain_options(widget) -> bool:
        """Every option uses Django's own option template (not a widget's custom one)."""
        return all(
            option.get("template_name") == OPTION_TEMPLATE
            for _group, options, _index in widget["optgroups"]
            for option in options
        )
