"""Every write to training: sessions, invitations, attendance, mentoring.

Rules live here once, whichever door (page, upload, API, demo) the data comes in by:
capacity, attendance only for invited people, no double check-in, mentors from the pool.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core import policy
from core.access import ensure_can_edit_township
from core.text import join_words
from elections.choices import Body
from elections.models import Seat
from people.models import Person

from .choices import (
    SESSION_TRANSITIONS,
    EnrolmentStatus,
    MentorLevel,
    MentorshipStatus,
    SessionStatus,
    Topic,
)
from .models import (
    CheckIn,
    Enrolment,
    Feedback,
    MentorPoolEntry,
    Mentorship,
    Presentation,
    SessionTopic,
    TrainingSession,
)

# Who counts as a member of "the two committees" (the audience when no body is named).
TWO_COMMITTEES = (Body.PARTY_COMMITTEE, Body.VILLAGERS_COMMITTEE)


# --- permissions ---------------------------------------------------------------------------


def can_manage_county(user, county_id) -> bool:
    return policy.can_manage_county(user, county_id)


def ensure_can_edit_scope(actor, *, county_id, township=None) -> None:
    """Township rows: ensure_can_edit_township; county rows: county organizers only."""
    if township is not None:
        ensure_can_edit_township(actor, township)
    elif not can_manage_county(actor, county_id):
        raise PermissionDenied(_("县级数据只能由县委组织部修改"))


def can_edit_session(user, session) -> bool:
    try:
        ensure_can_edit_scope(user, county_id=session.county_id, township=session.township)
    except PermissionDenied:
        return False
    return True


def _user(actor):
    return policy.history_user(actor)


def _save(obj, actor) -> None:
    """full_clean and save, recording `actor` as the history user outside a request too."""
    obj.full_clean()
    if _user(actor) is not None:
        obj._history_user = actor
    obj.save()


# --- sessions ------------------------------------------------------------------------------

SESSION_FIELDS = (
    "title",
    "kind",
    "starts_on",
    "ends_on",
    "location",
    "topic_note",
    "methods",
    "trainers",
    "capacity",
    "credit_hours",
    "audience_term",
    "audience_bodies",
    "audience_posts",
    "audience_township",
)


def _set_topics(session, topics) -> None:
    wanted = {Topic(t) for t in topics or ()}
    if session.topic_note:
        wanted.add(Topic.OTHER)
    session.topics.exclude(topic__in=wanted).delete()
    have = set(session.topics.values_list("topic", flat=True))
    SessionTopic.objects.bulk_create(
        [SessionTopic(session=session, topic=t) for t in sorted(wanted - have)]
    )


@policy.requires_actor
@transaction.atomic
def session_create(
    *, actor, county, township=None, topics=(), audience_villages=(), **fields
) -> TrainingSession:
    """Plan a session, organized by the county (township=None) or by one township."""
    ensure_can_edit_scope(actor, county_id=county.pk, township=township)
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"unknown session fields: {sorted(unknown)}")
    session = TrainingSession(county=county, township=township, created_by=_user(actor))
    for name, value in fields.items():
        setattr(session, name, value)
    session.methods = list(session.methods or [])
    session.audience_bodies = list(session.audience_bodies or [])
    session.audience_posts = list(session.audience_posts or [])
    _save(session, actor)
    _set_topics(session, topics)
    _set_villages(session, audience_villages)
    return session


def _set_villages(session, villages) -> None:
    villages = list(villages or ())
    township_id = session.township_id or session.audience_township_id
    for village in villages:
        if village.township.county_id != session.county_id or (
            township_id and village.township_id != township_id
        ):
            raise ValidationError(
                {"audience_villages": _("%(v)s 不在本次培训的范围内") % {"v": village}}
            )
    session.audience_villages.set(villages)


@policy.requires_actor
@transaction.atomic
def session_update(
    *, session, actor, topics=None, audience_villages=None, **fields
) -> TrainingSession:
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    ensure_can_edit_scope(actor, county_id=session.county_id, township=session.township)
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"unknown session fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(session, name, value)
    _save(session, actor)
    if topics is not None or "topic_note" in fields:
        _set_topics(
            session,
            topics if topics is not None else session.topics.values_list("topic", flat=True),
        )
    if audience_villages is not None:
        _set_villages(session, audience_villages)
    return session


@policy.requires_actor
@transaction.atomic
def session_set_status(*, session, status, actor) -> TrainingSession:
    """Move a session along planned → open → done, or cancel it (table SESSION_TRANSITIONS)."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    ensure_can_edit_scope(actor, county_id=session.county_id, township=session.township)
    if status == session.status:
        return session
    if status not in SESSION_TRANSITIONS[SessionStatus(session.status)]:
        raise ValidationError(
            _("培训状态不能从“%(old)s”改为“%(new)s”")
            % {"old": session.get_status_display(), "new": SessionStatus(status).label}
        )
    session.status = status
    _save(session, actor)
    return session


