"""Every write of candidate vetting, and the one state machine that moves a candidacy.

The transition table below is the only place that says which step may follow which, and
`candidacy_decide` is the only function that performs one: under `select_for_update`, after
checking the version the decider saw, the role and township of the decider, and the
joint-review gate.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.choices import Department
from core import policy
from core.access import Role, ensure_can_edit_township
from core.concurrency import VersionConflict, bump_version, check_version
from core.text import join_sentences, join_words
from people.models import Person
from people.services import check_identity, ensure_can_use_found_person, person_create
from registry.models import County, Term, Village

from .choices import (
    DEFAULT_DEPARTMENTS,
    DEFAULT_NEGATIVE_LIST,
    ENDED_STAGES,
    MEETING_STAGES,
    OPEN_STAGES,
    QUALITIES,
    STAGE_PATH,
    Outcome,
    SignOffOutcome,
    Stage,
)
from .models import (
    Candidacy,
    Decision,
    FlagClearance,
    NegativeListItem,
    ReviewDepartment,
    SignOff,
)


class CandidacyConflict(VersionConflict):
    """Somebody else moved or changed the candidacy since the decider loaded it."""


# (stage, outcome) -> the stage it leads to. Anything not in the table is illegal.
TRANSITIONS: dict[tuple[str, str], str] = {}
for _index, _stage in enumerate(STAGE_PATH[:-1]):
    TRANSITIONS[(_stage, Outcome.PASS)] = STAGE_PATH[_index + 1]
    TRANSITIONS[(_stage, Outcome.REJECT)] = Stage.REJECTED
    TRANSITIONS[(_stage, Outcome.WITHDRAW)] = Stage.WITHDRAWN
    if _index > 0:
        TRANSITIONS[(_stage, Outcome.RETURN)] = STAGE_PATH[_index - 1]
TRANSITIONS[(Stage.REJECTED, Outcome.REPLACE)] = Stage.REPLACED
TRANSITIONS[(Stage.WITHDRAWN, Outcome.REPLACE)] = Stage.REPLACED

# Who decides at which stage: township officials (own township) and county organizers.
TOWNSHIP_STAGES = frozenset({Stage.NOMINATED, Stage.PRELIMINARY_REVIEW, Stage.TOWNSHIP_COMMITTEE})
COUNTY_STAGES = frozenset(
    {Stage.NOMINATED, Stage.JOINT_REVIEW, Stage.ORGANIZATION_DEPARTMENT, Stage.STANDING_COMMITTEE}
)


_is_admin = policy.is_admin


def is_organization_department(user) -> bool:
    """The county organization department: county organizers, and reviewers of 组织."""
    if policy.is_system(user):
        return True
    if not policy.is_active_user(user):
        return False
    return (
        _is_admin(user)
        or user.role == Role.COUNTY_ORGANIZER
        or (user.role == Role.DEPARTMENT_REVIEWER and user.department == Department.ORGANIZATION)
    )


def role_decides_stage(user, stage: str) -> bool:
    """Whether `user`'s role decides at `stage` somewhere (their township or county)."""
    if user is None or not user.is_authenticated:
        return False
    if _is_admin(user):
        return stage in OPEN_STAGES
    if user.role == Role.TOWNSHIP_OFFICIAL:
        return stage in TOWNSHIP_STAGES
    if user.role == Role.COUNTY_ORGANIZER:
        return stage in COUNTY_STAGES
    return False


def can_decide(user, candidacy: Candidacy, stage: str | None = None) -> bool:
    """Whether `user` may record a decision at `stage` (default: the current one)."""
    stage = stage or candidacy.stage
    if policy.is_system(user):
        return True
    if not policy.is_active_user(user):
        return False
    if _is_admin(user):
        return True
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


def _ensure_can_decide(actor, candidacy, stage) -> None:
    if not can_decide(actor, candidacy, stage):
        raise PermissionDenied(_("您无权在“%(stage)s”阶段作出决定") % {"stage": Stage(stage).label})


# --- County reference data -----------------------------------------------------------


