"""Forms for sessions, roll call, presentations, feedback and mentoring; services do the rules."""

from django import forms
from django.db.models import Exists, OuterRef
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core import policy
from core.access import Role
from core.filters import MAX_ID
from core.forms import DateInput, QuickSelectMultiple, limit_choices
from core.text import is_digits
from elections.choices import Body, Post
from people import privacy
from people.models import Person
from registry.models import Term, Township, Village

from .choices import MentorLevel, MentorshipOutcome, Method, Topic
from .models import MentorPoolEntry, TrainingSession

DATE = DateInput()
# The person pickers search as the user types (static/js/person-picker.js).
PERSON_SEARCH = reverse_lazy("people:person-search")
FIXED_TOPICS = [(value, label) for value, label in Topic.choices if value != Topic.OTHER]


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Several rows by id. Values that are not an id from 1 to MAX_ID are refused with the
    field's own message before they reach `pk__in`, where the database raises on them."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not is_digits(text) or not 1 <= int(text) <= MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class SessionForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("专题"),
        choices=FIXED_TOPICS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    methods = forms.MultipleChoiceField(
        label=_("方式"),
        choices=Method.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience_bodies = forms.MultipleChoiceField(
        label=_("对象组织"),
        choices=Body.choices[:2],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选表示村“两委”全部"),
    )
    audience_posts = forms.MultipleChoiceField(
        label=_("对象职务"),
        choices=Post.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选表示全部职务"),
    )

    class Meta:
        model = TrainingSession
        fields = [
            "title",
            "kind",
            "township",
            "starts_on",
            "ends_on",
            "location",
            "topics",
            "topic_note",
            "methods",
            "trainers",
            "capacity",
            "credit_hours",
            "audience_term",
            "audience_bodies",
            "audience_posts",
            "audience_township",
            "audience_villages",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "audience_villages": QuickSelectMultiple(attrs={"size": 6}, label_field="name"),
        }
        help_texts = {"audience_term": _("按受众邀请时必填，例如 2021 年届")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        townships = Township.objects.for_user(user)
        self.fields["township"].queryset = townships
        self.fields["audience_township"].queryset = townships
        self.fields["audience_villages"].queryset = self._audience_villages(user)
        self.fields["audience_term"].queryset = Term.objects.all()
        if user.role == Role.TOWNSHIP_OFFICIAL:
            self.fields["township"].required = True
            self.fields["township"].empty_label = None
            self.fields["township"].initial = user.township_id
            self.fields["audience_township"].disabled = True
        else:
            self.fields["township"].empty_label = _("县级主办")
        if self.instance.pk:
            self.fields["township"].disabled = True
            self.initial["topics"] = [
                t.topic for t in self.instance.topics.all() if t.topic != Topic.OTHER
            ]

    def _audience_villages(self, user):
        """The villages a session may invite: its county's (the service refuses others).
        A new session of someone who sees every county (a province's administrator: 20,328
        options, 1 MB, 250-300 ms a form) belongs to the county of the township chosen;
        before one is chosen there is nothing to offer (the help text says so)."""
        villages = Village.objects.for_user(user).active()
        if self.instance.pk:
            return villages.filter(township__county_id=self.instance.county_id)
        if policy.scope_filter(user, county_lookup="pk", township_lookup=None) is not policy.ALL:
            return villages  # one county, or a township of it
        township = self.data.get("township") if self.is_bound else None
        if not is_digits(township):
            self.fields["audience_villages"].help_text = _("先选主办乡镇并保存，再选村")
            return villages.none()
        return villages.filter(township__county__townships=township)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("township", None)
        data["audience_villages"] = list(data.get("audience_villages") or [])
        if self.user.role == Role.TOWNSHIP_OFFICIAL:
            data["audience_township"] = None
        return data


class AbsenceForm(forms.Form):
    reason = forms.CharField(
        label=_("缺席原因"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("如：病假、外出务工")}),
    )


class InvitePeopleForm(forms.Form):
    persons = IdsChoiceField(
        label=_("邀请人员"),
        queryset=Person.objects.none(),
        help_text=_("不在受众范围内的人员（如导师、工作人员）可在此单独邀请"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, user, search="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persons"].queryset = Person.objects.for_user(user).select_related(
            "village__township"
        )
        limit_choices(
            self.fields["persons"],
            search=search,
            selected=self["persons"].value(),
            search_url=PERSON_SEARCH,
            describe=privacy.picker_labeller(user),
        )


class StatusForm(forms.Form):
    status = forms.CharField()


class PresentationForm(forms.Form):
    speaker = forms.CharField(label=_("发言人"), max_length=50)
    topic = forms.CharField(label=_("题目"), max_length=200)
    minutes = forms.IntegerField(label=_("时长（分钟）"), min_value=1, max_value=600)


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("评分"), choices=[(i, str(i)) for i in range(5, 0, -1)], coerce=int
    )
    comment = forms.CharField(
        label=_("意见建议"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MentorForm(forms.Form):
    person = forms.ModelChoiceField(label=_("人员"), queryset=Person.objects.none())
    level = forms.ChoiceField(label=_("层级"), choices=MentorLevel.choices)
    strengths = forms.CharField(label=_("专长"), max_length=300, required=False)

    def __init__(self, *args, user, search="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            Person.objects.for_user(user)
            # NOT EXISTS, not a LEFT JOIN … IS NULL: PostgreSQL estimated the latter at one
            # row and joined every person to every township (60 s for a province's admin).
            .filter(~Exists(MentorPoolEntry.objects.filter(person=OuterRef("pk"))))
            .select_related("village__township")
        )
        limit_choices(
            self.fields["person"],
            search=search,
            selected=self["person"].value(),
            search_url=PERSON_SEARCH,
            describe=privacy.picker_labeller(user),
        )


class MentorshipForm(forms.Form):
    mentors = IdsChoiceField(
        label=_("导师"),
        queryset=MentorPoolEntry.objects.none(),
        help_text=_("从导师库中选择；一名导师可带多名对象"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    mentees = IdsChoiceField(
        label=_("帮带对象"),
        queryset=Person.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    started_on = forms.DateField(label=_("开始日期"), widget=DATE)
    goals = forms.CharField(label=_("帮带目标"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, search="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentors"].queryset = (
            MentorPoolEntry.objects.for_user(user).active().select_related("person")
        )
        self.fields["mentees"].queryset = Person.objects.for_user(user).select_related(
            "village__township"
        )
        limit_choices(
            self.fields["mentors"],
            search=search,
            selected=self["mentors"].value(),
            search_field="person__name",
        )
        limit_choices(
            self.fields["mentees"],
            search=search,
            selected=self["mentees"].value(),
            search_url=PERSON_SEARCH,
            describe=privacy.picker_labeller(user),
        )


class CheckInForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DATE)
    note = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}))


class MentorshipEndForm(forms.Form):
    ended_on = forms.DateField(label=_("结束日期"), widget=DATE)
    outcome = forms.ChoiceField(label=_("结果"), choices=MentorshipOutcome.choices)
    outcome_note = forms.CharField(
        label=_("结果说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CoverageForm(forms.Form):
    term = forms.ModelChoiceField(
        label=_("届次"), queryset=Term.objects.all(), required=False, to_field_name="year"
    )
    days = forms.IntegerField(
        label=_("天数"),
        min_value=0,
        max_value=3650,
        required=False,
        help_text=_("统计基准日后多少天内完成培训"),
    )
