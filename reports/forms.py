"""The forms of the village detail page and the filing board."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from elections.choices import Body, Post
from elections.models import Seat
from people.models import Person

from .choices import AuditStatus, LeftReason, Origin
from .models import ByElection, ElectionDetail, Recall, Representative, VillageDetail, VillagerGroup
from .services import ELECTION_DETAIL_FIELDS, VILLAGE_DETAIL_FIELDS

MAX_ID = 2**63 - 1  # a larger id would overflow the database, not just miss


def _village_people(village):
    return Person.objects.filter(
        village__in=[village.pk, *village.merged_from.values_list("pk", flat=True)]
    ).order_by("name")


class VillageDetailForm(forms.ModelForm):
    class Meta:
        model = VillageDetail
        fields = VILLAGE_DETAIL_FIELDS
        widgets = {"committee_formed_on": DateInput()}

    def __init__(self, *args, village, term, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounting_member"].queryset = Person.objects.filter(
            seats__village=village,
            seats__term=term,
            seats__body=Body.SUPERVISION_COMMITTEE,
            seats__ended_on__isnull=True,
        ).distinct()


class MemberForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("成员"))

    def __init__(self, *args, village, term, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _village_people(village)


class MemberLeaveForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    left_on = forms.DateField(label=_("退出日期"), widget=DateInput())
    reason = forms.ChoiceField(label=_("退出原因"), choices=LeftReason.choices)

    def __init__(self, *args, village, term, **kwargs):
        super().__init__(*args, **kwargs)


class ElectionDetailForm(forms.ModelForm):
    class Meta:
        model = ElectionDetail
        fields = ELECTION_DETAIL_FIELDS
        widgets = {"list_posted_on": DateInput()}


class ConfirmForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput)
    election = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ID
    )
    note = forms.CharField(label=_("书面说明"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, village=None, term=None, **kwargs):
        super().__init__(*args, **kwargs)


class OriginForm(forms.Form):
    candidate = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    origin = forms.ChoiceField(label=_("来源"), choices=Origin.choices)

    def __init__(self, *args, village=None, term=None, **kwargs):
        super().__init__(*args, **kwargs)


class GroupForm(forms.ModelForm):
    class Meta:
        model = VillagerGroup
        fields = ("name", "leader_name", "leader_gender", "leader_party_member")

    def __init__(self, *args, village=None, term=None, **kwargs):
        super().__init__(*args, **kwargs)


class RepresentativeForm(forms.ModelForm):
    class Meta:
        model = Representative
        fields = ("name", "gender", "party_member", "chosen_by", "group")

    def __init__(self, *args, village, term, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = VillagerGroup.objects.filter(village=village, term=term)


class AuditForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("离任人员"))
    status = forms.ChoiceField(label=_("审计情况"), choices=AuditStatus.choices)

    def __init__(self, *args, village, term, **kwargs):
        super().__init__(*args, **kwargs)
        previous = term.previous
        villages = [village.pk, *village.merged_from.values_list("pk", flat=True)]
        self.fields["person"].queryset = Person.objects.filter(
            seats__term=previous, seats__village__in=villages, seats__body=Body.VILLAGERS_COMMITTEE
        ).distinct()


class RecallForm(forms.ModelForm):
    class Meta:
        model = Recall
        fields = (
            "seat",
            "requested_by",
            "requesters",
            "eligible",
            "requested_on",
            "voted_on",
            "registered",
            "voted",
            "agreed",
            "note",
        )
        widgets = {
            "requested_on": DateInput(),
            "voted_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, village, term, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].queryset = (
            Seat.objects.current()
            .filter(village=village, term=term, body=Body.VILLAGERS_COMMITTEE)
            .select_related("person", "village")
        )
        self.fields["seat"].label_from_instance = lambda seat: (
            f"{seat.person.name} {seat.get_post_display()}"
        )


class ByElectionForm(forms.ModelForm):
    class Meta:
        model = ByElection
        fields = ("person", "post", "reason", "recall", "held_on", "registered", "voted", "votes")
        widgets = {"held_on": DateInput()}

    def __init__(self, *args, village, term, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _village_people(village)
        self.fields["post"].choices = [
            (p.value, p.label) for p in (Post.DIRECTOR, Post.DEPUTY_DIRECTOR, Post.MEMBER)
        ]
        self.fields["recall"].queryset = Recall.objects.filter(
            village=village, term=term, passed=True
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("文件"), help_text=_("Excel（.xlsx）或 CSV"))