@transaction.atomic
def county_reference_data_create(*, county: County) -> None:
    """Give a new county its negative list and joint-review departments (the defaults), so
    that pages and the API only read them. Called when a county is created
    (candidates.receivers) and by a data migration for the counties that predate it."""
    negative_list_ensure(county=county)
    review_departments_ensure(county=county)


@transaction.atomic
def negative_list_ensure(*, county: County) -> list[NegativeListItem]:
    """The county's negative list, created from the defaults if it has none."""
    items = list(NegativeListItem.objects.filter(county=county).order_by("number"))
    if items:
        return items
    items = [
        NegativeListItem(county=county, number=number, text=text)
        for number, text in enumerate(DEFAULT_NEGATIVE_LIST, start=1)
    ]
    for item in items:
        item.full_clean(validate_constraints=False)  # a county without items: none clash
    return bulk_create_with_history(items, NegativeListItem)


def _ensure_county_organizer(actor, county) -> None:
    policy.ensure_can_manage_county(actor, county.pk, message=_("只有县委组织部可以修改"))


@policy.requires_actor
@transaction.atomic
def negative_item_save(
    *,
    county: County,
    text: str,
    number: int | None = None,
    active: bool = True,
    item: NegativeListItem | None = None,
    actor,
) -> NegativeListItem:
    """Add an item to the county's negative list, or change one (its text, number, active)."""
    _ensure_county_organizer(actor, county)
    negative_list_ensure(county=county)
    if item is None:
        if number is None:
            last = NegativeListItem.objects.filter(county=county).order_by("-number").first()
            number = (last.number + 1) if last else 1
        item = NegativeListItem(county=county)
    elif item.county_id != county.pk:
        raise PermissionDenied(_("只能修改本县的负面清单"))
    item.text = (text or "").strip()
    if number is not None:
        item.number = number
    item.active = active
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def review_departments_ensure(*, county: County) -> list[ReviewDepartment]:
    """The county's joint-review departments, created from the usual set if it has none."""
    rows = list(ReviewDepartment.objects.filter(county=county))
    if rows:
        return rows
    rows = [ReviewDepartment(county=county, department=d) for d in DEFAULT_DEPARTMENTS]
    for row in rows:
        row.full_clean(validate_constraints=False)  # a county without rows: none clash
    return bulk_create_with_history(rows, ReviewDepartment)


@policy.requires_actor
@transaction.atomic
def review_department_set(
    *, county: County, department: str, takes_part: bool, required: bool, actor
) -> ReviewDepartment:
    """Say whether a department takes part in the county's joint review and must pass."""
    _ensure_county_organizer(actor, county)
    review_departments_ensure(county=county)
    row, _created = ReviewDepartment.objects.get_or_create(county=county, department=department)
    row.takes_part = takes_part
    row.required = required and takes_part
    row.full_clean()
    row.save()
    return row


def required_departments(county: County) -> list[str]:
    return list(
        ReviewDepartment.objects.filter(county=county, takes_part=True, required=True)
        .order_by("department")
        .values_list("department", flat=True)
    )


# --- Nomination ----------------------------------------------------------------------


def _ratings(assessment: dict | None) -> dict:
    allowed = {f"{kind}_{stem}" for stem, _label in QUALITIES for kind in ("rating", "note")}
    assessment = assessment or {}
    unknown = set(assessment) - allowed
    if unknown:
        raise ValidationError(_("未知的评价字段：%(f)s") % {"f": join_words(sorted(unknown))})
    return {key: value or "" for key, value in assessment.items()}