# --- invitations ---------------------------------------------------------------------------


@dataclass
class InviteResult:
    invited: int
    already: int
    audience: int


def audience_seats(session):
    """The current seats of the session's audience: term, bodies, posts, township, villages."""
    if not session.audience_term_id:
        raise ValidationError({"audience_term": _("请先设定培训对象的届次")})
    seats = (
        Seat.objects.current()
        .in_term(session.audience_term)
        .filter(
            body__in=session.audience_bodies or TWO_COMMITTEES,
            village__township__county=session.county_id,
        )
    )
    if session.audience_posts:
        seats = seats.filter(post__in=session.audience_posts)
    township_id = session.township_id or session.audience_township_id
    if township_id:
        seats = seats.filter(village__township=township_id)
    village_ids = list(session.audience_villages.values_list("pk", flat=True))
    if village_ids:
        seats = seats.filter(village__in=village_ids)
    return seats


def _invite(session, person_ids: set[int], actor) -> InviteResult:
    """Lock the session, enforce capacity and create the missing enrolments in bulk."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    ensure_can_edit_scope(actor, county_id=session.county_id, township=session.township)
    if session.status in (SessionStatus.DONE, SessionStatus.CANCELLED):
        raise ValidationError(
            _("培训状态为“%(status)s”，不能再邀请") % {"status": session.get_status_display()}
        )
    existing = set(session.enrolments.values_list("person_id", flat=True))
    new_ids = sorted(person_ids - existing)
    if session.capacity is not None and len(existing) + len(new_ids) > session.capacity:
        raise ValidationError(
            _(
                "名额不足：本次培训名额 %(cap)s 人，已邀请 %(have)s 人，本次要新增 %(new)s 人，"
                "超出 %(over)s 人。请调整培训对象或增加名额。"
            )
            % {
                "cap": session.capacity,
                "have": len(existing),
                "new": len(new_ids),
                "over": len(existing) + len(new_ids) - session.capacity,
            }
        )
    now = timezone.now()
    user = _user(actor)
    rows = [
        Enrolment(session=session, person_id=pk, invited_at=now, invited_by=user) for pk in new_ids
    ]
    if rows:
        bulk_create_with_history(rows, Enrolment, default_user=user, default_date=now)
    return InviteResult(
        invited=len(rows), already=len(person_ids & existing), audience=len(person_ids)
    )


@policy.requires_actor
@transaction.atomic
def session_invite_audience(*, session, actor) -> InviteResult:
    """Invite everyone the audience names, in one step (people already invited are kept)."""
    person_ids = set(audience_seats(session).values_list("person_id", flat=True).distinct())
    return _invite(session, person_ids, actor)


@policy.requires_actor
@transaction.atomic
def enrolments_invite(*, session, persons, actor) -> InviteResult:
    """Invite named people (e.g. mentors or staff who hold no seat)."""
    person_ids = {p.pk for p in persons}
    if not policy.is_system(actor):
        visible = set(
            Person.objects.for_user(actor).filter(pk__in=person_ids).values_list("pk", flat=True)
        )
        if visible != person_ids:
            raise PermissionDenied(_("只能邀请您有权查看的人员"))
    return _invite(session, person_ids, actor)


# --- attendance ----------------------------------------------------------------------------


def _locked_enrolment(enrolment, actor) -> Enrolment:
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("session__township", "person")
        .get(pk=enrolment.pk)
    )
    session = enrolment.session
    ensure_can_edit_scope(actor, county_id=session.county_id, township=session.township)
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("培训已取消，不能登记出勤"))
    return enrolment


def enrolment_for(*, session, person) -> Enrolment:
    """The person's invitation to the session; attendance exists only for invited people."""
    enrolment = Enrolment.objects.filter(session=session, person=person).first()
    if enrolment is None:
        raise ValidationError(
            _("%(name)s 未被邀请参加本次培训，不能登记出勤") % {"name": person.name}
        )
    return enrolment


