"""The joint qualification review: each department's pass or flag, and the organization
department clearing a flag. `candidacy_decide` lets the review pass only once
`candidates.selectors.joint_review_blockers` finds nothing missing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import policy
from core.access import Role
from core.concurrency import bump_version
from core.text import join_sentences

from ..choices import SignOffOutcome, Stage
from ..models import Candidacy, FlagClearance, SignOff
from .reference import review_departments_ensure
from .workflow import BulkResult, CandidacyConflict, _check_items, _lock


def _signer_department(actor, locked: Candidacy, department: str | None) -> str:
    """The department a sign-off speaks for: a reviewer's own (of the candidacy's county),
    whatever they ask; the one named by an administrator or the system."""
    if not policy.is_system(actor) and not policy.is_admin(actor):
        if actor.role != Role.DEPARTMENT_REVIEWER or not actor.department:
            raise PermissionDenied(_("只有联审部门人员可以出具联审意见"))
        if department and department != actor.department:
            raise PermissionDenied(_("只能以本部门名义出具意见"))
        department = actor.department
        if locked.village.township.county_id != actor.county_id:
            raise PermissionDenied(_("只能审查本县的人选"))
    if not department:
        raise ValidationError({"department": _("请指定部门")})
    return department


def _check_department_may_sign(locked: Candidacy, department: str) -> None:
    """The department takes part in the county's joint review and has not signed yet."""
    taking_part = {
        row.department
        for row in review_departments_ensure(county=locked.village.township.county)
        if row.takes_part
    }
    if department not in taking_part:
        raise ValidationError({"department": _("该部门不参加本县资格联审")})
    if SignOff.objects.filter(candidacy=locked, department=department).exists():
        raise CandidacyConflict(_("本部门已对 %(name)s 出具意见") % {"name": locked.person.name})


def _check_sign_off_inputs(outcome: str, *, items, note: str) -> None:
    """A flag names negative-list items or says why; a pass names no item."""
    if outcome == SignOffOutcome.FLAG and not items and not note:
        raise ValidationError({"note": _("提出问题须选择负面清单情形或写明说明")})
    if outcome == SignOffOutcome.PASS and items:
        raise ValidationError({"negative_items": _("通过时不能勾选负面清单情形")})


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
    department = _signer_department(actor, locked, department)
    if locked.stage != Stage.JOINT_REVIEW:
        raise ValidationError(_("该人选不在资格联审阶段"))
    _check_department_may_sign(locked, department)
    items = _check_items(locked, negative_items)
    note = (note or "").strip()
    _check_sign_off_inputs(outcome, items=items, note=note)
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
    if not policy.can(actor, "sign_off.clear", sign_off):
        raise PermissionDenied(_("只有组织部门可以核销联审问题"))
    if not policy.is_system(actor) and not policy.is_admin(actor):
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
