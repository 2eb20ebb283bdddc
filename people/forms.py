from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, QuickSelect
from registry.models import Village

from .choices import Education, Gender, PoliticalStatus
from .models import Person


class PersonForm(forms.Form):
    """Typing the ID number fills birth date and gender (static/js/idnumber.js); the service
    checks that anything typed beside it agrees."""

    id_number = forms.CharField(
        label=_("公民身份号码"),
        max_length=30,
        widget=forms.TextInput(attrs={"data-id-number": "1", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("姓名"), max_length=50)
    birth_date = forms.DateField(label=_("出生日期"), required=False, widget=DateInput())
    gender = forms.ChoiceField(
        label=_("性别"), choices=[("", "—")] + Gender.choices, required=False
    )
    village = forms.ModelChoiceField(
        label=_("所在村(社区)"),
        queryset=Village.objects.none(),
        widget=QuickSelect(label_field="name"),
    )
    ethnicity = forms.CharField(label=_("民族"), max_length=20, initial="汉族", required=False)
    education_fulltime = forms.ChoiceField(
        label=_("全日制学历"), choices=[("", "—")] + Education.choices, required=False
    )
    education_inservice = forms.ChoiceField(
        label=_("在职学历"), choices=[("", "—")] + Education.choices, required=False
    )
    political_status = forms.ChoiceField(
        label=_("政治面貌"), choices=[("", "—")] + PoliticalStatus.choices, required=False
    )
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, person: Person | None = None, **kwargs):
        if person is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "id_number": person.id_number,
                "name": person.name,
                "birth_date": person.birth_date,
                "gender": person.gender,
                "village": person.village_id,
                "ethnicity": person.ethnicity,
                "education_fulltime": person.education_fulltime,
                "education_inservice": person.education_inservice,
                "political_status": person.political_status,
                "phone": person.phone,
                "version": person.version,
            }
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = (
            Village.objects.for_user(user).active().select_related("township")
        )