@policy.requires_actor
@transaction.atomic
def enrolment_check_in(
    *, enrolment, actor, at: dt.datetime | None = None, hours: Decimal | None = None
) -> Enrolment:
    """Record that the person came; a second check-in is refused."""
    enrolment = _locked_enrolment(enrolment, actor)
    if enrolment.status == EnrolmentStatus.ATTENDED:
        when = timezone.localtime(enrolment.checked_in_at)
        raise ValidationError(
            _("%(name)s 已于 %(when)s 签到，不能重复签到")
            % {"name": enrolment.person.name, "when": f"{when:%Y-%m-%d %H:%M}"}
        )
    enrolment.status = EnrolmentStatus.ATTENDED
    enrolment.checked_in_at = at or timezone.now()
    enrolment.absence_reason = ""
    enrolment.hours_credited = enrolment.session.credit_hours if hours is None else hours
    enrolment.recorded_by = _user(actor)
    _save(enrolment, actor)
    return enrolment


@policy.requires_actor
@transaction.atomic
def enrolment_mark_absent(*, enrolment, reason: str, actor) -> Enrolment:
    """Record an absence with its reason (a person already checked in cannot be absent)."""
    enrolment = _locked_enrolment(enrolment, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"absence_reason": _("请填写缺席原因")})
    if enrolment.status == EnrolmentStatus.ATTENDED:
        raise ValidationError(
            _("%(name)s 已签到，不能记为缺席；如属误签请先撤销签到")
            % {"name": enrolment.person.name}
        )
    enrolment.status = EnrolmentStatus.ABSENT
    enrolment.absence_reason = reason
    enrolment.checked_in_at = None
    enrolment.hours_credited = 0
    enrolment.recorded_by = _user(actor)
    _save(enrolment, actor)
    return enrolment


@policy.requires_actor
@transaction.atomic
def enrolment_undo(*, enrolment, actor) -> Enrolment:
    """Put an enrolment back to "invited" (a wrong tap in the roll call); history keeps both."""
    enrolment = _locked_enrolment(enrolment, actor)
    enrolment.status = EnrolmentStatus.INVITED
    enrolment.checked_in_at = None
    enrolment.absence_reason = ""
    enrolment.hours_credited = 0
    enrolment.recorded_by = _user(actor)
    _save(enrolment, actor)
    return enrolment


# --- presentations and feedback ------------------------------------------------------------


@policy.requires_actor
@transaction.atomic
def presentation_create(*, session, speaker, topic, minutes, actor) -> Presentation:
    ensure_can_edit_scope(actor, county_id=session.county_id, township=session.township)
    presentation = Presentation(session=session, speaker=speaker, topic=topic, minutes=minutes)
    _save(presentation, actor)
    return presentation


@policy.requires_actor
@transaction.atomic
def feedback_create(*, session, rating, comment="", person=None, actor) -> Feedback:
    ensure_can_edit_scope(actor, county_id=session.county_id, township=session.township)
    if (
        person is not None
        and not session.enrolments.filter(person=person, status=EnrolmentStatus.ATTENDED).exists()
    ):
        raise ValidationError({"person": _("只有签到的学员才能署名反馈")})
    feedback = Feedback(session=session, rating=rating, comment=comment, person=person)
    _save(feedback, actor)
    return feedback


# --- mentoring -----------------------------------------------------------------------------


@policy.requires_actor
@transaction.atomic
def mentor_add(*, person, level, strengths="", actor) -> MentorPoolEntry:
    """Put a person in the mentor pool; township and village mentors belong to a township."""
    township = None
    if level != MentorLevel.COUNTY:
        if person.village_id is None:
            raise ValidationError(
                {"level": _("%(name)s 没有所在村(社区)，只能作为县级导师") % {"name": person.name}}
            )
        township = person.village.township
    ensure_can_edit_scope(actor, county_id=person.county_id, township=township)
    entry = MentorPoolEntry.objects.filter(person=person).first()
    if entry is not None and entry.is_active:
        raise ValidationError({"person": _("%(name)s 已在导师库中") % {"name": person.name}})
    entry = entry or MentorPoolEntry(person=person)
    entry.county_id = person.county_id
    entry.township = township
    entry.level = level
    entry.strengths = strengths
    entry.is_active = True
    _save(entry, actor)
    return entry


