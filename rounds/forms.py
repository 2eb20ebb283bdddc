"""Forms of the round's pages; the services decide, the forms only read input."""

import json

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from core.forms import DateInput, limit_choices
from core.roles import Role
from people import privacy
from people.models import Person
from registry.choices import RiskClass
from registry.models import Township, Village

from . import coverage
from .choices import ProblemCategory, ProblemKind, ProblemSource, StepStatus, TalkKind
from .models import RiskReason

ANY = pgettext_lazy("filter", "不限")


class BoardForm(forms.Form):
    term = forms.IntegerField(label=_("届次"), required=False, min_value=1980, max_value=2100)
    township = forms.ModelChoiceField(
        label=_("乡镇"), queryset=Township.objects.none(), required=False, empty_label=ANY
    )
    risk_class = forms.ChoiceField(
        label=_("分类"), choices=[("", ANY), *RiskClass.choices], required=False
    )
    leader = forms.ModelChoiceField(
        label=_("包联领导"), queryset=User.objects.none(), required=False, empty_label=ANY
    )
    step = forms.ChoiceField(label=_("步骤"), choices=[("", ANY)], required=False)
    status = forms.ChoiceField(
        label=_("该步骤状态"), choices=[("", ANY), *StepStatus.choices], required=False
    )
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)
    as_of = forms.DateField(label=_("截至日期"), required=False, widget=DateInput)

    def __init__(self, *args, user=None, round_=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.for_user(user)
        leaders = User.objects.filter(role=Role.LIAISON_LEADER)
        if round_ is not None:
            leaders = leaders.filter(county_id=round_.county_id)
            self.fields["step"].choices = [("", ANY)] + [
                (step.code, step.label) for step in round_.steps.order_by("order")
            ]
        self.fields["leader"].queryset = leaders.order_by("username")
        self.fields["leader"].label_from_instance = lambda u: u.full_name or u.username


class VisitForm(forms.Form):
    village = forms.ModelChoiceField(label=_("村(社区)"), queryset=Village.objects.none())
    visited_on = forms.DateField(label=_("走访日期"), widget=DateInput)
    visitors = forms.CharField(label=_("走访人"), max_length=100)
    households = forms.IntegerField(label=_("走访户数"), min_value=0, max_value=100000, initial=0)
    people = forms.IntegerField(label=_("走访人数"), min_value=0, max_value=100000, initial=0)
    forums = forms.IntegerField(label=_("座谈会次数"), min_value=0, max_value=1000, initial=0)
    analysis_meetings = forms.IntegerField(
        label=_("研判会次数"), min_value=0, max_value=1000, initial=0
    )
    note = forms.CharField(
        label=_("情况记录"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages


def _member_field():
    return forms.TypedChoiceField(
        label=_("领账成员"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("开门办事：由本村现任班子成员领账"),
    )


def _members_of(form, villages) -> None:
    """The owner_person select: the sitting members of `villages`, grouped by village; the
    page's script shows only the chosen village's (data-members)."""
    groups = coverage.member_choices(villages)
    field = form.fields["owner_person"]
    field.choices = [("", "—"), *[(label, options) for _pk, label, options in groups]]
    field.widget.attrs["data-members"] = json.dumps(
        {str(pk): [person for person, _label in options] for pk, _label, options in groups}
    )


def _person(pk):
    return Person.objects.filter(pk=pk).first() if pk else None


class ProblemForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=ProblemKind.choices)
    village = forms.ModelChoiceField(label=_("村(社区)"), queryset=Village.objects.none())
    source = forms.ChoiceField(label=_("来源"), choices=ProblemSource.choices)
    category = forms.ChoiceField(label=_("类别"), choices=ProblemCategory.choices)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.CharField(
        label=_("责任人/单位"), max_length=80, required=False, help_text=_("换届问题填写")
    )
    owner_person = _member_field()
    deadline = forms.DateField(label=_("销号时限"), widget=DateInput)

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        _members_of(self, villages)

    def clean_owner_person(self):
        return _person(self.cleaned_data.get("owner_person"))


class ProblemMoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    owner = forms.CharField(label=_("责任人/单位"), max_length=80, required=False)
    owner_person = _member_field()
    deadline = forms.DateField(label=_("销号时限"), widget=DateInput, required=False)
    resolution = forms.CharField(
        label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    evidence = forms.FileField(label=_("佐证材料"), required=False)
    verification_note = forms.CharField(
        label=_("核验意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, problem=None, **kwargs):
        super().__init__(*args, **kwargs)
        if problem is not None and problem.kind == ProblemKind.NEED:
            del self.fields["owner"]  # a need is taken on by a member of its village's team
            _members_of(self, Village.objects.filter(pk=problem.village_id))
        else:
            del self.fields["owner_person"]

    def clean_owner_person(self):
        return _person(self.cleaned_data.get("owner_person"))


class StepRecordForm(forms.Form):
    done_on = forms.DateField(label=_("完成日期"), widget=DateInput)
    done_by = forms.CharField(label=_("负责人"), max_length=50)
    note = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    attachment = forms.FileField(label=_("附件"), required=False)


class StepWindowForm(forms.Form):
    starts_on = forms.DateField(label=_("计划开始"), widget=DateInput, required=False)
    ends_on = forms.DateField(label=_("计划完成"), widget=DateInput, required=False)
    not_applicable = forms.BooleanField(label=_("不适用"), required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ScreeningForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    screened_on = forms.DateField(label=_("研判日期"), widget=DateInput)
    reasons = forms.ModelMultipleChoiceField(
        label=_("风险因素"),
        queryset=RiskReason.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("研判意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    emergency_plan = forms.CharField(
        label=_("应急预案"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    emergency_plan_file = forms.FileField(label=_("应急预案附件"), required=False)

    def __init__(self, *args, county=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reasons"].queryset = RiskReason.objects.filter(county=county, active=True)


class TalkForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=TalkKind.choices)
    person = forms.ModelChoiceField(label=_("谈话对象"), queryset=Person.objects.none())
    held_on = forms.DateField(label=_("谈话日期"), widget=DateInput)
    talker = forms.CharField(label=_("谈话人"), max_length=60)
    note = forms.CharField(
        label=_("谈话要点"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            Person.objects.for_user(user)
            .filter(village__isnull=False)
            .select_related("village__township")
        )
        limit_choices(  # a search-as-you-type picker (static/js/person-picker.js)
            self.fields["person"],
            selected=self["person"].value(),
            search_url=reverse_lazy("people:person-search"),
            describe=privacy.picker_labeller(user),
        )


class KeyPersonForm(forms.Form):
    """Flag a key person (重点人员) of the round: one to be given a warning talk."""

    key_person = forms.ModelChoiceField(label=_("重点人员"), queryset=Person.objects.none())
    reason = forms.CharField(label=_("列为重点人员的原因"), max_length=200)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_person"].queryset = (
            Person.objects.for_user(user)
            .filter(village__isnull=False)
            .select_related("village__township")
        )
        limit_choices(
            self.fields["key_person"],
            selected=self["key_person"].value(),
            search_url=reverse_lazy("people:person-search"),
            describe=privacy.picker_labeller(user),
        )


class LiaisonForm(forms.Form):
    leader = forms.ModelChoiceField(label=_("县级包联领导"), queryset=User.objects.none())
    village = forms.ModelChoiceField(label=_("村(社区)"), queryset=Village.objects.none())

    def __init__(self, *args, round_=None, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = User.objects.filter(
            role=Role.LIAISON_LEADER, county_id=round_.county_id, is_active=True
        )
        self.fields["leader"].label_from_instance = lambda u: u.full_name or u.username
        self.fields["village"].queryset = villages


class UploadForm(forms.Form):
    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))
    dry_run = forms.BooleanField(label=_("仅检查，不保存"), required=False)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("开始日期"), widget=DateInput, required=False)
    end = forms.DateField(label=_("结束日期"), widget=DateInput, required=False)
    township = forms.ModelChoiceField(
        label=_("乡镇"), queryset=Township.objects.none(), required=False, empty_label=ANY
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.for_user(user)


class TeamForm(forms.Form):
    township_cadre = forms.CharField(label=_("乡镇包村干部"), max_length=50, required=False)
    work_group = forms.CharField(label=_("驻村工作组"), max_length=100, required=False)


class UnitForm(forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=80)
    villages = forms.ModelMultipleChoiceField(
        label=_("包联村"), queryset=Village.objects.none(), required=False
    )

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["villages"].queryset = villages


class RiskReasonForm(forms.Form):
    text = forms.CharField(label=_("风险因素"), max_length=60)