@policy.requires_actor
@transaction.atomic
def candidacy_create(
    *,
    person: Person,
    village: Village,
    term: Term,
    body: str,
    post: str,
    source: str,
    actor,
    assessment: dict | None = None,
    audit_recommendation: str = "",
    replaces: Candidacy | None = None,
    proposed_at: dt.datetime | None = None,
) -> Candidacy:
    """Nominate `person` for a post; officials nominate in their own township."""
    ensure_can_edit_township(actor, village.township)
    if not policy.is_system(actor) and actor.role not in {
        Role.TOWNSHIP_OFFICIAL,
        Role.COUNTY_ORGANIZER,
    }:
        if not _is_admin(actor):
            raise PermissionDenied(_("您无权提名人选"))
    if not village.is_active:
        raise ValidationError({"village": _("该村已并入其他村，不能提名")})
    now = proposed_at or timezone.now()
    candidacy = Candidacy(
        person=person,
        village=village,
        term=term,
        body=body,
        post=post,
        source=source,
        proposed_by=policy.history_user(actor),
        proposed_at=now,
        stage_changed_at=now,
        audit_recommendation=audit_recommendation or "",
        replaces=replaces,
        **_ratings(assessment),
    )
    candidacy.full_clean()
    candidacy.save()
    return candidacy


@policy.requires_actor
def person_for_nomination(
    *,
    id_number: str,
    name: str,
    village: Village,
    birth_date: dt.date | None = None,
    gender: str | None = None,
    actor,
    **fields,
) -> Person:
    """The person with this ID number, created in `village` if the portal does not know them.

    A known person's name must match: a different name under the same number is a typing
    mistake in one of them, which the user has to settle. A known person outside `actor`'s
    scope is refused on the ID number, without their name.
    """
    parsed = check_identity(id_number, birth_date=birth_date, gender=gender)
    person = Person.objects.with_id_number(parsed.number).select_related("village").first()
    if person is not None:
        ensure_can_use_found_person(actor, person)
        if name and person.name != name.strip():
            raise ValidationError(
                {
                    "name": _("该身份证号码已登记为“%(name)s”，与填写的姓名不一致")
                    % {"name": person.name}
                }
            )
        return person
    fields = {key: value for key, value in fields.items() if value not in (None, "")}
    return person_create(
        id_number=parsed.number,
        name=name.strip(),
        county=village.township.county,
        village=village,
        actor=actor,
        **fields,
    )


@policy.requires_actor
@transaction.atomic
def candidacy_nominate(
    *,
    person_data: dict,
    village: Village,
    term: Term,
    body: str,
    post: str,
    source: str,
    actor,
    assessment: dict | None = None,
    audit_recommendation: str = "",
) -> Candidacy:
    """Find the person by ID number (or register them) and nominate them, all or nothing."""
    person = person_for_nomination(village=village, actor=actor, **person_data)
    return candidacy_create(
        person=person,
        village=village,
        term=term,
        body=body,
        post=post,
        source=source,
        actor=actor,
        assessment=assessment,
        audit_recommendation=audit_recommendation,
    )


@policy.requires_actor
@transaction.atomic
def candidacy_update(
    *,
    candidacy: Candidacy,
    expected_version: int | None,
    actor,
    source: str | None = None,
    assessment: dict | None = None,
    audit_recommendation: str | None = None,
) -> Candidacy:
    """Change the source, the five-quality assessment or the audit recommendation."""
    locked = _lock(candidacy, expected_version)
    ensure_can_edit_township(actor, locked.village.township)
    if locked.is_ended:
        raise ValidationError(_("该人选已办结，不能修改"))
    if source is not None:
        locked.source = source
    if audit_recommendation is not None:
        locked.audit_recommendation = audit_recommendation
    for key, value in _ratings(assessment).items():
        setattr(locked, key, value)
    bump_version(locked)
    locked.full_clean()
    locked.save()
    return locked


# --- The state machine ---------------------------------------------------------------


def _lock(candidacy: Candidacy, expected_version: int | None) -> Candidacy:
    locked = (
        Candidacy.objects.select_for_update()
        .select_related("village__township__county", "person", "term")
        .get(pk=candidacy.pk)
    )
    check_version(
        locked,
        expected_version,
        lambda: CandidacyConflict(
            _("%(name)s 的审查状态已被他人更新（现为“%(stage)s”），请刷新后再操作")
            % {"name": locked.person.name, "stage": locked.get_stage_display()}
        ),
    )
    return locked


