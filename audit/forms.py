"""The filter form of the history pages and export (per object, per user, dates, type)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import CHANGE_TYPES


class HistoryFilterForm(forms.Form):
    object_id = forms.IntegerField(label=_("对象编号"), required=False, min_value=1)
    user = forms.IntegerField(label=_("操作人编号"), required=False, min_value=1)
    date_from = forms.DateField(label=_("起始日期"), required=False)
    date_to = forms.DateField(label=_("截止日期"), required=False)
    change_type = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部")), *CHANGE_TYPES.items()]
    )

    def filters(self) -> dict:
        if not self.is_bound:
            return {}
        if not self.is_valid():
            return {"object_id": -1}  # a filter the user mistyped matches nothing
        data = self.cleaned_data
        return {
            "object_id": data["object_id"],
            "user_id": data["user"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "change_type": data["change_type"] or None,
        }


class IdNumberViewFilterForm(forms.Form):
    user = forms.IntegerField(label=_("查看人编号"), required=False, min_value=1)
    date_from = forms.DateField(label=_("起始日期"), required=False)
    date_to = forms.DateField(label=_("截止日期"), required=False)

    def filters(self) -> dict:
        if not self.is_bound:
            return {}
        if not self.is_valid():
            return {"user_id": -1}  # a filter the user mistyped matches nothing
        data = self.cleaned_data
        return {
            "user_id": data["user"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
