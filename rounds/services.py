"""Every write of the round's command centre: keyword-only, atomic, `full_clean()` first, a
required actor, and the access rule asked of core.policy (rounds/policies.py)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core import policy
from core.concurrency import bump_version, check_version
from core.roles import Role
from registry.models import Village

from . import coverage
from .choices import (
    DEFAULT_RISK_REASONS,
    DEFAULT_STEPS,
    PROBLEM_TRANSITIONS,
    ProblemKind,
    ProblemState,
)
from .models import (
    AttachedUnit,
    KeyPerson,
    Liaison,
    Problem,
    ReportRead,
    RiskReason,
    Round,
    RoundStep,
    Screening,
    StepRecord,
    StepWindow,
    Talk,
    VillageTeam,
    VisitLog,
)

# --- reference data and the plan ---------------------------------------------------------


def risk_reasons_ensure(*, county) -> list[RiskReason]:
    """The county's risk reasons, created from the defaults if it has none."""
    reasons = list(RiskReason.objects.filter(county=county).order_by("number"))
    if reasons:
        return reasons
    reasons = [
        RiskReason(county=county, number=number, text=text)
        for number, text in enumerate(DEFAULT_RISK_REASONS, start=1)
    ]
    return bulk_create_with_history(reasons, RiskReason)


@policy.requires_actor
@transaction.atomic
def risk_reason_save(*, county, text: str, active: bool = True, reason=None, actor) -> RiskReason:
    """Add a reason to the county's list, or rename / retire one."""
    policy.ensure_can_manage_county(actor, county.pk)
    if reason is None:
        last = RiskReason.objects.filter(county=county).order_by("-number").first()
        reason = RiskReason(county=county, number=(last.number + 1) if last else 1)
    reason.text, reason.active = text.strip(), active
    reason.full_clean()
    reason.save()
    return reason


@policy.requires_actor
@transaction.atomic
def round_create(*, county, term, starts_on: dt.date, ends_on: dt.date, actor) -> Round:
    """A county's round of a term, with the default plan (choices.DEFAULT_STEPS) laid out
    from its first day."""
    policy.ensure_can_manage_county(actor, county.pk)
    round_ = Round(county=county, term=term, starts_on=starts_on, ends_on=ends_on)
    round_.full_clean()
    round_.save()
    steps = [
        RoundStep(
            round=round_,
            code=code,
            label=str(label),
            source=source,
            order=order,
            starts_on=starts_on + dt.timedelta(days=first),
            ends_on=starts_on + dt.timedelta(days=last),
        )
        for order, (code, label, source, first, last) in enumerate(DEFAULT_STEPS, start=1)
    ]
    for step in steps:
        step.full_clean(exclude=["round"], validate_constraints=False)
    bulk_create_with_history(steps, RoundStep)
    return round_


def _ensure_not_started(round_) -> None:
    if round_.has_started:
        raise ValidationError(_("换届工作已经开始，步骤不能再增删或改名；各村时间可单独调整"))


@policy.requires_actor
@transaction.atomic
def round_step_save(*, round_, actor, step: RoundStep | None = None, **fields) -> RoundStep:
    """Add a step to the plan or change one (label, window, order) — before the round
    starts; afterwards only the planned window may move."""
    policy.ensure(actor, "round.plan", round_)
    if step is None:
        _ensure_not_started(round_)
        last = round_.steps.order_by("-order").first()
        step = RoundStep(round=round_, order=(last.order + 1) if last else 1)
    elif round_.has_started and set(fields) - {"starts_on", "ends_on"}:
        _ensure_not_started(round_)
    for name, value in fields.items():
        setattr(step, name, value)
    step.full_clean()
    step.save()
    return step


@policy.requires_actor
@transaction.atomic
def round_step_delete(*, step: RoundStep, actor) -> None:
    """Drop a step from the plan, before the round starts."""
    policy.ensure(actor, "round.plan", step.round)
    _ensure_not_started(step.round)
    step.delete()


# --- a village's steps -------------------------------------------------------------------


