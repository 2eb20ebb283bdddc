"""The election state machine: draft → submitted → certified, returned or unlocked by the county.

`TRANSITIONS` is the only table of the steps; `_transition` performs one under
`select_for_update` and records it. Certifying makes the winners post holders and ends the
previous term's seats of that body in the village (换届); unlocking removes them and reopens
those; both send `seats_changed`.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core import policy
from core.access import COUNTY_ROLES, ensure_can_edit_township
from core.concurrency import bump_version

from .. import rules
from ..choices import ElectionState, SeatSource
from ..models import Election, ElectionTransition, Seat
from ..signals import seats_changed
from .results import _lock, election_findings
from .seats import _check_new_seats, previous_team_end, previous_team_reopen

# (from, to) -> (name of the step, who may take it: None = editors of the township)
TRANSITIONS = {
    (ElectionState.DRAFT, ElectionState.SUBMITTED): ("submit", None),
    (ElectionState.SUBMITTED, ElectionState.DRAFT): ("return", COUNTY_ROLES),
    (ElectionState.SUBMITTED, ElectionState.CERTIFIED): ("certify", COUNTY_ROLES),
    (ElectionState.CERTIFIED, ElectionState.DRAFT): ("unlock", COUNTY_ROLES),
}
REASON_REQUIRED = {"return", "unlock"}


def allowed_steps(election: Election, user) -> list[str]:
    """The steps `user` may take on `election` now (for buttons)."""
    from core.access import can_edit_township

    steps = []
    for (source, _target), (name, roles) in TRANSITIONS.items():
        if source != election.state or not can_edit_township(user, election.village.township):
            continue
        if roles is None or policy.has_role(user, roles):
            steps.append(name)
    return steps


def _transition(
    election: Election, target: str, *, actor, reason: str = "", expected_version=None
) -> Election:
    locked = _lock(election, expected_version)
    step = TRANSITIONS.get((locked.state, target))
    if step is None:
        raise ValidationError(
            _("不能从“%(from)s”变为“%(to)s”")
            % {"from": locked.get_state_display(), "to": ElectionState(target).label}
        )
    name, roles = step
    ensure_can_edit_township(actor, locked.village.township)
    if roles is not None and not policy.is_system(actor) and not policy.has_role(actor, roles):
        raise PermissionDenied(_("只有县委组织部可以执行此操作"))
    if name in REASON_REQUIRED and not reason.strip():
        raise ValidationError({"reason": _("请填写原因")})
    try:  # the transition and the unlock keep the reason: its free-text limit (core.limits)
        ElectionTransition._meta.get_field("reason").run_validators(reason.strip())
    except ValidationError as error:
        raise ValidationError({"reason": error.error_list}) from None
    ElectionTransition.objects.create(
        election=locked,
        from_state=locked.state,
        to_state=target,
        actor=policy.history_user(actor),
        reason=reason.strip(),
    )
    locked.state = target
    bump_version(locked)
    return locked


@policy.requires_actor
@transaction.atomic
def election_submit(*, election: Election, actor, expected_version=None) -> Election:
    """The township reports the result; refused while any check fails or awaits confirmation."""
    locked = _transition(
        election, ElectionState.SUBMITTED, actor=actor, expected_version=expected_version
    )
    findings = election_findings(locked)
    blocking = rules.blocking(findings, set(locked.confirmations))
    if blocking:
        raise ValidationError([f.message for f in blocking])
    if not locked.candidates.exists():
        raise ValidationError(_("请先录入候选人得票"))
    locked.submitted_at = timezone.now()
    locked.save()
    return locked


@policy.requires_actor
@transaction.atomic
def election_return(*, election: Election, reason: str, actor) -> Election:
    """The county sends a submitted result back to the township for correction."""
    locked = _transition(election, ElectionState.DRAFT, actor=actor, reason=reason)
    locked.save()
    return locked


@policy.requires_actor
@transaction.atomic
def election_certify(*, election: Election, actor, expected_version=None) -> Election:
    """The county confirms the result: it is locked and its winners become post holders."""
    locked = _transition(
        election, ElectionState.CERTIFIED, actor=actor, expected_version=expected_version
    )
    findings = election_findings(locked, with_vetting=True)  # its state is already certified
    blocking = rules.blocking(findings, set(locked.confirmations))
    if blocking:
        raise ValidationError([f.message for f in blocking])
    locked.certified_at = timezone.now()
    locked.save()
    # A second round (另行选举) is part of the same election, not a by-election (补选: a seat
    # fallen vacant later, recorded by reports.services.by_election_record).
    source = SeatSource.ELECTION
    seats = [
        Seat(
            person=candidate.person,
            village=locked.village,
            term=locked.term,
            body=locked.body,
            post=candidate.post,
            started_on=locked.held_on,
            source=source,
            election=locked,
        )
        for candidate in locked.candidates.select_related("person").filter(post__gt="")
    ]
    _check_new_seats(locked, seats)
    bulk_create_with_history(seats, Seat)
    _send_seats_changed(locked, previous_team_end(locked))
    return locked


def _send_seats_changed(election: Election, succession: tuple[int | None, set[int]]) -> None:
    """The election's term and village changed; so did the previous term's villages whose
    seats the succession ended or reopened."""
    previous_term, villages = succession
    term_ids, village_ids = {election.term_id}, {election.village_id}
    if villages:
        term_ids.add(previous_term)
        village_ids |= villages
    seats_changed.send(sender=Election, term_ids=term_ids, village_ids=village_ids)


@policy.requires_actor
@transaction.atomic
def election_unlock(*, election: Election, reason: str, actor) -> Election:
    """Reopen a certified result (county organizer, with a reason): its seats are removed."""
    locked = _transition(election, ElectionState.DRAFT, actor=actor, reason=reason)
    locked.unlocked_at = timezone.now()
    locked.unlocked_by = actor
    locked.unlock_reason = reason.strip()
    locked.save()
    for seat in Seat.objects.filter(election=locked):
        seat.delete()  # one by one, so that history records each removal
    _send_seats_changed(locked, previous_team_reopen(locked))
    return locked
