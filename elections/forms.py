from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, QuickSelect
from people.models import Person
from registry.models import Village

from .choices import Post, SeatEndReason
from .models import Election
from .services import COUNT_FIELDS


class ElectionForm(forms.ModelForm):
    class Meta:
        model = Election
        fields = [
            "village",
            "term",
            "body",
            "round",
            "held_on",
            "seats_chair",
            "seats_deputy",
            "seats_member",
            *COUNT_FIELDS,
        ]
        widgets = {"held_on": DateInput(), "village": QuickSelect(label_field="name")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Village.objects.for_user(user).select_related("township")
        if self.instance.pk:
            for name in ("village", "term", "body"):
                self.fields[name].disabled = True


class CandidateForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("候选人"))
    votes = forms.IntegerField(min_value=0, label=_("得票"))
    post = forms.ChoiceField(
        choices=[("", _("未当选"))] + list(Post.choices), required=False, label=_("当选职务")
    )

    def __init__(self, *args, people=None, describe=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people
        if describe is not None:
            # Namesakes told apart: village, birth year or age, masked ID (people/privacy.py).
            self.fields["person"].label_from_instance = describe


class BaseCandidateFormSet(forms.BaseFormSet):
    def __init__(self, *args, people=None, describe=None, **kwargs):
        self.people = people
        self.describe = describe
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {
            **super().get_form_kwargs(index),
            "people": self.people,
            "describe": self.describe,
        }


CandidateFormSet = forms.formset_factory(
    CandidateForm, formset=BaseCandidateFormSet, extra=6, can_delete=True
)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmationForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("书面说明"), widget=forms.Textarea(attrs={"rows": 3}))


class SeatEndForm(forms.Form):
    ended_on = forms.DateField(label=_("离任日期"), widget=DateInput())
    # No reason chosen for the user; 换届 is the certification's, never ended by hand.
    reason = forms.ChoiceField(
        choices=[("", "—")] + [c for c in SeatEndReason.choices if c[0] != SeatEndReason.TERM_END],
        label=_("离任原因"),
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("花名册文件"), help_text=_("Excel (.xlsx) 或 CSV，第一行为表头"))
    dry_run = forms.BooleanField(label=_("仅检查，不保存"), required=False)

    def clean_file(self):
        from django.conf import settings

        upload = self.cleaned_data["file"]
        limit = settings.UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件过大（上限 %(mb)s MB）") % {"mb": limit // (1024 * 1024)}
            )
        return upload
