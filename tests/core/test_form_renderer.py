"""core.renderers_forms writes select boxes and inputs exactly as Django's templates do."""

import datetime as dt

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from core.renderers_forms import FormRenderer


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "——"), ("a", "甲"), ("b", "<b>乙</b> & 丙")])
    multiple = forms.MultipleChoiceField(
        choices=[(1, "一"), (2, "二"), (3, '"三"')],
        widget=forms.SelectMultiple(attrs={"data-x": "y'z", "class": "wide"}),
    )
    grouped = forms.ChoiceField(
        choices=[("镇", [("t1", "吉昌镇"), ("t2", "屯里镇")]), ("其他", [("o", "其他")])],
        required=False,
        disabled=True,
    )
    number = forms.TypedChoiceField(choices=[(0, "零"), (10, "十")], coerce=int)


def test_select_markup_is_djangos():
    data = {"plain": "b", "multiple": ["1", "3"], "grouped": "t2", "number": "10"}
    ours, djangos = Sample(data), Sample(data, renderer=DjangoTemplates())
    assert isinstance(ours.renderer, FormRenderer)  # the project's FORM_RENDERER
    for name in Sample.base_fields:
        assert "<option" in ours[name].as_widget()
        assert ours[name].as_widget() == djangos[name].as_widget(), name
    assert ours.as_div() == djangos.as_div()


class Inputs(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": gettext_lazy("姓名")}))
    number = forms.IntegerField(min_value=0)
    hidden = forms.CharField(widget=forms.HiddenInput)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    secret = forms.CharField(widget=forms.PasswordInput)
    mail = forms.EmailField(disabled=True, required=False)
    agree = forms.BooleanField(required=False)
    search = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"data-x": mark_safe("<b>&amp;</b>")})
    )


def test_input_markup_is_djangos():
    data = {
        "text": '"<王>" & 李',
        "number": "12",
        "hidden": "a&b",
        "when": dt.date(2026, 4, 30),
        "secret": "x",
        "agree": "on",
        "search": mark_safe("<i>already safe</i>"),
    }
    for bound in (data, None):
        ours, djangos = Inputs(bound), Inputs(bound, renderer=DjangoTemplates())
        for name in Inputs.base_fields:
            assert "<input" in ours[name].as_widget()
            assert ours[name].as_widget() == djangos[name].as_widget(), (name, bound)
        assert ours.as_div() == djangos.as_div()


def test_project_uses_it():
    from django.conf import settings

    assert settings.FORM_RENDERER == "core.renderers_forms.FormRenderer"
