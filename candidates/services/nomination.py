"""Putting a name forward: nominating (finding or registering the person by ID number),
changing the nomination, the nominee stepping back, and a replacement for an ended one."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core import policy
from core.access import Role, can_edit_person, ensure_can_edit_township
from core.concurrency import bump_version
from core.text import join_words
from elections import eligibility
from people.models import Person
from people.services import (
    check_identity,
    ensure_can_use_found_person,
    person_create,
    person_update,
)
from registry.models import Term, Village

from ..choices import QUALITIES, Outcome, Stage
from ..models import Candidacy, Decision
from .workflow import _lock, _record

EDIT_CLOSED = _lazy(
    "资格联审已开始，提名不能直接修改。如需更正，请由县委组织部在当前阶段作出“退回”决定，"
    "退回到预审后再修改"
)


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
        if not policy.is_admin(actor):
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
    _ensure_eligible(candidacy)
    candidacy.save()
    return candidacy


def _ensure_eligible(candidacy: Candidacy) -> None:
    """At least 18 on the term's election (reference) date; a full party member for the
    party committee (elections.eligibility, the one home of the rule)."""
    problems = eligibility.person_problems(
        candidacy.person, body=candidacy.body, on=eligibility.election_day(candidacy.term)
    )
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            errors.setdefault(field, []).append(message)
        raise ValidationError(errors)


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
        return _record_missing_status(person, fields.get("political_status"), actor)
    fields = {key: value for key, value in fields.items() if value not in (None, "")}
    return person_create(
        id_number=parsed.number,
        name=name.strip(),
        county=village.township.county,
        village=village,
        actor=actor,
        **fields,
    )


def _record_missing_status(person: Person, status: str | None, actor) -> Person:
    """A known person whose political status was never recorded gets the one the
    nomination gives (with history), so that the eligibility rule can be met; a recorded
    status is never overwritten here (the person page changes it)."""
    if person.political_status or not status or not can_edit_person(actor, person):
        return person
    return person_update(person=person, actor=actor, political_status=status)


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
    body: str | None = None,
    post: str | None = None,
) -> Candidacy:
    """Correct a nomination — the post (`body` and `post`), the source, the five-quality
    assessment and its notes, the audit recommendation — until the joint review starts
    (rule `candidacy.edit`); later only through a return decision to 预审. Each change is
    a history row (who, when, from where, what)."""
    locked = _lock(candidacy, expected_version)
    ensure_can_edit_township(actor, locked.village.township)
    if locked.is_ended:
        raise ValidationError(_("该人选已办结，不能修改"))
    if not policy.can(actor, "candidacy.edit", locked):
        raise ValidationError(EDIT_CLOSED)
    if body is not None:
        locked.body = body
    if post is not None:
        locked.post = post
    if source is not None:
        locked.source = source
    if audit_recommendation is not None:
        locked.audit_recommendation = audit_recommendation
    for key, value in _ratings(assessment).items():
        setattr(locked, key, value)
    bump_version(locked)
    locked.full_clean()
    _ensure_eligible(locked)
    locked.save()
    return locked


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