@policy.requires_actor
@transaction.atomic
def step_window_set(
    *,
    step: RoundStep,
    village,
    starts_on=None,
    ends_on=None,
    not_applicable: bool = False,
    note: str = "",
    actor,
) -> StepWindow:
    """The village's own window for the step (一村一策), or the step marked not applicable."""
    policy.ensure(actor, "village.round_record", village)
    window = StepWindow.objects.filter(step=step, village=village).first() or StepWindow(
        step=step, village=village
    )
    window.starts_on, window.ends_on = starts_on, ends_on
    window.not_applicable, window.note = not_applicable, note
    window.full_clean()
    window.save()
    return window


@policy.requires_actor
@transaction.atomic
def step_record_create(
    *, step: RoundStep, village, done_on: dt.date, done_by: str, note="", attachment=None, actor
) -> StepRecord:
    """Record by hand that the village finished a step the portal holds no data for."""
    policy.ensure(actor, "village.round_record", village)
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("完成日期不能晚于今天")})
    record = StepRecord(
        step=step,
        village=village,
        done_on=done_on,
        done_by=done_by,
        note=note,
        recorded_by=policy.history_user(actor),
    )
    if attachment:
        record.attachment = attachment
    record.full_clean()
    record.save()
    return record


# --- risk screening and visits -----------------------------------------------------------


@policy.requires_actor
@transaction.atomic
def screening_save(
    *,
    round_,
    village,
    screened_on: dt.date,
    reasons=(),
    note: str = "",
    emergency_plan: str = "",
    emergency_plan_file=None,
    expected_version: int | None = None,
    actor,
) -> Screening:
    """The village's risk screening of the round (one per village; saving again updates,
    refused when another user saved it since `expected_version` was read)."""
    policy.ensure(actor, "village.round_record", village)
    reasons = list(reasons)
    if any(reason.county_id != round_.county_id for reason in reasons):
        raise ValidationError({"reasons": _("只能选择本县的风险因素")})
    screening = Screening.objects.select_for_update().filter(
        round=round_, village=village
    ).first() or Screening(round=round_, village=village)
    if screening.pk:
        bump_version(screening, expected_version)
    screening.screened_on, screening.note = screened_on, note
    screening.emergency_plan = emergency_plan
    if emergency_plan_file:
        screening.emergency_plan_file = emergency_plan_file
    screening.full_clean()
    screening.save()
    screening.reasons.set(reasons)
    return screening


VISIT_COUNTS = ("households", "people", "forums", "analysis_meetings")


@policy.requires_actor
@transaction.atomic
def visit_create(
    *, village, visited_on: dt.date, visitors: str, note: str = "", actor, **counts
) -> VisitLog:
    """A visit log: who went, when, households and people met, forums and meetings held."""
    policy.ensure(actor, "village.round_record", village)
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("走访日期不能晚于今天")})
    visit = VisitLog(
        village=village,
        visited_on=visited_on,
        visitors=visitors,
        note=note,
        recorded_by=policy.history_user(actor),
        **{name: counts.get(name) or 0 for name in VISIT_COUNTS},
    )
    visit.full_clean()
    visit.save()
    return visit


# --- liaison and the "四个一" -------------------------------------------------------------


@policy.requires_actor
@transaction.atomic
def liaison_add(*, round_, leader, village, actor) -> Liaison:
    """Make `leader` the liaison of `village`; refused above the county's limit."""
    policy.ensure(actor, "round.plan", round_)
    if leader.role != Role.LIAISON_LEADER or leader.county_id != round_.county_id:
        raise ValidationError({"leader": _("包联领导应为本县的县级包联领导账号")})
    if village.township.county_id != round_.county_id:
        raise ValidationError({"village": _("只能包联本县的村(社区)")})
    # Serialise the leader's additions so two at once cannot both pass the limit.
    type(leader).objects.select_for_update().filter(pk=leader.pk).first()
    count = Liaison.objects.filter(round=round_, leader=leader).count()
    if count >= round_.liaison_limit:
        raise ValidationError(
            {
                "village": _(
                    "%(leader)s 已包联 %(count)s 个村，达到本县每位县级领导 %(limit)s 个村的上限"
                )
                % {
                    "leader": leader.full_name or leader.username,
                    "count": count,
                    "limit": round_.liaison_limit,
                }
            }
        )
    liaison = Liaison(round=round_, leader=leader, village=village)
    liaison.full_clean()
    liaison.save()
    return liaison


