"""The form renderer (`FORM_RENDERER`): Django's, with selects and inputs written in Python.

Django renders a `<select>` through three templates, one `{% include %}` per option and
another per option's attributes: the filter bar of a list page (a few selects, dozens of
options) cost a fifth of the page's CPU (issue 18, fifty users). An `<input>` goes through
two (`text.html` includes `input.html`, which includes `attrs.html`): the search box alone
was a tenth of /registry/villages/. `FormRenderer` writes the same markup as
`django/forms/widgets/select.html` (select and multiple select, option groups) and
`input.html` (every widget whose template only includes it) directly; every other widget
goes through the templates as before. `tests/core/test_form_renderer.py` compares both
outputs.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
# Django's widget templates that are nothing but `{% include "…/input.html" %}`.
INPUT_TEMPLATES = {
    f"django/forms/widgets/{name}.html"
    for name in (
        "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time",
        "search", "tel", "color", "checkbox",
    )
}  # fmt: skip


def _value(value) -> str:
    """`{{ value|stringformat:'s' }}`: the text of the value, escaped unless marked safe."""
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """`django/forms/widgets/attrs.html`."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{_value(value)}"')
    return "".join(parts)


def _option(option: dict) -> str:
    return (
        f'<option value="{_value(option["value"])}"{_attrs(option["attrs"])}>'
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


def render_input(widget: dict) -> str:
    """`django/forms/widgets/input.html`."""
    value = "" if widget["value"] is None else f' value="{_value(widget["value"])}"'
    return mark_safe(
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE and self._plain_options(context["widget"]):
            return render_select(context["widget"])
        if template_name in INPUT_TEMPLATES:
            return render_input(context["widget"])
        return super().render(template_name, context, request=request)

    @staticmethod
    def _plain_options(widget) -> bool:
        """Every option uses Django's own option template (not a widget's custom one)."""
        return all(
            option.get("template_name") == OPTION_TEMPLATE
            for _group, options, _index in widget["optgroups"]
            for option in options
        )
