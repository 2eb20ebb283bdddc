"""The leaving audits (离任审计) of the outgoing villagers' committee, with the
recommendations of the term's candidacies."""

from __future__ import annotations

from collections import defaultdict

from candidates.choices import AuditRecommendation
from candidates.models import Candidacy
from elections.choices import Body
from elections.models import Seat

from ..choices import AuditStatus
from ..models import LeavingAudit
from .scope import with_merged_in


def term_candidacies(figures, term) -> dict:
    """(village, person, body) -> (source, audit recommendation) of the term's candidacies."""
    found = {}
    for village_id, person_id, body, source, recommendation in (
        Candidacy.objects.filter(term=term, village__in=figures)
        .order_by("pk")
        .values_list("village_id", "person_id", "body", "source", "audit_recommendation")
    ):
        found[(village_id, person_id, body)] = (source, recommendation)
    return found


def leaving_audits(figures, term, candidacies) -> None:
    previous = term.previous
    outgoing = defaultdict(set)
    if previous is not None:
        merged = with_merged_in(figures)
        for village_id, person_id in Seat.objects.filter(
            term=previous, body=Body.VILLAGERS_COMMITTEE, village__in=list(merged)
        ).values_list("village_id", "person_id"):
            merged_into_id = merged[village_id]
            outgoing[merged_into_id if merged_into_id in figures else village_id].add(person_id)
    status = defaultdict(dict)
    for village_id, person_id, value in LeavingAudit.objects.filter(
        term=term, village__in=figures
    ).values_list("village_id", "person_id", "status"):
        status[village_id][person_id] = value
        outgoing[village_id].add(person_id)
    recommendations = defaultdict(dict)
    for (village_id, person_id, _body), (_source, value) in candidacies.items():
        if value:
            recommendations[village_id][person_id] = value
    for village_id, fig in figures.items():
        sec = fig.sections["leaving_audits"]
        people = outgoing.get(village_id, set())
        sec["outgoing"] += len(people)
        for person_id in people:
            sec[status[village_id].get(person_id, AuditStatus.NOT_STARTED)] += 1
            value = recommendations[village_id].get(person_id)
            if value == AuditRecommendation.STAY:
                sec["recommended_stay"] += 1
            elif value == AuditRecommendation.GO:
                sec["recommended_go"] += 1
