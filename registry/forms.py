from django import forms
from django.utils.translation import gettext_lazy as _

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
    file = forms.FileField(
        label=_("文件"), help_text=_("Excel (.xlsx) 或 CSV 文件，第一行为表头")
    )
    dry_run = forms.BooleanField(label=_("仅检查，不保存"), required=False)