@policy.requires_actor
@transaction.atomic
def liaison_remove(*, liaison: Liaison, actor) -> None:
    policy.ensure(actor, "round.plan", liaison.round)
    liaison.delete()


@policy.requires_actor
@transaction.atomic
def unit_save(
    *,
    round_,
    name: str,
    villages=(),
    unit: AttachedUnit | None = None,
    expected_version: int | None = None,
    actor,
):
    """An attached unit (包村单位) and its villages."""
    policy.ensure(actor, "round.plan", round_)
    if unit is not None and unit.pk:
        unit = AttachedUnit.objects.select_for_update().get(pk=unit.pk)
        bump_version(unit, expected_version)
    unit = unit or AttachedUnit(round=round_)
    unit.name = name.strip()
    unit.full_clean()
    unit.save()
    villages = list(villages)
    if any(v.township.county_id != round_.county_id for v in villages):
        raise ValidationError({"villages": _("只能包联本县的村(社区)")})
    unit.villages.set(villages)
    return unit


@policy.requires_actor
@transaction.atomic
def unit_delete(*, unit: AttachedUnit, expected_version: int | None = None, actor) -> None:
    """Drop an attached unit (its villages lose it from their "四个一")."""
    policy.ensure(actor, "round.plan", unit.round)
    unit = AttachedUnit.objects.select_for_update().get(pk=unit.pk)
    check_version(unit, expected_version)
    unit.delete()


@policy.requires_actor
@transaction.atomic
def team_set(
    *,
    round_,
    village,
    township_cadre: str = "",
    work_group: str = "",
    expected_version: int | None = None,
    actor,
):
    """The village's township cadre and work group (two of its "四个一")."""
    policy.ensure(actor, "village.round_record", village)
    team = VillageTeam.objects.select_for_update().filter(
        round=round_, village=village
    ).first() or VillageTeam(round=round_, village=village)
    if team.pk:
        bump_version(team, expected_version)
    team.township_cadre, team.work_group = township_cadre.strip(), work_group.strip()
    team.full_clean()
    team.save()
    return team


# --- the problem ledger ------------------------------------------------------------------


@policy.requires_actor
@transaction.atomic
def problem_create(*, village, actor, **fields) -> Problem:
    """A new row of the ledger (a problem, or a 开门办事 need); assigned at once when it
    names an owner."""
    policy.ensure(actor, "problem.report", village)
    problem = Problem(village=village, created_by=policy.history_user(actor), **fields)
    problem.reported_on = problem.reported_on or timezone.localdate()
    _check_owner(problem, problem.owner_person, actor)
    if problem.owner or problem.owner_person_id:
        problem.state = ProblemState.ASSIGNED
    problem.full_clean()
    problem.save()
    return problem


def _check_owner(problem: Problem, person, actor) -> None:
    """The owner of a 开门办事 need is a sitting member of its village's team (领账), whom the
    caller may see; a 换届问题 names its owner in free text. Clears the other kind's owner."""
    if problem.kind != ProblemKind.NEED:
        if person is not None:
            raise ValidationError(
                {"owner_person": _("领账成员只用于开门办事；换届问题请填写责任人/单位")}
            )
        return
    if person is None:
        raise ValidationError(
            {"owner_person": _("开门办事事项须由本村现任班子的一名成员领账，请选择领账成员")}
        )
    village = problem.village
    if not policy.is_system(actor):
        from .selectors import visible_villages_for

        if (
            not coverage.sitting_seats(visible_villages_for(actor))
            .filter(person_id=person.pk)
            .exists()
        ):
            raise ValidationError({"owner_person": _("该人员不在您的管辖范围内")})
    if not coverage.is_sitting_in(person, village):
        raise ValidationError(
            {
                "owner_person": _("%(name)s 不是%(village)s现任班子成员，不能领账")
                % {"name": person.name, "village": village.name}
            }
        )
    problem.owner_person, problem.owner = person, ""


