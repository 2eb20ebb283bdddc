"""Entering an election: its counts, candidates and votes, and the legal checks read from them.

`election_findings` is the glue between the stored election and the pure checks of
`elections.rules` (and the seat rules of `elections.seat_rules`).
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core import policy
from core.access import ensure_can_edit_township
from core.concurrency import VersionConflict, bump_version, check_version
from core.limits import TEXT_LIMIT, TextLimitValidator
from people.models import Person
from registry.models import Term, Village

from .. import rules, seat_rules, vetting
from ..choices import BODY_POSTS, Body, ElectionRound, ElectionState, Post
from ..models import Election, ElectionCandidate, Seat

COUNT_FIELDS = (
    "entitled",
    "present",
    "ballots_issued",
    "ballots_returned",
    "ballots_valid",
    "ballots_invalid",
    "proxy_votes",
)
EDITABLE_FIELDS = (
    "held_on",
    "round",
    "seats_chair",
    "seats_deputy",
    "seats_member",
    *COUNT_FIELDS,
)


class ElectionConflict(VersionConflict):
    """Someone else saved the election since it was read (optimistic locking)."""


@dataclass(frozen=True)
class CandidateInput:
    person: Person
    votes: int
    post: str = ""


# -- reading the rules -------------------------------------------------------------------


def election_data(
    election: Election, candidates=None, *, with_vetting: bool | None = None, vetted=None
) -> rules.ElectionData:
    """The plain data the rules check, from an election and its candidates: their votes,
    age and party membership, and where their vetting for this body stands.

    `with_vetting`: by default while the result is open (draft or submitted); a certified
    result was checked against the vetting when it was certified and stays as it was.
    `vetted`: what `elections.vetting.for_elections` read for a list of elections at once
    (by election pk); read here otherwise.
    """
    if candidates is None:
        candidates = list(election.candidates.select_related("person"))
    if with_vetting is None:
        with_vetting = election.state != ElectionState.CERTIFIED
    if not with_vetting or not candidates:
        vetted = None
    elif vetted is not None and election.pk in vetted:
        vetted = vetted[election.pk]
    else:
        vetted = vetting.for_election(election)
    return rules.ElectionData(
        body=election.body,
        round=election.round,
        seats=election.seat_count,
        **{name: getattr(election, name) for name in COUNT_FIELDS},
        held_on=election.held_on,
        candidates=tuple(
            rules.CandidateResult(
                key=str(c.person_id),
                name=c.person.name,
                votes=c.votes,
                female=c.person.gender == "F",
                post=c.post,
                birth_date=c.person.birth_date,
                political_status=c.person.political_status,
                vetting=None if vetted is None else vetted.get(c.person_id, _NOT_NOMINATED),
            )
            for c in candidates
        ),
    )


_NOT_NOMINATED = rules.Vetting(rules.NOT_NOMINATED)


def election_findings(
    election: Election, candidates=None, *, with_vetting: bool | None = None, vetted=None
) -> list[rules.Finding]:
    """Every finding of the legal checks (see `election_data` for the keywords)."""
    if candidates is None:
        candidates = list(election.candidates.select_related("person"))
    findings = rules.check_election(
        election_data(election, candidates, with_vetting=with_vetting, vetted=vetted)
    )
    findings += _post_findings(election, candidates)
    if election.body == Body.SUPERVISION_COMMITTEE:
        findings += _supervision_findings(election, candidates)
    return findings


def _supervision_findings(election: Election, candidates) -> list[rules.Finding]:
    """No member of the two committees may sit on the village affairs supervision committee."""
    winners = {c.person_id: c.person.name for c in candidates if c.post}
    if not winners:
        return []
    holders = set(
        Seat.objects.current()
        .filter(
            village_id=election.village_id,
            term_id=election.term_id,
            body__in=[Body.PARTY_COMMITTEE, Body.VILLAGERS_COMMITTEE],
            person_id__in=list(winners),
        )
        .values_list("person_id", flat=True)
    )
    return [
        rules.Finding(
            "supervision_incompatible",
            rules.ERROR,
            _(
                "《村民委员会组织法》第三十二条：村民委员会成员及其近亲属不得担任村务监督机构成员；"
                "%(name)s 现任本村“两委”成员"
            )
            % {"name": winners[person_id]},
            str(person_id),
        )
        for person_id in sorted(holders)
    ]


def _post_findings(election: Election, candidates=None) -> list[rules.Finding]:
    """Posts taken must exist on the body and fit the seats per post."""
    if candidates is None:
        candidates = list(election.candidates.select_related("person"))
    findings = []
    allowed = BODY_POSTS.get(election.body, ())
    limits = {
        Post.SECRETARY: election.seats_chair,
        Post.DIRECTOR: election.seats_chair,
        Post.DEPUTY_SECRETARY: election.seats_deputy,
        Post.DEPUTY_DIRECTOR: election.seats_deputy,
        Post.MEMBER: election.seats_member,
    }
    counts: dict[str, int] = {}
    for candidate in candidates:
        if not candidate.post:
            continue
        message = seat_rules.post_not_on_body(election.body, candidate.post)
        if message:
            findings.append(
                rules.Finding(
                    "post_not_on_body",
                    rules.ERROR,
                    _("%(name)s：%(message)s")
                    % {"name": candidate.person.name, "message": message},
                    str(candidate.person_id),
                )
            )
        counts[candidate.post] = counts.get(candidate.post, 0) + 1
    for post, count in counts.items():
        if post in allowed and count > limits[post]:
            findings.append(
                rules.Finding(
                    "post_above_seats",
                    rules.ERROR,
                    _("“%(post)s”当选 %(count)s 人，超过该职务名额 %(limit)s 名")
                    % {"post": Post(post).label, "count": count, "limit": limits[post]},
                )
            )
    return findings


# -- entering an election ----------------------------------------------------------------


def _lock(election: Election, expected_version: int | None) -> Election:
    locked = (
        Election.objects.select_for_update()
        .select_related("village__township", "term")
        .get(pk=election.pk)
    )
    check_version(
        locked, expected_version, lambda: ElectionConflict(_("该选举已被他人修改，请刷新后重试"))
    )
    return locked


def _ensure_draft(election: Election) -> None:
    if election.state != ElectionState.DRAFT:
        raise ValidationError(
            _("选举结果为“%(state)s”，不能修改；如需更正请由县委组织部解锁")
            % {"state": election.get_state_display()}
        )


@policy.requires_actor
@transaction.atomic
def election_create(
    *,
    village: Village,
    term: Term,
    body: str,
    held_on: dt.date,
    actor,
    round: str = ElectionRound.FIRST,
    seats_chair: int = 1,
    seats_deputy: int = 0,
    seats_member: int = 2,
    **counts,
) -> Election:
    ensure_can_edit_township(actor, village.township)
    unknown = set(counts) - set(COUNT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    # read from the database: the caller's instance may predate a merger
    merged_on = Village.objects.filter(pk=village.pk).values_list("merged_on", flat=True).first()
    if merged_on and term.starts_on and merged_on < term.starts_on:
        raise ValidationError({"village": _("该村已于届次开始前合并，不能录入本届选举")})
    election = Election(
        village=village,
        term=term,
        body=body,
        round=round,
        held_on=held_on,
        seats_chair=seats_chair,
        seats_deputy=seats_deputy,
        seats_member=seats_member,
        **counts,
    )
    election.full_clean()
    election.save()
    return election


@policy.requires_actor
@transaction.atomic
def election_update(
    *, election: Election, actor, expected_version: int | None = None, **fields
) -> Election:
    """Change the counts or seats of a draft election."""
    locked = _lock(election, expected_version)
    ensure_can_edit_township(actor, locked.village.township)
    _ensure_draft(locked)
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"confirmations"}
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(locked, name, value)
    bump_version(locked)
    locked.full_clean()
    locked.save()
    return locked


@policy.requires_actor
@transaction.atomic
def election_results_set(
    *,
    election: Election,
    candidates: list[CandidateInput],
    actor,
    expected_version: int | None = None,
    confirmations: dict[str, str] | None = None,
    **counts,
) -> Election:
    """Replace the candidates' votes (and optionally the counts) of a draft election."""
    locked = election_update(
        election=election,
        actor=actor,
        expected_version=expected_version,
        **counts,
        **({"confirmations": confirmations} if confirmations is not None else {}),
    )
    seen = set()
    for item in candidates:
        if item.person.pk in seen:
            raise ValidationError(
                {"candidates": _("%(name)s 重复填写") % {"name": item.person.name}}
            )
        seen.add(item.person.pk)
    existing = {c.person_id: c for c in locked.candidates.all()}
    new = []
    for item in candidates:
        candidate = existing.pop(item.person.pk, None)
        unchanged = candidate is not None and (candidate.votes, candidate.post) == (
            item.votes,
            item.post or "",
        )
        if candidate is None:
            candidate = ElectionCandidate(election=locked, person=item.person)
            new.append(candidate)
        candidate.votes, candidate.post = item.votes, item.post or ""
        # duplicates were refused above, so the unique constraint needs no query
        candidate.full_clean(exclude=["election", "person"], validate_constraints=False)
        if candidate.pk and not unchanged:
            candidate.save()
    if new:
        bulk_create_with_history(new, ElectionCandidate)
    for stale in existing.values():
        stale.delete()
    return locked


@policy.requires_actor
@transaction.atomic
def election_confirm(*, election: Election, code: str, note: str, actor) -> Election:
    """Record the written confirmation a warning asks for (e.g. no woman elected); `code`
    is the finding's key (`rules.Finding.key`: the code, and the candidate for a warning
    about one candidate)."""
    if rules.confirmation_code(code) not in rules.NEEDS_CONFIRMATION:
        raise ValidationError({"code": _("该提示无需书面说明")})
    if not note.strip():
        raise ValidationError({"note": _("请填写书面说明")})
    try:  # kept in a JSONField, which has no model validator for its length
        TextLimitValidator(TEXT_LIMIT)(note.strip())
    except ValidationError as error:
        raise ValidationError({"note": error.error_list}) from None
    locked = _lock(election, None)
    confirmations = dict(locked.confirmations)
    confirmations[code] = note.strip()
    return election_update(election=locked, actor=actor, confirmations=confirmations)
