"""The one state machine that moves a candidacy.

The transition table below is the only place that says which step may follow which, and
`candidacy_decide` is the only function that decides at a stage: under `select_for_update`,
after checking the version the decider saw, the decider's right (the policy rule
"candidacy.decide", candidates/policies.py) and the joint-review gate.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import policy
from core.concurrency import VersionConflict, bump_version, check_version
from core.text import join_sentences

from ..choices import ENDED_STAGES, MEETING_STAGES, STAGE_PATH, Outcome, Stage
from ..models import Candidacy, Decision, NegativeListItem
from ..selectors import joint_review_blockers


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


def _ensure_can_decide(actor, candidacy) -> None:
    if not policy.can(actor, "candidacy.decide", candidacy):
        raise PermissionDenied(
            _("您无权在“%(stage)s”阶段作出决定") % {"stage": Stage(candidacy.stage).label}
        )


def _check_items(candidacy, items) -> list[NegativeListItem]:
    items = list(items or [])
    county_id = candidacy.village.township.county_id
    for item in items:
        if item.county_id != county_id:
            raise ValidationError({"negative_items": _("只能选择本县负面清单的条目")})
    return items


def _decision_target(locked: Candidacy, outcome: str) -> str:
    """The stage a decision of `outcome` leads to from the candidacy's stage; refused for
    an outcome a decider cannot choose, an ended candidacy, or a step not in the table."""
    if outcome not in (Outcome.PASS, Outcome.REJECT, Outcome.RETURN):
        raise ValidationError({"outcome": _("未知的审查结果")})
    if locked.stage in ENDED_STAGES:
        raise ValidationError(
            _("该人选已“%(stage)s”，不能再作决定") % {"stage": locked.get_stage_display()}
        )
    to_stage = TRANSITIONS.get((locked.stage, outcome))
    if to_stage is None:
        raise ValidationError(
            {
                "outcome": _("“%(stage)s”阶段不能“%(outcome)s”")
                % {"stage": locked.get_stage_display(), "outcome": Outcome(outcome).label}
            }
        )
    return to_stage


def _check_decision_inputs(
    stage: str, outcome: str, *, items, reason: str, meeting_date, minute_number: str
) -> None:
    """What a decision must carry: a reject its negative-list items or a reason, a return
    its note, a pass no item; a meeting stage its date and minute number. Every missing
    field is reported at once."""
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
    to_stage = _decision_target(locked, outcome)
    _ensure_can_decide(actor, locked)
    items = _check_items(locked, negative_items)
    reason = (reason or "").strip()
    minute_number = (minute_number or "").strip()
    _check_decision_inputs(
        stage,
        outcome,
        items=items,
        reason=reason,
        meeting_date=meeting_date,
        minute_number=minute_number,
    )
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