@policy.requires_actor
@transaction.atomic
def mentor_update(*, entry, actor, **fields) -> MentorPoolEntry:
    entry = MentorPoolEntry.objects.select_for_update().get(pk=entry.pk)
    ensure_can_edit_scope(actor, county_id=entry.county_id, township=entry.township)
    for name in ("strengths", "is_active"):
        if name in fields:
            setattr(entry, name, fields[name])
    _save(entry, actor)
    return entry


@policy.requires_actor
@transaction.atomic
def mentorship_create(*, mentors, mentees, started_on, goals, actor) -> Mentorship:
    """Pair mentors from the pool with mentees: one-to-one or one-to-many (or a small team)."""
    mentors, mentees = list(mentors), list(mentees)
    errors = {}
    if not mentors:
        errors["mentors"] = _("请至少选择一名导师")
    elif any(not m.is_active for m in mentors):
        errors["mentors"] = _("导师必须是导师库中的在库成员")
    if not mentees:
        errors["mentees"] = _("请至少选择一名帮带对象")
    mentor_people = {m.person_id for m in mentors}
    selves = [p.name for p in mentees if p.pk in mentor_people]
    if selves:
        errors["mentees"] = _("%(names)s 不能自己帮带自己") % {"names": join_words(selves)}
    if not (goals or "").strip():
        errors["goals"] = _("请填写帮带目标")
    if errors:
        raise ValidationError(errors)
    county_id = mentees[0].county_id
    if any(p.county_id != county_id for p in mentees) or any(
        m.county_id != county_id for m in mentors
    ):
        raise ValidationError(_("导师和帮带对象必须属于同一个县"))
    townships = {p.village.township_id if p.village_id else None for p in mentees}
    township = (
        mentees[0].village.township if len(townships) == 1 and None not in townships else None
    )
    ensure_can_edit_scope(actor, county_id=county_id, township=township)
    mentorship = Mentorship(
        county_id=county_id, township=township, started_on=started_on, goals=goals.strip()
    )
    _save(mentorship, actor)
    mentorship.mentors.set(mentors)
    mentorship.mentees.set(mentees)
    return mentorship


def _locked_mentorship(mentorship, actor) -> Mentorship:
    mentorship = (
        Mentorship.objects.select_for_update(of=("self",))
        .select_related("township")
        .get(pk=mentorship.pk)
    )
    ensure_can_edit_scope(actor, county_id=mentorship.county_id, township=mentorship.township)
    return mentorship


@policy.requires_actor
@transaction.atomic
def mentorship_check_in(*, mentorship, date: dt.date, note: str, actor) -> CheckIn:
    mentorship = _locked_mentorship(mentorship, actor)
    if mentorship.status == MentorshipStatus.ENDED:
        raise ValidationError(_("帮带已结束，不能再添加记录"))
    if date < mentorship.started_on:
        raise ValidationError({"date": _("记录日期不能早于帮带开始日期")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("记录日期不能晚于今天")})
    checkin = CheckIn(
        mentorship=mentorship, date=date, note=(note or "").strip(), recorded_by=_user(actor)
    )
    _save(checkin, actor)
    return checkin


@policy.requires_actor
@transaction.atomic
def mentorship_end(*, mentorship, ended_on: dt.date, outcome: str, outcome_note="", actor):
    """End a pairing with its outcome (达到预期/部分达到/未达到/中止)."""
    mentorship = _locked_mentorship(mentorship, actor)
    if mentorship.status == MentorshipStatus.ENDED:
        raise ValidationError(_("该帮带已结束"))
    if not outcome:
        raise ValidationError({"outcome": _("结束帮带必须填写结果")})
    mentorship.status = MentorshipStatus.ENDED
    mentorship.ended_on = ended_on
    mentorship.outcome = outcome
    mentorship.outcome_note = outcome_note
    _save(mentorship, actor)
    return mentorship
