from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput

from .models import Township, Village


class VillageForm(forms.ModelForm):
    class Meta:
        model = Village
        fields = ["township", "code", "name", "kind", "risk_class", "risk_reason"]
        widgets = {"risk_reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.for_user(user)
        if self.instance.pk:
            self.fields["code"].disabled = True


class UploadForm(forms.Form):
    file = forms.FileField(label=_("文件"), help_text=_("Excel (.xlsx) 或 CSV 文件，第一行为表头"))
    dry_run = forms.BooleanField(label=_("仅检查，不保存"), required=False)


class TermOpenForm(forms.Form):
    """Opening a new round: the term's year and dates (registry.services.term_upsert)."""

    year = forms.IntegerField(
        label=_("届次（年份）"),
        min_value=1980,
        max_value=2100,
        help_text=_("换届当年，例如 2026"),
        error_messages={
            "min_value": _("届次年份应在 1980 至 2100 之间"),
            "max_value": _("届次年份应在 1980 至 2100 之间"),
        },
    )
    reference_date = forms.DateField(
        label=_("统计基准日"),
        widget=DateInput(),
        help_text=_("年龄等结构统计按此日计算"),
    )
    starts_on = forms.DateField(label=_("开始日期"), widget=DateInput(), required=False)
    ends_on = forms.DateField(label=_("结束日期"), widget=DateInput(), required=False)
