"""Every write of the reports app: the detail behind the forms, recalls and by-elections (through
the elections seat services), and filing up the chain (township → county).

Every service takes a required `actor`, checks it may change the township's data, refuses a
change to detail that a filed report locks, calls `full_clean()` and records history.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import policy
from core.access import ensure_can_edit_township
from core.concurrency import bump_version
from core.text import join_words
from elections import services as election_services
from elections.choices import Body, SeatEndReason, SeatSource
from elections.models import Election, ElectionCandidate, Seat
from people.models import Person
from registry.models import County, Term, Township, Village

from . import selectors
from .choices import AuditStatus, FilingState, LeftReason
from .models import (
    ByElection,
    CommitteeMember,
    CountyFiling,
    ElectedOrigin,
    ElectionDetail,
    FilingStep,
    LeavingAudit,
    Recall,
    Representative,
    TownshipFiling,
    VillageDetail,
    VillagerGroup,
)

VILLAGE_DETAIL_FIELDS = (
    "committee_formed_by",
    "committee_formed_on",
    "committee_size",
    "supervision_formed_by",
    "accounting_member",
)
ELECTION_DETAIL_FIELDS = tuple(
    f.name
    for f in ElectionDetail._meta.get_fields()
    if f.concrete and f.name not in {"id", "election", "confirmations", "created_at", "updated_at"}
)


# -- locking ------------------------------------------------------------------------------


def ensure_detail_open(village: Village, term: Term) -> None:
    """Refuse a change to a village's detail while its township's filed report locks it."""
    filing = TownshipFiling.objects.filter(township_id=village.township_id, term=term).first()
    if filing is not None and filing.locks_detail:
        raise ValidationError(
            _("%(township)s的报表%(state)s，明细已锁定；如需修改，请县委组织部解锁")
            % {"township": village.township.name, "state": filing.get_state_display()}
        )


def _editable(village: Village, term: Term, actor) -> None:
    ensure_can_edit_township(actor, village.township)
    ensure_detail_open(village, term)


# -- village detail: election committee, supervision --------------------------------------


@policy.requires_actor
@transaction.atomic
def village_detail_save(*, village: Village, term: Term, actor, **fields) -> VillageDetail:
    """Create or change a village's election-committee and supervision detail."""
    unknown = set(fields) - set(VILLAGE_DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    _editable(village, term, actor)
    detail, _created = VillageDetail.objects.select_for_update().get_or_create(
        village=village, term=term
    )
    for name, value in fields.items():
        setattr(detail, name, value)
    person = detail.accounting_member
    if (
        person is not None
        and not Seat.objects.current()
        .filter(person=person, village=village, term=term, body=Body.SUPERVISION_COMMITTEE)
        .exists()
    ):
        raise ValidationError(
            {"accounting_member": _("具备财会知识的成员应是本村本届村务监督委员会成员")}
        )
    bump_version(detail)
    detail.full_clean()
    detail.save()
    return detail


@policy.requires_actor
@transaction.atomic
def village_detail_confirm(
    *, village: Village, term: Term, code: str, note: str, actor
) -> VillageDetail:
    """A written note that lets a representatives'-proportion warning stand."""
    if code not in ("representatives_share", "women_share"):
        raise ValidationError(_("该检查项无需书面说明"))
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写书面说明")})
    _editable(village, term, actor)
    detail, _created = VillageDetail.objects.select_for_update().get_or_create(
        village=village, term=term
    )
    detail.confirmations = {**(detail.confirmations or {}), code: note.strip()}
    bump_version(detail)
    detail.save()
    return detail


@policy.requires_actor
@transaction.atomic
def committee_member_add(*, village: Village, term: Term, person: Person, actor) -> CommitteeMember:
    """Add a member to the village's election committee (a nominee of this term may not sit)."""
    _editable(village, term, actor)
    detail, _created = VillageDetail.objects.get_or_create(village=village, term=term)
    if _nominated(person, village, term):
        raise ValidationError(
            {"person": _("此人已被提名为本村村(居)委会人选，不能担任选举委员会成员")}
        )
    member = CommitteeMember(detail=detail, person=person)
    member.full_clean()
    member.save()
    return member


def _nominated(person, village, term) -> bool:
    """Whether the person is a live nominee for the village's villagers' committee."""
    from candidates.choices import Stage
    from candidates.models import Candidacy

    return (
        Candidacy.objects.filter(
            person=person, village=village, term=term, body=Body.VILLAGERS_COMMITTEE
        )
        .exclude(stage__in=[Stage.REJECTED, Stage.WITHDRAWN, Stage.REPLACED])
        .exists()
    )


@policy.requires_actor
@transaction.atomic
def committee_member_leave(
    *, member: CommitteeMember, left_on: dt.date, reason: str, actor
) -> CommitteeMember:
    """A member leaves the election committee (on being nominated, or otherwise)."""
    locked = (
        CommitteeMember.objects.select_for_update()
        .select_related("detail__village__township", "detail__term")
        .get(pk=member.pk)
    )
    _editable(locked.detail.village, locked.detail.term, actor)
    if locked.left_on:
        raise ValidationError(_("此人已退出选举委员会"))
    locked.left_on, locked.left_reason = left_on, reason or LeftReason.OTHER
    locked.full_clean()
    locked.save()
    return locked


def sitting_committee_member(person_id, village_id, term_id) -> bool:
    """Whether the person sits on the village's election committee for the term now."""
    return CommitteeMember.objects.filter(
        person_id=person_id,
        detail__village_id=village_id,
        detail__term_id=term_id,
        left_on__isnull=True,
    ).exists()


# -- election detail: registration and how the vote was held -----------------------------


@policy.requires_actor
@transaction.atomic
def election_detail_save(*, election: Election, actor, **fields) -> ElectionDetail:
    """Create or change a villagers' committee election's registration and voting detail."""
    unknown = set(fields) - set(ELECTION_DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    election = Election.objects.select_related("village__township", "term").get(pk=election.pk)
    _editable(election.village, election.term, actor)
    detail = ElectionDetail.objects.select_for_update().filter(
        election=election
    ).first() or ElectionDetail(election=election)
    for name, value in fields.items():
        setattr(detail, name, value)
    detail.full_clean()
    detail.save()
    return detail


@policy.requires_actor
@transaction.atomic
def election_detail_confirm(*, election: Election, code: str, note: str, actor) -> ElectionDetail:
    """The written note that lets the proxy warning stand (more than three proxies)."""
    if code != "proxy_limit":
        raise ValidationError(_("该检查项无需书面说明"))
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写书面说明")})
    detail = (
        ElectionDetail.objects.select_for_update()
        .select_related("election__village__township", "election__term")
        .get(election=election)
    )
    _editable(detail.election.village, detail.election.term, actor)
    detail.confirmations = {**(detail.confirmations or {}), code: note.strip()}
    detail.save()
    return detail


@policy.requires_actor
@transaction.atomic
def elected_origin_set(*, candidate: ElectionCandidate, origin: str, actor) -> ElectedOrigin:
    """The origin of an elected person whose candidacy does not say it."""
    candidate = ElectionCandidate.objects.select_related(
        "election__village__township", "election__term"
    ).get(pk=candidate.pk)
    election = candidate.election
    _editable(election.village, election.term, actor)
    if not candidate.post:
        raise ValidationError(_("只记录当选人的来源"))
    from candidates.models import Candidacy

    source = (
        Candidacy.objects.filter(
            person=candidate.person_id,
            village=election.village_id,
            term=election.term_id,
            body=election.body,
        )
        .values_list("source", flat=True)
        .first()
    )
    if source in selectors.ORIGIN_FROM_SOURCE:
        raise ValidationError(_("此人的来源已由人选来源确定，无需填写"))
    row = ElectedOrigin.objects.filter(candidate=candidate).first() or ElectedOrigin(
        candidate=candidate
    )
    row.origin = origin
    row.full_clean()
    row.save()
    return row


# -- villager groups and representatives -------------------------------------------------


@policy.requires_actor
@transaction.atomic
def group_save(*, village: Village, term: Term, actor, group=None, **fields) -> VillagerGroup:
    _editable(village, term, actor)
    row = group or VillagerGroup(village=village, term=term)
    for name, value in fields.items():
        if name not in ("name", "leader_name", "leader_gender", "leader_party_member"):
            raise TypeError(name)
        setattr(row, name, value)
    row.full_clean()
    row.save()
    return row


@policy.requires_actor
@transaction.atomic
def representative_save(
    *, village: Village, term: Term, actor, representative=None, **fields
) -> Representative:
    _editable(village, term, actor)
    row = representative or Representative(village=village, term=term)
    for name, value in fields.items():
        if name not in ("name", "gender", "party_member", "chosen_by", "group"):
            raise TypeError(name)
        setattr(row, name, value)
    if row.group_id and (row.group.village_id != village.pk or row.group.term_id != term.pk):
        raise ValidationError({"group": _("村民小组不属于本村本届")})
    row.full_clean()
    row.save()
    return row


@policy.requires_actor
@transaction.atomic
def group_delete(*, group: VillagerGroup, actor) -> None:
    _editable(group.village, group.term, actor)
    group.delete()


@policy.requires_actor
@transaction.atomic
def representative_delete(*, representative: Representative, actor) -> None:
    _editable(representative.village, representative.term, actor)
    representative.delete()


@policy.requires_actor
@transaction.atomic
def groups_replace(
    *, village: Village, term: Term, groups: list[dict], representatives: list[dict], actor
):
    """The upload: the village's groups and representatives replaced, all or nothing."""
    _editable(village, term, actor)
    for row in Representative.objects.filter(village=village, term=term):
        row.delete()
    for row in VillagerGroup.objects.filter(village=village, term=term):
        row.delete()
    made = {}
    for fields in groups:
        made[fields["name"]] = group_save(village=village, term=term, actor=actor, **fields)
    for fields in representatives:
        group_name = fields.pop("group_name", "")
        if group_name and group_name not in made:
            made[group_name] = group_save(village=village, term=term, actor=actor, name=group_name)
        representative_save(
            village=village, term=term, actor=actor, group=made.get(group_name), **fields
        )


# -- leaving audits ---------------------------------------------------------------------


@policy.requires_actor
@transaction.atomic
def leaving_audit_set(
    *, village: Village, term: Term, person: Person, status: str, actor
) -> LeavingAudit:
    """Record how far the leaving audit of an outgoing member has got."""
    _editable(village, term, actor)
    previous = term.previous
    if (
        previous is None
        or not Seat.objects.filter(person=person, term=previous, body=Body.VILLAGERS_COMMITTEE)
        .filter(village__in=[village.pk, *village.merged_from.values_list("pk", flat=True)])
        .exists()
    ):
        raise ValidationError({"person": _("只对上届本村村(居)民委员会成员进行离任经济责任审计")})
    row = LeavingAudit.objects.filter(village=village, term=term, person=person).first()
    row = row or LeavingAudit(village=village, term=term, person=person)
    row.status = status or AuditStatus.NOT_STARTED
    row.full_clean()
    row.save()
    return row


# -- recall and by-election -------------------------------------------------------------


@policy.requires_actor
@transaction.atomic
def recall_record(*, seat: Seat, actor, **fields) -> Recall:
    """Record a recall request and its vote; when it passes the seat ends with 罢免."""
    seat = Seat.objects.select_related("village__township", "term", "person").get(pk=seat.pk)
    _editable(seat.village, seat.term, actor)
    if seat.ended_on:
        raise ValidationError({"seat": _("该任职已离任")})
    recall = Recall(village=seat.village, term=seat.term, seat=seat, **fields)
    recall.full_clean()
    recall.save()
    if recall.passed:
        election_services.seat_end(
            seat=seat,
            ended_on=recall.voted_on,
            reason=SeatEndReason.RECALL,
            note=_("经村民会议表决罢免"),
            actor=actor,
        )
    return recall


@policy.requires_actor
@transaction.atomic
def by_election_record(
    *, village: Village, term: Term, person: Person, actor, **fields
) -> ByElection:
    """Record a by-election; the elected person takes a seat of source 补选."""
    _editable(village, term, actor)
    row = ByElection(village=village, term=term, person=person, **fields)
    if row.recall_id and (row.recall.village_id != village.pk or not row.recall.passed):
        raise ValidationError({"recall": _("只能因本村已通过的罢免补选")})
    row.full_clean()
    row.seat = election_services.seat_create(
        person=person,
        village=village,
        term=term,
        body=Body.VILLAGERS_COMMITTEE,
        post=row.post,
        started_on=row.held_on,
        source=SeatSource.BY_ELECTION,
        actor=actor,
    )
    row.save()
    return row


# -- filing up the chain ---------------------------------------------------------------

# (from, to) -> step; who may take it is in `_STEP_ROLES`.
TRANSITIONS = {
    (FilingState.NOT_FILED, FilingState.SUBMITTED): "submit",
    (FilingState.RETURNED, FilingState.SUBMITTED): "submit",
    (FilingState.ACCEPTED, FilingState.SUBMITTED): "submit",  # after an unlock only
    (FilingState.SUBMITTED, FilingState.SUBMITTED): "submit",  # after an unlock only
    (FilingState.SUBMITTED, FilingState.RETURNED): "return",
    (FilingState.SUBMITTED, FilingState.ACCEPTED): "accept",
}


def filing_for(township: Township, term: Term) -> TownshipFiling:
    return TownshipFiling.objects.filter(township=township, term=term).first() or TownshipFiling(
        township=township, term=term
    )


def _lock_filing(township: Township, term: Term) -> TownshipFiling:
    filing, _created = TownshipFiling.objects.get_or_create(township=township, term=term)
    return TownshipFiling.objects.select_for_update().select_related("township").get(pk=filing.pk)


def _step(filing: TownshipFiling, target: str, actor, reason: str = "") -> None:
    name = TRANSITIONS.get((filing.state, target))
    if name is None or (
        name == "submit"
        and filing.state in (FilingState.ACCEPTED, FilingState.SUBMITTED)
        and filing.unlocked_at is None
    ):
        raise ValidationError(
            _("报表不能从“%(from)s”变为“%(to)s”")
            % {"from": filing.get_state_display(), "to": FilingState(target).label}
        )
    FilingStep.objects.create(
        filing=filing,
        step=name,
        from_state=filing.state,
        to_state=target,
        actor=policy.history_user(actor),
        reason=reason,
    )
    filing.state = target
    bump_version(filing)


@policy.requires_actor
@transaction.atomic
def filing_submit(*, township: Township, term: Term, actor) -> TownshipFiling:
    """The township files its villages' report: refused while a cross-check fails; the
    report is frozen as filed and its detail locked."""
    ensure_can_edit_township(actor, township)
    filing = _lock_filing(township, term)
    data = selectors.frozen_report(selectors.Scope("township", township), term)
    blocking = selectors.blocking_checks(data)
    if blocking:
        raise ValidationError([c["message"] for c in blocking])
    _step(filing, FilingState.SUBMITTED, actor)
    filing.data = data
    filing.fingerprint = selectors.fingerprint(data)
    filing.filed_by = policy.history_user(actor)
    filing.filed_at = timezone.now()
    filing.return_reason = ""
    filing.unlocked_at = None
    filing.unlocked_by = None
    filing.unlock_reason = ""
    filing.full_clean()
    filing.save()
    return filing


def _county_step(filing: TownshipFiling, actor) -> TownshipFiling:
    locked = TownshipFiling.objects.select_for_update().select_related("township").get(pk=filing.pk)
    if not policy.can(actor, "report.decide", locked):
        raise PermissionDenied(_("只有县委组织部可以审核乡镇报表"))
    return locked


@policy.requires_actor
@transaction.atomic
def filing_return(*, filing: TownshipFiling, reason: str, actor) -> TownshipFiling:
    """The county returns a township's report with the reason (驳回); the detail opens."""
    locked = _county_step(filing, actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写驳回原因")})
    _step(locked, FilingState.RETURNED, actor, reason.strip())
    locked.return_reason = reason.strip()
    locked.decided_by, locked.decided_at = policy.history_user(actor), timezone.now()
    locked.save()
    return locked


@policy.requires_actor
@transaction.atomic
def filing_accept(*, filing: TownshipFiling, actor) -> TownshipFiling:
    """The county accepts a township's report (接收)."""
    locked = _county_step(filing, actor)
    if locked.unlocked_at is not None:
        raise ValidationError(_("该报表已解锁修改，请乡镇重新上报后再接收"))
    _step(locked, FilingState.ACCEPTED, actor)
    locked.decided_by, locked.decided_at = policy.history_user(actor), timezone.now()
    locked.save()
    return locked


@policy.requires_actor
@transaction.atomic
def filing_unlock(*, filing: TownshipFiling, reason: str, actor) -> TownshipFiling:
    """Open the detail of a filed report for correction (county, with a reason); the report
    as filed is kept until the township files again."""
    locked = _county_step(filing, actor)
    if not locked.locks_detail:
        raise ValidationError(_("该报表未锁定"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写解锁原因")})
    FilingStep.objects.create(
        filing=locked,
        step="unlock",
        from_state=locked.state,
        to_state=locked.state,
        actor=policy.history_user(actor),
        reason=reason.strip(),
    )
    locked.unlocked_at, locked.unlocked_by = timezone.now(), policy.history_user(actor)
    locked.unlock_reason = reason.strip()
    bump_version(locked)
    locked.save()
    return locked


@policy.requires_actor
@transaction.atomic
def county_file(*, county: County, term: Term, actor) -> CountyFiling:
    """The county files its aggregate (汇总) once every township's report is accepted."""
    if not policy.can(actor, "report.file_county", county):
        raise PermissionDenied(_("只有县委组织部可以汇总上报"))
    townships = list(Township.objects.filter(county=county).order_by("code"))
    states = dict(
        TownshipFiling.objects.filter(township__county=county, term=term).values_list(
            "township_id", "state"
        )
    )
    unlocked = set(
        TownshipFiling.objects.filter(
            township__county=county, term=term, unlocked_at__isnull=False
        ).values_list("township_id", flat=True)
    )
    waiting = [
        t.name for t in townships if states.get(t.pk) != FilingState.ACCEPTED or t.pk in unlocked
    ]
    if waiting:
        raise ValidationError(
            _("以下乡镇的报表尚未接收：%(names)s") % {"names": join_words(waiting)}
        )
    data = selectors.frozen_report(selectors.Scope("county", county), term)
    row = CountyFiling.objects.select_for_update().filter(county=county, term=term).first()
    row = row or CountyFiling(county=county, term=term)
    row.data, row.fingerprint = data, selectors.fingerprint(data)
    row.filed_by, row.filed_at = policy.history_user(actor), timezone.now()
    row.full_clean()
    row.save()
    return row
