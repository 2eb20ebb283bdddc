"""The named lists of the forms: the elected (当选人员), recalls (罢免) and by-elections
(补选)."""

from __future__ import annotations

from candidates.choices import Source as CandidacySource
from elections.choices import POST_TITLES, Body, ElectionState
from elections.models import ElectionCandidate
from people.choices import Education

from ..choices import Origin
from ..models import ByElection, Recall
from .figures import TWO_COMMITTEES

# A candidacy's source that says the elected person's origin (the others do not).
ORIGIN_FROM_SOURCE = {CandidacySource.SENT_IN: Origin.SENT_DOWN}


def elected(figures, term, previous, candidacies) -> list[dict]:
    rows = []
    reference = term.reference_date
    for candidate in (
        ElectionCandidate.objects.filter(
            election__term=term,
            election__village__in=figures,
            election__state=ElectionState.CERTIFIED,
            election__body__in=TWO_COMMITTEES,
        )
        .exclude(post="")
        .select_related("person", "election", "report_origin")
        .order_by("election__village__code", "election__body", "election__round", "-votes", "pk")
    ):
        election, person = candidate.election, candidate.person
        village = figures[election.village_id].village
        source = candidacies.get((village.pk, person.pk, election.body), ("", ""))[0]
        origin = ORIGIN_FROM_SOURCE.get(source)
        if origin is None:
            typed = getattr(candidate, "report_origin", None)
            origin = typed.origin if typed is not None else Origin.OTHER
        rows.append(
            {
                "township": village.township.name,
                "village": village.name,
                "village_code": village.code,
                "name": person.name,
                "gender": str(person.get_gender_display()),
                "age": person.age_on(reference),
                "ethnicity": person.ethnicity,
                "political_status": str(person.get_political_status_display()),
                "education": str(Education(person.highest_education).label)
                if person.highest_education
                else "",
                "body": election.body,
                "post": str(POST_TITLES[(election.body, candidate.post)]),
                "round": election.round,
                "votes": candidate.votes,
                "ballots": election.ballots_returned,
                "re_elected": (village.pk, person.pk) in previous,
                "origin": origin,
                "candidate_id": candidate.pk,
                "origin_from_candidacy": source in ORIGIN_FROM_SOURCE,
            }
        )
    return rows


def recalls(figures, term) -> list[dict]:
    return [
        {
            "township": figures[r.village_id].village.township.name,
            "village": figures[r.village_id].village.name,
            "village_code": figures[r.village_id].village.code,
            "name": r.seat.person.name,
            "post": str(POST_TITLES[(r.seat.body, r.seat.post)]),
            "requested_by": r.requested_by,
            "requesters": r.requesters,
            "eligible": r.eligible,
            "requested_on": r.requested_on.isoformat(),
            "voted_on": r.voted_on.isoformat(),
            "registered": r.registered,
            "voted": r.voted,
            "agreed": r.agreed,
            "valid": r.valid,
            "passed": r.passed,
        }
        for r in Recall.objects.filter(term=term, village__in=figures)
        .select_related("seat__person")
        .order_by("village__code", "voted_on", "pk")
    ]


def by_elections(figures, term) -> list[dict]:
    return [
        {
            "township": figures[b.village_id].village.township.name,
            "village": figures[b.village_id].village.name,
            "village_code": figures[b.village_id].village.code,
            "post": str(POST_TITLES[(Body.VILLAGERS_COMMITTEE, b.post)]),
            "reason": b.reason,
            "held_on": b.held_on.isoformat(),
            "name": b.person.name,
            "registered": b.registered,
            "voted": b.voted,
            "votes": b.votes,
        }
        for b in ByElection.objects.filter(term=term, village__in=figures)
        .select_related("person")
        .order_by("village__code", "held_on", "pk")
    ]