def joint_review_blockers(candidacy: Candidacy) -> list[str]:
    """Why the joint review cannot pass yet: departments missing, flags not cleared."""
    county = candidacy.village.township.county
    required = required_departments(county)
    sign_offs = list(candidacy.sign_offs.select_related("clearance"))
    passed = set()
    blockers = []
    for sign_off in sign_offs:
        cleared = hasattr(sign_off, "clearance")
        if sign_off.outcome == SignOffOutcome.PASS or cleared:
            passed.add(sign_off.department)
        else:
            blockers.append(
                _("%(dept)s提出问题，尚未由组织部门核销")
                % {"dept": sign_off.get_department_display()}
            )
    missing = [Department(d).label for d in required if d not in passed]
    if missing:
        blockers.insert(0, _("尚未出具意见的部门：%(d)s") % {"d": join_words(missing)})
    return blockers


def _check_items(candidacy, items) -> list[NegativeListItem]:
    items = list(items or [])
    county_id = candidacy.village.township.county_id
    for item in items:
        if item.county_id != county_id:
            raise ValidationError({"negative_items": _("只能选择本县负面清单的条目")})
    return items


@policy.requires_actor
@transaction.atomic
def candidacy_decide(
    *,
    candidacy: Candidacy,
    outcome: str,
    expected_version: int | None,
    actor,
    negative_items=(),
    reason: str = "",
    meeting_date: dt.date | None = None,
    minute_number: str = "",
) -> Decision:
    """Record a decision at the candidacy's current stage and move it accordingly.

    pass: to the next stage; reject: ends it (needs negative-list items or a reason);
    return: back one stage (needs a note). Refused on an ended candidacy, on a stale
    `expected_version` (CandidacyConflict), and for deciders without the right.
    """
    locked = _lock(candidacy, expected_version)
    stage = locked.stage
    if outcome not in (Outcome.PASS, Outcome.REJECT, Outcome.RETURN):
        raise ValidationError({"outcome": _("未知的审查结果")})
    if stage in ENDED_STAGES:
        raise ValidationError(
            _("该人选已“%(stage)s”，不能再作决定") % {"stage": locked.get_stage_display()}
        )
    to_stage = TRANSITIONS.get((stage, outcome))
    if to_stage is None:
        raise ValidationError(
            {
                "outcome": _("“%(stage)s”阶段不能“%(outcome)s”")
                % {"stage": locked.get_stage_display(), "outcome": Outcome(outcome).label}
            }
        )
    _ensure_can_decide(actor, locked, stage)
    items = _check_items(locked, negative_items)
    reason = (reason or "").strip()
    minute_number = (minute_number or "").strip()
    errors = {}
    if outcome == Outcome.REJECT and not items and not reason:
        errors["reason"] = _("不通过须选择负面清单情形或写明理由")
    if outcome == Outcome.RETURN and not reason:
        errors["reason"] = _("退回须写明说明")
    if outcome == Outcome.PASS and items:
        errors["negative_items"] = _("通过时不能勾选负面清单情形")
    if stage in MEETING_STAGES and outcome != Outcome.RETURN:
        if not meeting_date:
            errors["meeting_date"] = _("会审须填写会议日期")
        if not minute_number:
            errors["minute_number"] = _("会审须填写会议纪要编号")
    if errors:
        raise ValidationError(errors)
    if stage == Stage.JOINT_REVIEW and outcome == Outcome.PASS:
        blockers = joint_review_blockers(locked)
        if blockers:
            raise ValidationError({"outcome": blockers})
    decision = Decision(
        candidacy=locked,
        stage=stage,
        outcome=outcome,
        to_stage=to_stage,
        reason=reason,
        meeting_date=meeting_date,
        minute_number=minute_number,
        decided_by=policy.history_user(actor),
        decided_at=timezone.now(),
    )
    _move(locked, decision)
    if items:
        decision.negative_items.set(items)
    candidacy.stage, candidacy.version = locked.stage, locked.version
    return decision


@policy.requires_actor
@transaction.atomic
def candidacy_withdraw(
    *, candidacy: Candidacy, expected_version: int | None, reason: str, actor
) -> Decision:
    """The nominee steps back (or is taken off) before approval; a reason is required."""
    locked = _lock(candidacy, expected_version)
    if locked.is_ended:
        raise ValidationError(_("该人选已办结，不能退出"))
    ensure_can_edit_township(actor, locked.village.township)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("退出须写明理由")})
    return _record(locked, Outcome.WITHDRAW, reason.strip(), actor)