def _check_move(problem: Problem, action: str, fields: dict) -> None:
    allowed_from, _target = PROBLEM_TRANSITIONS[action]
    if problem.state not in allowed_from:
        raise ValidationError(
            _("当前状态为“%(state)s”，不能执行此操作") % {"state": problem.get_state_display()}
        )
    if (
        action == "assign"
        and problem.kind != ProblemKind.NEED
        and not (fields.get("owner") or "").strip()
    ):
        raise ValidationError({"owner": _("请填写责任人或责任单位")})
    if action == "resolve" and not (fields.get("resolution") or "").strip():
        raise ValidationError({"resolution": _("销号须说明整改情况")})
    if action == "reopen" and not (fields.get("verification_note") or "").strip():
        raise ValidationError({"verification_note": _("重新打开须说明理由")})


@policy.requires_actor
@transaction.atomic
def problem_move(
    *, problem: Problem, action: str, actor, expected_version: int | None = None, **fields
) -> Problem:
    """One move of the ledger's state machine (choices.PROBLEM_TRANSITIONS): assign (owner,
    deadline), resolve (how, evidence), verify, reopen (why). A stale `expected_version`
    (another user moved it first) is refused (core.concurrency)."""
    if action not in PROBLEM_TRANSITIONS:
        raise ValidationError(_("未知的操作"))
    problem = (
        Problem.objects.select_for_update().select_related("village__township").get(pk=problem.pk)
    )
    rule = "problem.verify" if action in ("verify", "reopen") else "problem.report"
    policy.ensure(actor, rule, problem if rule == "problem.verify" else problem.village)
    check_version(problem, expected_version)
    _check_move(problem, action, fields)
    today = timezone.localdate()
    if action == "assign":
        if problem.kind == ProblemKind.NEED:
            _check_owner(problem, fields.get("owner_person") or problem.owner_person, actor)
        else:
            _check_owner(problem, fields.get("owner_person"), actor)
            problem.owner = fields.get("owner") or problem.owner
        problem.deadline = fields.get("deadline") or problem.deadline
    elif action == "resolve":
        problem.resolution = fields["resolution"].strip()
        problem.resolved_on = fields.get("resolved_on") or today
        if fields.get("evidence"):
            problem.evidence = fields["evidence"]
    elif action == "verify":
        problem.verified_on = today
        problem.verification_note = (fields.get("verification_note") or "").strip()
    else:  # reopen
        problem.verification_note = fields["verification_note"].strip()
        problem.resolved_on = problem.verified_on = None
        problem.deadline = fields.get("deadline") or problem.deadline
    problem.state = PROBLEM_TRANSITIONS[action][1]
    bump_version(problem)
    problem.full_clean()
    problem.save()
    return problem


# --- talks and reports -------------------------------------------------------------------


@policy.requires_actor
@transaction.atomic
def talk_create(*, village, person, kind, held_on, talker, note="", actor) -> Talk:
    policy.ensure(actor, "village.round_record", village)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("谈话日期不能晚于今天")})
    talk = Talk(
        village=village, person=person, kind=kind, held_on=held_on, talker=talker, note=note
    )
    talk.full_clean()
    talk.save()
    return talk


TALK_FIELDS = ("kind", "held_on", "talker", "note")


