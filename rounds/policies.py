"""Access rules of the round's command centre (core/policy.py asks here by name).

The county leader in charge of villages (县级包联领导) sees only their liaison villages:
read-only, except the problem ledger, where they report problems and verify their closing.
"""

from core import policy
from core.roles import Role


def _liaison_villages(user):
    from .models import Liaison

    return Liaison.objects.filter(leader_id=user.pk).values("village_id")


@policy.scope_rule(Role.LIAISON_LEADER)
def liaison_leader_scope(user, *, county_lookup, township_lookup, village_lookup):
    """Rows of their liaison villages, and the county's own rows (the plan, reference data);
    no township's rows."""
    if not user.county_id:
        return None
    if village_lookup is not None:
        return {f"{village_lookup}__in": _liaison_villages(user)}
    if township_lookup is None:
        return {county_lookup: user.county_id}
    return None


def is_liaison_leader_of(user, village) -> bool:
    return (
        getattr(user, "role", None) == Role.LIAISON_LEADER
        and _liaison_villages(user).filter(village_id=village.pk).exists()
    )


@policy.rule("round.plan")
def can_plan(user, round_) -> bool:
    """The plan, the liaison list, units and reports: the county organizers of its county."""
    return policy.can_manage_county(user, round_.county_id)


@policy.rule("village.round_record")
def can_record(user, village) -> bool:
    """A village's step records, windows, screening, visits and talks: who may change its
    township's data."""
    return policy.can_edit_township(user, village.township)


@policy.rule("problem.report")
def can_report_problem(user, village) -> bool:
    """Reporting, assigning and resolving a problem: the village's editors, and its liaison
    leader."""
    return policy.can_edit_township(user, village.township) or is_liaison_leader_of(user, village)


@policy.rule("problem.verify")
def can_verify_problem(user, problem) -> bool:
    """Checking a closed problem (or reopening it): the county, or the village's liaison
    leader — not the township that closed it."""
    village = problem.village
    return policy.can_manage_county(user, village.township.county_id) or is_liaison_leader_of(
        user, village
    )
