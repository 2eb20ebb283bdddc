"""Who may change the registry's own objects (registered with core.policy)."""

from core import policy
from core.roles import Role


@policy.rule("term.manage")
def can_manage_terms(user, obj=None) -> bool:
    """Terms are shared by every county of the deployment: administrators and county
    organizers (of a county) open a round and correct its dates; nobody else."""
    if policy.is_admin(user):
        return True
    return user.role == Role.COUNTY_ORGANIZER and user.county_id is not None