@policy.requires_actor
@transaction.atomic
def talk_update(*, talk: Talk, actor, expected_version: int | None = None, **fields) -> Talk:
    """Correct a talk's kind, date, talker or notes (not whom it was with: record another)."""
    talk = Talk.objects.select_for_update().select_related("village__township").get(pk=talk.pk)
    policy.ensure(actor, "village.round_record", talk.village)
    bump_version(talk, expected_version)
    unknown = set(fields) - set(TALK_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改：%(fields)s") % {"fields": "、".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(talk, name, value)
    if talk.held_on > timezone.localdate():
        raise ValidationError({"held_on": _("谈话日期不能晚于今天")})
    talk.full_clean()
    talk.save()
    return talk


@policy.requires_actor
@transaction.atomic
def talk_delete(*, talk: Talk, actor, expected_version: int | None = None) -> None:
    talk = Talk.objects.select_for_update().select_related("village__township").get(pk=talk.pk)
    policy.ensure(actor, "village.round_record", talk.village)
    check_version(talk, expected_version)
    talk.delete()


# --- key persons (重点人员) --------------------------------------------------------------


def _key_person_village(round_, person, village):
    """The village a key person is flagged in: the one named, which must be where they sit,
    stand as an approved-or-not candidate of the term, or are registered; else the first of
    those — within the round's county."""
    from candidates.models import Candidacy

    county_villages = Village.objects.filter(township__county_id=round_.county_id)
    places = [
        *coverage.sitting_seats(county_villages)
        .filter(person_id=person.pk)
        .values_list("village_id", flat=True),
        *Candidacy.objects.filter(person_id=person.pk, term=round_.term).values_list(
            "village_id", flat=True
        ),
    ]
    if person.village_id:
        places.append(person.village_id)
    if village is None and places:
        village = county_villages.select_related("township").filter(pk=places[0]).first()
    if village is None or village.township.county_id != round_.county_id:
        raise ValidationError({"village": _("请选择该人员所在的本县村(社区)")})
    if village.pk not in places:
        raise ValidationError(
            {
                "village": _("%(name)s 不是%(village)s的人员（未在该村任职、参选或登记）")
                % {"name": person.name, "village": village.name}
            }
        )
    return village


@policy.requires_actor
@transaction.atomic
def key_person_save(
    *,
    round_,
    person,
    reason: str,
    village=None,
    key_person: KeyPerson | None = None,
    expected_version: int | None = None,
    actor,
) -> KeyPerson:
    """Flag `person` as a key person (重点人员) of a village in the round, with the reason,
    or change the reason of a flag; they are then to be given a warning talk."""
    if key_person is not None:
        key_person = (
            KeyPerson.objects.select_for_update()
            .select_related("village__township")
            .get(pk=key_person.pk)
        )
        policy.ensure(actor, "village.round_record", key_person.village)
        bump_version(key_person, expected_version)
    else:
        village = _key_person_village(round_, person, village)
        policy.ensure(actor, "village.round_record", village)
        key_person = KeyPerson(
            round=round_, village=village, person=person, flagged_by=policy.history_user(actor)
        )
    key_person.reason = (reason or "").strip()
    key_person.full_clean()
    key_person.save()
    return key_person


@policy.requires_actor
@transaction.atomic
def key_person_delete(*, key_person: KeyPerson, actor, expected_version: int | None = None) -> None:
    """Take the flag off (the talks held stay)."""
    key_person = (
        KeyPerson.objects.select_for_update()
        .select_related("village__township")
        .get(pk=key_person.pk)
    )
    policy.ensure(actor, "village.round_record", key_person.village)
    check_version(key_person, expected_version)
    key_person.delete()


def report_opened(*, report, user) -> None:
    """Record that `user` opened `report` (first and last time, how often)."""
    if policy.is_system(user) or not policy.is_active_user(user):
        return
    now = timezone.now()
    read, created = ReportRead.objects.get_or_create(report=report, user=user)
    if not created:
        ReportRead.objects.filter(pk=read.pk).update(last_opened_at=now, times=read.times + 1)


@policy.requires_actor
@transaction.atomic
def round_update(*, round_, actor, **fields) -> Round:
    """Change the round's dates or the county's liaison limit (not below what a leader
    already has)."""
    policy.ensure(actor, "round.plan", round_)
    for name, value in fields.items():
        setattr(round_, name, value)
    if "liaison_limit" in fields:
        busiest = (
            Liaison.objects.filter(round=round_)
            .values("leader")
            .annotate(n=models.Count("pk"))
            .order_by("-n")
            .values_list("n", flat=True)
            .first()
        )
        if busiest and busiest > round_.liaison_limit:
            raise ValidationError(
                {"liaison_limit": _("已有领导包联 %(n)s 个村，上限不能低于此数") % {"n": busiest}}
            )
    round_.full_clean()
    round_.save()
    return round_
