"""Who may decide in candidate vetting: the rules of the candidacy's own objects.

Registered with the portal's policy (`core.policy.rule`), so services, pages and templates
ask `policy.can(user, "candidacy.decide", candidacy)` and this file is the one home of
each rule. `core.policy.can` answers for the system (yes) and for nobody, signed out or
deactivated (no) before a rule is asked.
"""

from accounts.choices import Department
from core import policy
from core.access import Role

from .choices import OPEN_STAGES, Stage

# Who decides at which stage: township officials (own township) and county organizers.
TOWNSHIP_STAGES = frozenset({Stage.NOMINATED, Stage.PRELIMINARY_REVIEW, Stage.TOWNSHIP_COMMITTEE})
COUNTY_STAGES = frozenset(
    {Stage.NOMINATED, Stage.JOINT_REVIEW, Stage.ORGANIZATION_DEPARTMENT, Stage.STANDING_COMMITTEE}
)


@policy.rule("candidacy.decide")
def can_decide(user, candidacy) -> bool:
    """Whether `user` may record a decision at the candidacy's current stage: township
    officials at the township stages in their township, county organizers at the county
    stages in their county, the organization department's reviewers at the joint review."""
    if policy.is_admin(user):
        return True
    stage = candidacy.stage
    county_id = candidacy.village.township.county_id
    if user.role == Role.TOWNSHIP_OFFICIAL:
        return stage in TOWNSHIP_STAGES and candidacy.village.township_id == user.township_id
    if user.role == Role.COUNTY_ORGANIZER:
        return stage in COUNTY_STAGES and county_id == user.county_id
    if user.role == Role.DEPARTMENT_REVIEWER:
        return (
            stage == Stage.JOINT_REVIEW
            and user.department == Department.ORGANIZATION
            and county_id == user.county_id
        )
    return False


@policy.rule("candidacy.decide_stage")
def role_decides_stage(user, stage: str) -> bool:
    """Whether `user`'s role decides at `stage` somewhere (their township or county): the
    queue offers the bulk decision form at that stage."""
    if policy.is_admin(user):
        return stage in OPEN_STAGES
    if user.role == Role.TOWNSHIP_OFFICIAL:
        return stage in TOWNSHIP_STAGES
    if user.role == Role.COUNTY_ORGANIZER:
        return stage in COUNTY_STAGES
    return False


@policy.rule("sign_off.clear")
def is_organization_department(user, obj=None) -> bool:
    """The county organization department, which sets a department's flag aside: county
    organizers, and reviewers of 组织 (administrators too)."""
    return (
        policy.is_admin(user)
        or user.role == Role.COUNTY_ORGANIZER
        or (user.role == Role.DEPARTMENT_REVIEWER and user.department == Department.ORGANIZATION)
    )


@policy.rule("candidacy.see_id_number")
def sees_id_number_in_queue(user, candidacy) -> bool:
    """`id_number.see`, extended by the joint-review queue: a department reviewer checks
    their department's records by the whole ID number, so they see it for a name waiting for
    their department's opinion (in joint review, in their county, not yet signed by their
    department) — there and only there; once signed, the number is masked again. Every
    other role: whatever `id_number.see` says. The views log each disclosure
    (people.privacy.disclose_id_number)."""
    if policy.can_see_id_numbers(user):
        return True
    if not policy.is_department_reviewer(user) or candidacy is None:
        return False
    if candidacy.stage != Stage.JOINT_REVIEW:
        return False
    if candidacy.village.township.county_id != user.county_id:
        return False
    awaiting = getattr(candidacy, "awaiting_my_sign_off", None)
    if awaiting is None:
        awaiting = not candidacy.sign_offs.filter(department=user.department).exists()
    return bool(awaiting)


# A nomination is corrected in place until the joint review starts; after that the record
# has been seen by the departments, and a correction goes back through a return decision
# (docs/candidates.md, "Correcting a nomination").
EDITABLE_STAGES = frozenset({Stage.NOMINATED, Stage.PRELIMINARY_REVIEW})


@policy.rule("candidacy.edit")
def can_edit_nomination(user, candidacy) -> bool:
    """Whether `user` may change the nomination (post, source, assessment and notes) now:
    the editors of its township (policy.can_edit_township), before the joint review."""
    return candidacy.stage in EDITABLE_STAGES and policy.can_edit_township(
        user, candidacy.village.township
    )
