"""What candidate vetting puts on the home page's work list (core.ui.register_work): the
names waiting at the stages the user decides, returns to correct, open flags, the sign-offs
due in a reviewer's queue, the figures for a viewer. One aggregate query per user."""

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from core import policy
from core.roles import Role
from core.ui import WorkItem

from . import selectors
from .choices import OPEN_STAGES, Stage
from .models import Candidacy
from .policies import COUNTY_STAGES, TOWNSHIP_STAGES

# The stages whose queue is the user's work: officials their township's, organizers the
# county's (a county nomination is rare; the townships nominate).
WORK_STAGES = {
    Role.TOWNSHIP_OFFICIAL: [s for s in OPEN_STAGES if s in TOWNSHIP_STAGES],
    Role.COUNTY_ORGANIZER: [s for s in OPEN_STAGES if s in COUNTY_STAGES and s != Stage.NOMINATED],
}


def _labels():
    return {
        Stage.NOMINATED: _("摸排提名，待提交预审"),
        Stage.PRELIMINARY_REVIEW: _("待预审"),
        Stage.JOINT_REVIEW: _("资格联审中，待县委组织部决定"),
        Stage.TOWNSHIP_COMMITTEE: _("待乡镇党委会审"),
        Stage.ORGANIZATION_DEPARTMENT: _("待组织部部务会审"),
        Stage.STANDING_COMMITTEE: _("待县委常委会审"),
    }


def _list_url(**query) -> str:
    return reverse("candidates:candidacy-list") + "?" + urlencode(query)


def work_counts(user) -> dict[str, int]:
    """Open candidacies of `user`'s scope by stage, returned ones, flagged ones, approved
    ones: one query."""
    figures = {stage.value: Count("pk", filter=Q(stage=stage)) for stage in OPEN_STAGES}
    return (
        Candidacy.objects.for_user(user)
        .order_by()
        .with_returned()
        .annotate(flagged=selectors.open_flag_exists())
        .aggregate(
            **figures,
            returned_count=Count("pk", filter=Q(returned=True, stage__in=TOWNSHIP_STAGES)),
            flagged_count=Count("pk", filter=Q(flagged=True, stage=Stage.JOINT_REVIEW)),
            approved=Count("pk", filter=Q(stage=Stage.APPROVED)),
        )
    )


def work_items(user) -> list[WorkItem]:
    if policy.is_department_reviewer(user):
        due = selectors.review_queue(user).count()
        return [
            WorkItem(
                "sign-offs-due",
                _("本部门待出具联审意见"),
                due,
                reverse("candidates:review-queue"),
            )
        ]
    counts = work_counts(user)
    if user.role == Role.COUNTY_VIEWER:
        open_total = sum(counts[stage.value] for stage in OPEN_STAGES)
        return [
            WorkItem("candidacies-open", _("审查中的人选"), open_total, _list_url(), "figure"),
            WorkItem(
                "candidacies-approved",
                _("确定人选"),
                counts["approved"],
                _list_url(stage=Stage.APPROVED),
                "figure",
            ),
        ]
    labels = _labels()
    items = [
        WorkItem(f"stage-{stage}", labels[stage], counts[stage], _list_url(stage=stage))
        for stage in WORK_STAGES.get(user.role, [])
    ]
    if user.role == Role.TOWNSHIP_OFFICIAL:
        items.insert(
            0,
            WorkItem(
                "returned",
                _("被退回，待更正后重新办理"),
                counts["returned_count"],
                _list_url(returned="true"),
                "alert",
            ),
        )
    if user.role == Role.COUNTY_ORGANIZER:
        items.append(
            WorkItem(
                "flags-open",
                _("联审中有部门提出问题，待核销或决定"),
                counts["flagged_count"],
                _list_url(stage=Stage.JOINT_REVIEW, flagged="true"),
                "alert",
            )
        )
    return items
