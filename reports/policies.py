"""Who may do what to the reports: the rules of the reports' own objects (core.policy)."""

from core import policy
from core.roles import COUNTY_ROLES, Role


@policy.rule("report.decide")
def can_decide_filing(user, filing) -> bool:
    """Accept, return or unlock a township's report: the county organizers of its county."""
    return policy.has_role(user, COUNTY_ROLES) and policy.can_manage_county(
        user, filing.township.county_id
    )


@policy.rule("report.file_county")
def can_file_county(user, county) -> bool:
    """File the county's aggregate: the county organizers of that county."""
    return policy.has_role(user, COUNTY_ROLES) and policy.can_manage_county(
        user, getattr(county, "pk", county)
    )


@policy.rule("report.read_county")
def can_read_county(user, obj=None) -> bool:
    """A county's forms show every township: county roles and API clients, not officials
    (they read their township's)."""
    return policy.has_role(
        user, {Role.ADMIN, Role.COUNTY_ORGANIZER, Role.COUNTY_VIEWER, Role.API_CLIENT}
    )