def _record(locked: Candidacy, outcome: str, reason: str, actor) -> Decision:
    to_stage = TRANSITIONS[(locked.stage, outcome)]
    decision = Decision(
        candidacy=locked,
        stage=locked.stage,
        outcome=outcome,
        to_stage=to_stage,
        reason=reason,
        decided_by=policy.history_user(actor),
        decided_at=timezone.now(),
    )
    _move(locked, decision)
    return decision


def _move(locked: Candidacy, decision: Decision) -> None:
    """Save the decision and move the locked candidacy to its `to_stage`."""
    decision.full_clean(exclude=["candidacy", "decided_by"])  # both read just now
    decision.save()
    locked.stage, locked.stage_changed_at = decision.to_stage, decision.decided_at
    bump_version(locked)
    # A transition moves between open stages or ends the candidacy, never reopens it, so
    # the one-open-candidacy constraint cannot newly fail: save what changed, unchecked.
    locked.save(update_fields=["stage", "stage_changed_at", "version", "updated_at"])


@policy.requires_actor
@transaction.atomic
def candidacy_replace(
    *,
    candidacy: Candidacy,
    source: str,
    reason: str,
    person: Person | None = None,
    person_data: dict | None = None,
    expected_version: int | None = None,
    actor,
    assessment: dict | None = None,
    audit_recommendation: str = "",
) -> Candidacy:
    """Put a new nominee forward for the post of a rejected or withdrawn candidacy.

    The old one ends as `replaced`; the two point to each other. The new nominee is
    `person`, or found or registered from `person_data` (ID number, name...).
    """
    locked = _lock(candidacy, expected_version)
    if locked.stage not in (Stage.REJECTED, Stage.WITHDRAWN):
        raise ValidationError(_("只有未通过或已退出的人选才能替换"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("替换须写明理由")})
    if person is None:
        person = person_for_nomination(village=locked.village, actor=actor, **person_data)
    if person.pk == locked.person_id:
        raise ValidationError({"person": _("替换人选不能是原人选本人")})
    new = candidacy_create(
        person=person,
        village=locked.village,
        term=locked.term,
        body=locked.body,
        post=locked.post,
        source=source,
        actor=actor,
        assessment=assessment,
        audit_recommendation=audit_recommendation,
        replaces=locked,
    )
    _record(locked, Outcome.REPLACE, reason.strip(), actor)
    return new


@dataclass
class BulkResult:
    done: list
    failed: list  # (candidacy, message)


@policy.requires_actor
def candidacies_decide_bulk(
    *,
    candidacies: list[tuple[Candidacy, int | None]],
    outcome: str,
    actor,
    reason: str = "",
    negative_items=(),
    meeting_date: dt.date | None = None,
    minute_number: str = "",
) -> BulkResult:
    """One meeting's decisions on many names; each lands or fails on its own."""
    result = BulkResult(done=[], failed=[])
    for candidacy, version in candidacies:
        try:
            result.done.append(
                candidacy_decide(
                    candidacy=candidacy,
                    outcome=outcome,
                    expected_version=version,
                    actor=actor,
                    reason=reason,
                    negative_items=negative_items,
                    meeting_date=meeting_date,
                    minute_number=minute_number,
                )
            )
        except (ValidationError, PermissionDenied, CandidacyConflict) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            result.failed.append((candidacy, join_sentences(messages)))
    return result


# --- Joint review --------------------------------------------------------------------


