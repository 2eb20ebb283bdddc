"""What elections put on the home page's work list (core.ui.register_work): results to
enter or correct, results to certify, roster imports that failed, and the figures for a
viewer. Two aggregate queries whatever the county's size."""

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import policy
from core.roles import Role
from core.ui import WorkItem

from .choices import ElectionState, ImportStatus
from .models import Election, ElectionTransition, ImportJob

# A failed import stays on the list this long, unless a later import of its uploader worked.
FAILED_IMPORT_DAYS = 7


def _election_url(**query) -> str:
    return reverse("elections:election-list") + "?" + urlencode(query)


def election_counts(user) -> dict[str, int]:
    returned = ElectionTransition.objects.filter(
        election=OuterRef("pk"),
        from_state=ElectionState.SUBMITTED,
        to_state=ElectionState.DRAFT,
    )
    return (
        Election.objects.for_user(user)
        .order_by()
        .annotate(was_returned=Exists(returned))
        .aggregate(
            draft=Count("pk", filter=Q(state=ElectionState.DRAFT)),
            returned=Count("pk", filter=Q(state=ElectionState.DRAFT, was_returned=True)),
            submitted=Count("pk", filter=Q(state=ElectionState.SUBMITTED)),
            certified=Count("pk", filter=Q(state=ElectionState.CERTIFIED)),
        )
    )


def failed_imports(user) -> int:
    """Roster imports of the user's scope (their own, for an official) that failed in the last
    days and that no later import of the same uploader has made good."""
    since = timezone.now() - dt.timedelta(days=FAILED_IMPORT_DAYS)
    later = ImportJob.objects.filter(
        created_by=OuterRef("created_by"),
        status=ImportStatus.SUCCEEDED,
        dry_run=False,
        created_at__gt=OuterRef("created_at"),
    )
    jobs = ImportJob.objects.for_user(user).filter(
        status=ImportStatus.FAILED, dry_run=False, created_at__gte=since
    )
    if not policy.is_county_level(user):
        jobs = jobs.filter(created_by=user)
    return jobs.exclude(Exists(later)).count()


def work_items(user) -> list[WorkItem]:
    if user.role == Role.COUNTY_VIEWER:
        counts = election_counts(user)
        return [
            WorkItem(
                "elections-certified",
                _("已审核确认的选举"),
                counts["certified"],
                _election_url(state=ElectionState.CERTIFIED),
                "figure",
            )
        ]
    items = []
    if user.role in (Role.TOWNSHIP_OFFICIAL, Role.COUNTY_ORGANIZER):
        counts = election_counts(user)
        if user.role == Role.TOWNSHIP_OFFICIAL:
            items += [
                WorkItem(
                    "elections-returned",
                    _("选举结果被退回，待修改后重新上报"),
                    counts["returned"],
                    _election_url(state=ElectionState.DRAFT),
                    "alert",
                ),
                WorkItem(
                    "elections-draft",
                    _("选举结果草稿，待录入完整并上报"),
                    counts["draft"] - counts["returned"],
                    _election_url(state=ElectionState.DRAFT),
                ),
            ]
        else:
            items.append(
                WorkItem(
                    "elections-submitted",
                    _("已上报的选举结果，待审核确认"),
                    counts["submitted"],
                    _election_url(state=ElectionState.SUBMITTED),
                )
            )
    items.append(
        WorkItem(
            "imports-failed",
            _("花名册导入失败，未保存"),
            failed_imports(user),
            reverse("elections:roster-import"),
            "alert",
        )
    )
    return items
