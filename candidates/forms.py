"""Forms of candidate vetting; every one hands its data to a service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, QuickSelect
from elections.choices import BODY_POSTS, POST_TITLES, Body
from people.choices import Education, Gender, PoliticalStatus
from registry.models import Term, Village

from .choices import (
    DECISION_OUTCOMES,
    QUALITIES,
    AuditRecommendation,
    Outcome,
    Rating,
    SignOffOutcome,
    Source,
)
from .models import NegativeListItem

POST_CHOICES = [
    (
        f"{body.value}:{post.value}",
        POST_TITLES[(body, post)],
    )
    for body in (Body.PARTY_COMMITTEE, Body.VILLAGERS_COMMITTEE)
    for post in BODY_POSTS[body]
]
BLANK = [("", "—")]


def split_post(value: str) -> tuple[str, str]:
    body, _sep, post = value.partition(":")
    return body, post


ITEMS_LABEL = _("负面清单情形")


def _items_field(county_id, label=ITEMS_LABEL):
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=NegativeListItem.objects.filter(county_id=county_id, active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class AssessmentMixin:
    """Adds the five-quality ratings and notes, and the audit recommendation."""

    def add_assessment_fields(self):
        for stem, label in QUALITIES:
            self.fields[f"rating_{stem}"] = forms.ChoiceField(
                label=label, choices=BLANK + Rating.choices, required=False
            )
            self.fields[f"note_{stem}"] = forms.CharField(
                label=_("%(q)s说明") % {"q": label},
                required=False,
                widget=forms.Textarea(attrs={"rows": 1}),
            )
        self.fields["audit_recommendation"] = forms.ChoiceField(
            label=_("离任审计建议"),
            choices=BLANK + AuditRecommendation.choices,
            required=False,
            help_text=_("仅留任人选填写"),
        )

    def assessment(self) -> dict:
        data = self.cleaned_data
        return {
            f"{kind}_{stem}": data.get(f"{kind}_{stem}", "")
            for stem, _label in QUALITIES
            for kind in ("rating", "note")
        }


class PersonFieldsMixin:
    def add_person_fields(self):
        self.fields["id_number"] = forms.CharField(
            label=_("公民身份号码"),
            max_length=30,
            widget=forms.TextInput(attrs={"data-id-number": "1", "autocomplete": "off"}),
        )
        self.fields["name"] = forms.CharField(label=_("姓名"), max_length=50)
        self.fields["birth_date"] = forms.DateField(
            label=_("出生日期"), required=False, widget=DateInput()
        )
        self.fields["gender"] = forms.ChoiceField(
            label=_("性别"), choices=BLANK + Gender.choices, required=False
        )
        self.fields["education_fulltime"] = forms.ChoiceField(
            label=_("全日制学历"), choices=BLANK + Education.choices, required=False
        )
        self.fields["education_inservice"] = forms.ChoiceField(
            label=_("在职学历"), choices=BLANK + Education.choices, required=False
        )
        self.fields["political_status"] = forms.ChoiceField(
            label=_("政治面貌"), choices=BLANK + PoliticalStatus.choices, required=False
        )
        self.fields["phone"] = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    def person_data(self) -> dict:
        keys = (
            "id_number",
            "name",
            "birth_date",
            "gender",
            "education_fulltime",
            "education_inservice",
            "political_status",
            "phone",
        )
        data = {key: self.cleaned_data.get(key) for key in keys}
        data["gender"] = data["gender"] or None
        return data


class NominationForm(AssessmentMixin, PersonFieldsMixin, forms.Form):
    """Typing the ID number fills birth date and gender (static/js/app.js)."""

    term = forms.ModelChoiceField(label=_("届次"), queryset=Term.objects.all(), empty_label=None)
    village = forms.ModelChoiceField(
        label=_("村(社区)"), queryset=Village.objects.none(), widget=QuickSelect(label_field="name")
    )
    # No default: the official chooses the post and the source (an empty choice first).
    post = forms.ChoiceField(label=_("拟任职务"), choices=BLANK + POST_CHOICES)
    source = forms.ChoiceField(label=_("来源"), choices=BLANK + Source.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = (
            Village.objects.for_user(user).active().select_related("township")
        )
        self.add_person_fields()
        self.add_assessment_fields()


class NominationEditForm(AssessmentMixin, forms.Form):
    """Correcting a nomination before the joint review (services.candidacy_update): the
    post, the source, the assessment and its notes; the person and village stay."""

    post = forms.ChoiceField(label=_("拟任职务"), choices=BLANK + POST_CHOICES)
    source = forms.ChoiceField(label=_("来源"), choices=BLANK + Source.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_assessment_fields()

    @classmethod
    def initial_for(cls, candidacy) -> dict:
        initial = {
            "post": f"{candidacy.body}:{candidacy.post}",
            "source": candidacy.source,
            "audit_recommendation": candidacy.audit_recommendation,
            "version": candidacy.version,
        }
        for stem, _label in QUALITIES:
            for kind in ("rating", "note"):
                initial[f"{kind}_{stem}"] = getattr(candidacy, f"{kind}_{stem}")
        return initial


class ReplaceForm(AssessmentMixin, PersonFieldsMixin, forms.Form):
    reason = forms.CharField(label=_("替换理由"), widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.ChoiceField(label=_("来源"), choices=BLANK + Source.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_person_fields()
        self.add_assessment_fields()


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("结果"),
        choices=[(o.value, o.label) for o in DECISION_OUTCOMES],
        widget=forms.RadioSelect,
    )
    negative_items = forms.ModelMultipleChoiceField(queryset=NegativeListItem.objects.none())
    reason = forms.CharField(
        label=_("理由/说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不通过须选择负面清单情形或写明理由；退回须写明说明"),
    )
    meeting_date = forms.DateField(label=_("会议日期"), required=False, widget=DateInput())
    minute_number = forms.CharField(label=_("纪要编号"), max_length=40, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, county_id, meeting=True, returnable=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["negative_items"] = _items_field(county_id)
        if not meeting:
            del self.fields["meeting_date"]
            del self.fields["minute_number"]
        if not returnable:
            self.fields["outcome"].choices = [
                (o.value, o.label) for o in (Outcome.PASS, Outcome.REJECT)
            ]

    def clean(self):
        cleaned = super().clean()
        if "meeting_date" in self.fields and cleaned.get("outcome") != Outcome.RETURN:
            if not cleaned.get("meeting_date"):
                self.add_error("meeting_date", _("会审须填写会议日期"))
            if not cleaned.get("minute_number"):
                self.add_error("minute_number", _("会审须填写会议纪要编号"))
        return cleaned


class BulkDecisionForm(DecisionForm):
    """A meeting's decisions on the names ticked in a queue."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version"]


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("退出理由"), widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SignOffForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("结论"), choices=SignOffOutcome.choices, widget=forms.RadioSelect
    )
    negative_items = forms.ModelMultipleChoiceField(queryset=NegativeListItem.objects.none())
    note = forms.CharField(
        label=_("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("提出问题须选择负面清单情形或写明说明"),
    )

    def __init__(self, *args, county_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["negative_items"] = _items_field(county_id, _("发现的负面清单情形"))


class ClearFlagForm(forms.Form):
    reason = forms.CharField(
        label=_("核销理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("组织部门核实后写明为何不影响人选资格"),
    )


class NegativeItemForm(forms.Form):
    number = forms.IntegerField(label=_("序号"), min_value=1, required=False)
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 2}))
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)