@policy.requires_actor
@transaction.atomic
def sign_off_record(
    *,
    candidacy: Candidacy,
    outcome: str,
    actor,
    department: str | None = None,
    negative_items=(),
    note: str = "",
    expected_version: int | None = None,
) -> SignOff:
    """A department's pass or flag on a candidacy in joint review, signed by its reviewer."""
    locked = _lock(candidacy, expected_version)
    if not policy.is_system(actor) and not _is_admin(actor):
        if actor.role != Role.DEPARTMENT_REVIEWER or not actor.department:
            raise PermissionDenied(_("只有联审部门人员可以出具联审意见"))
        if department and department != actor.department:
            raise PermissionDenied(_("只能以本部门名义出具意见"))
        department = actor.department
        if locked.village.township.county_id != actor.county_id:
            raise PermissionDenied(_("只能审查本县的人选"))
    if not department:
        raise ValidationError({"department": _("请指定部门")})
    if locked.stage != Stage.JOINT_REVIEW:
        raise ValidationError(_("该人选不在资格联审阶段"))
    taking_part = {
        row.department
        for row in review_departments_ensure(county=locked.village.township.county)
        if row.takes_part
    }
    if department not in taking_part:
        raise ValidationError({"department": _("该部门不参加本县资格联审")})
    if SignOff.objects.filter(candidacy=locked, department=department).exists():
        raise CandidacyConflict(_("本部门已对 %(name)s 出具意见") % {"name": locked.person.name})
    items = _check_items(locked, negative_items)
    note = (note or "").strip()
    if outcome == SignOffOutcome.FLAG and not items and not note:
        raise ValidationError({"note": _("提出问题须选择负面清单情形或写明说明")})
    if outcome == SignOffOutcome.PASS and items:
        raise ValidationError({"negative_items": _("通过时不能勾选负面清单情形")})
    sign_off = SignOff(
        candidacy=locked,
        department=department,
        outcome=outcome,
        note=note,
        signed_by=policy.history_user(actor),
        signed_at=timezone.now(),
    )
    # The candidacy (and the signer, a person) were read just now; the one-per-department rule
    # was checked above (and the database enforces it against a racing reviewer). The system
    # is no signer: a sign-off needs a person, which full_clean says.
    signer_known = sign_off.signed_by_id is not None
    sign_off.full_clean(exclude=["candidacy", "signed_by"] if signer_known else ["candidacy"])
    try:
        with transaction.atomic():
            sign_off.save()
    except IntegrityError:
        raise CandidacyConflict(_("本部门已对该人选出具意见")) from None
    if items:
        sign_off.negative_items.set(items)
    bump_version(locked)
    locked.save(update_fields=["version", "updated_at"])
    candidacy.version = locked.version
    return sign_off


@policy.requires_actor
def sign_offs_pass_bulk(*, candidacies: list[Candidacy], actor, note: str = "") -> BulkResult:
    """A reviewer's pass for many clean cases at once; each lands or fails on its own."""
    result = BulkResult(done=[], failed=[])
    for candidacy in candidacies:
        try:
            result.done.append(
                sign_off_record(
                    candidacy=candidacy, outcome=SignOffOutcome.PASS, actor=actor, note=note
                )
            )
        except (ValidationError, PermissionDenied, CandidacyConflict) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            result.failed.append((candidacy, join_sentences(messages)))
    return result


@policy.requires_actor
@transaction.atomic
def flag_clear(*, sign_off: SignOff, reason: str, actor) -> FlagClearance:
    """The organization department sets a department's flag aside, with a written reason."""
    locked = _lock(sign_off.candidacy, None)
    if not is_organization_department(actor):
        raise PermissionDenied(_("只有组织部门可以核销联审问题"))
    if not policy.is_system(actor) and not _is_admin(actor):
        if locked.village.township.county_id != actor.county_id:
            raise PermissionDenied(_("只能处理本县的人选"))
    if sign_off.outcome != SignOffOutcome.FLAG:
        raise ValidationError(_("只有“有问题”的意见需要核销"))
    if FlagClearance.objects.filter(sign_off=sign_off).exists():
        raise CandidacyConflict(_("该问题已核销"))
    if locked.stage != Stage.JOINT_REVIEW:
        raise ValidationError(_("该人选不在资格联审阶段"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("核销须写明理由")})
    clearance = FlagClearance(
        sign_off=sign_off,
        reason=reason,
        cleared_by=policy.history_user(actor),
        cleared_at=timezone.now(),
    )
    clearance.full_clean()
    clearance.save()
    bump_version(locked)
    locked.save(update_fields=["version", "updated_at"])
    return clearance
