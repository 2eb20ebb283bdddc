"""Post holders entered by hand (appointed, corrected, ended), and the seat rules checked
against the seats held now, for these services and for certification.

Each service sends `seats_changed` inside its transaction, so that the statistics are
recomputed.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core import policy
from core.access import ensure_can_edit_township
from people.models import Person
from registry.models import Term, Village

from .. import eligibility, seat_rules
from ..choices import Body, ElectionState, Post, SeatEndReason, SeatSource
from ..models import Election, Seat
from ..signals import seats_changed


def _seat_changed(seat: Seat) -> None:
    seats_changed.send(sender=Seat, term_ids={seat.term_id}, village_ids={seat.village_id})


@policy.requires_actor
@transaction.atomic
def seat_create(
    *,
    person: Person,
    village: Village,
    term: Term,
    body: str,
    post: str,
    actor,
    started_on: dt.date | None = None,
    source: str = SeatSource.APPOINTMENT,
) -> Seat:
    ensure_can_edit_township(actor, village.township)
    seat = Seat(
        person=person,
        village=village,
        term=term,
        body=body,
        post=post,
        started_on=started_on,
        source=source,
    )
    _check_seat(seat)
    seat.full_clean()
    seat.save()
    _seat_changed(seat)
    return seat


@policy.requires_actor
@transaction.atomic
def seat_update(*, seat: Seat, actor, **fields) -> Seat:
    locked = Seat.objects.select_for_update().select_related("village__township").get(pk=seat.pk)
    ensure_can_edit_township(actor, locked.village.township)
    allowed = {"post", "started_on", "body", "person", "source"}
    if set(fields) - allowed:
        raise TypeError(f"unknown fields: {sorted(set(fields) - allowed)}")
    for name, value in fields.items():
        setattr(locked, name, value)
    _check_seat(locked)
    locked.full_clean()
    locked.save()
    _seat_changed(locked)
    return locked


@policy.requires_actor
@transaction.atomic
def seat_end(*, seat: Seat, ended_on: dt.date, reason: str, note: str = "", actor) -> Seat:
    """End a seat (resignation, recall, death, transfer) with the reason."""
    locked = Seat.objects.select_for_update().select_related("village__township").get(pk=seat.pk)
    ensure_can_edit_township(actor, locked.village.township)
    if locked.ended_on:
        raise ValidationError(_("该任职已于 %(date)s 离任") % {"date": locked.ended_on})
    if not reason:
        raise ValidationError({"end_reason": _("离任必须注明原因")})
    locked.ended_on, locked.end_reason, locked.end_note = ended_on, reason, note
    locked.full_clean()
    locked.save()
    _seat_changed(locked)
    return locked


# -- term succession (换届) -----------------------------------------------------------


def _previous_term(term: Term) -> Term | None:
    return Term.objects.filter(year__lt=term.year).order_by("-year").first()


def _previous_team_seats(election: Election, previous: Term):
    """The previous term's seats of the election's body in its village, and in the
    villages merged into it (their team gives way to the merged village's new one)."""
    return Seat.objects.filter(term=previous, body=election.body).filter(
        Q(village_id=election.village_id) | Q(village__merged_into_id=election.village_id)
    )


def previous_team_end(election: Election) -> tuple[int | None, set[int]]:
    """The village's new committee is certified: the previous term's seats of that body
    still held end on the election's day, reason 换届, each saved with its history. Returns
    the previous term's id and the villages touched (the caller sends `seats_changed`);
    safe to run twice."""
    previous = _previous_term(election.term)
    if previous is None:
        return None, set()
    note = _("%(year)s 年届%(body)s选举结果审核确认，换届离任") % {
        "year": election.term.year,
        "body": body_label(election.body),
    }
    villages = set()
    for seat in _previous_team_seats(election, previous).current().select_for_update():
        ended_on = election.held_on
        if seat.started_on and seat.started_on > ended_on:
            ended_on = seat.started_on
        seat.ended_on, seat.end_reason, seat.end_note = ended_on, SeatEndReason.TERM_END, note
        seat.save()  # one by one, so that history records each end
        villages.add(seat.village_id)
    return previous.pk, villages


def previous_team_reopen(election: Election) -> tuple[int | None, set[int]]:
    """The certified result is unlocked: the seats its certification ended are held again,
    unless another certified result of that body, village and term still stands. Returns
    as `previous_team_end`."""
    previous = _previous_term(election.term)
    if previous is None:
        return None, set()
    others = (
        Election.objects.filter(
            village_id=election.village_id,
            term_id=election.term_id,
            body=election.body,
            state=ElectionState.CERTIFIED,
        )
        .exclude(pk=election.pk)
        .exists()
    )
    if others:
        return previous.pk, set()
    villages = set()
    for seat in (
        _previous_team_seats(election, previous)
        .filter(end_reason=SeatEndReason.TERM_END)
        .select_for_update()
    ):
        seat.ended_on, seat.end_reason, seat.end_note = None, "", ""
        seat.save()
        villages.add(seat.village_id)
    return previous.pk, villages


def body_label(body: str) -> str:
    return str(Body(body).label)


# -- the seat rules against the seats held now --------------------------------------


def _check_new_seats(election: Election, seats: list[Seat]) -> None:
    """The seat rules, checked against the seats held now in one query (the database
    constraints stay as the last line of defence)."""
    ledger = _ledger(village=election.village, term=election.term, body=election.body)
    errors = []
    for seat in seats:
        try:
            seat.full_clean(
                exclude=["person", "village", "term", "election"], validate_constraints=False
            )
        except ValidationError as exc:
            errors += [
                _("%(name)s：%(message)s") % {"name": seat.person.name, "message": message}
                for message in exc.messages
            ]
        where = {"village": seat.village_id, "term": seat.term_id, "body": seat.body}
        for message in (
            ledger.post_clash(person=seat.person_id, **where),
            ledger.chair_clash(person=seat.person_id, post=seat.post, **where),
        ):
            if message:
                errors.append(
                    _("%(name)s：%(message)s") % {"name": seat.person.name, "message": message}
                )
        ledger.take(person=seat.person_id, post=seat.post, label=_seat_label(seat), **where)
    if errors:
        raise ValidationError(errors)


def _seat_label(seat: Seat) -> str:
    """How the seat rules' messages name a held seat: its holder for a one-holder post (the
    clash is with another person), else the post (the clash is with the same person)."""
    if seat.post in seat_rules.CHAIR_POSTS:
        return seat.person.name
    return str(Post(seat.post).label)


def _ledger(*, village, term, body, exclude_pk=None) -> seat_rules.SeatLedger:
    """The seats held now on one body of a village in a term, for the seat rules."""
    ledger = seat_rules.SeatLedger()
    held = Seat.objects.current().filter(village=village, term=term, body=body)
    if exclude_pk is not None:
        held = held.exclude(pk=exclude_pk)
    for seat in held.select_related("person"):
        ledger.take(
            person=seat.person_id,
            village=seat.village_id,
            term=seat.term_id,
            body=seat.body,
            post=seat.post,
            label=_seat_label(seat),
        )
    return ledger


def _check_seat(seat: Seat) -> None:
    """A seat saved by hand: the holder may hold the post (elections.eligibility: 18 on the
    day the seat starts, else on the term's election date; a full party member for the party
    committee) and the seat rules against the seats held now, each message on its field."""
    if seat.ended_on or not (seat.village_id and seat.term_id and seat.body and seat.person_id):
        return
    ledger = _ledger(village=seat.village_id, term=seat.term_id, body=seat.body, exclude_pk=seat.pk)
    errors: dict[str, list[str]] = {}
    day = eligibility.election_day(seat.term, seat.started_on)
    for _field, message in eligibility.person_problems(seat.person, body=seat.body, on=day):
        errors.setdefault("person", []).append(message)
    for field, message in ledger.clashes(
        person=seat.person_id,
        village=seat.village_id,
        term=seat.term_id,
        body=seat.body,
        post=seat.post,
    ):
        errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)
