"""Every write to elections and seats: entering results, the state machine, post holders.

Each service that creates, ends or changes seats sends `seats_changed` inside its
transaction, so that the statistics are recomputed.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    transaction,
)
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core import policy
from core.access import COUNTY_ROLES, ensure_can_edit_township
from core.concurrency import VersionConflict, bump_version, check_version
from people.models import Person
from registry.models import Term, Village

from . import rules, seat_rules
from .choices import BODY_POSTS, Body, ElectionRound, ElectionState, Post, SeatSource
from .models import Election, ElectionCandidate, ElectionTransition, Seat
from .signals import seats_changed

logger = logging.getLogger(__name__)

COUNT_FIELDS = (
    "entitled",
    "present",
    "ballots_issued",
    "ballots_returned",
    "ballots_valid",
    "ballots_invalid",
    "proxy_votes",
)
EDITABLE_FIELDS = (
    "held_on",
    "round",
    "seats_chair",
    "seats_deputy",
    "seats_member",
    *COUNT_FIELDS,
)


class ElectionConflict(VersionConflict):
    """Someone else saved the election since it was read (optimistic locking)."""


@dataclass(frozen=True)
class CandidateInput:
    person: Person
    votes: int
    post: str = ""


# -- reading the rules -------------------------------------------------------------------


def election_data(election: Election, candidates=None) -> rules.ElectionData:
    """The plain data the rules check, from an election and its candidates."""
    if candidates is None:
        candidates = list(election.candidates.select_related("person"))
    return rules.ElectionData(
        body=election.body,
        round=election.round,
        seats=election.seat_count,
        **{name: getattr(election, name) for name in COUNT_FIELDS},
        candidates=tuple(
            rules.CandidateResult(
                key=str(c.person_id),
                name=c.person.name,
                votes=c.votes,
                female=c.person.gender == "F",
                post=c.post,
            )
            for c in candidates
        ),
    )


def election_findings(election: Election, candidates=None) -> list[rules.Finding]:
    if candidates is None:
        candidates = list(election.candidates.select_related("person"))
    findings = rules.check_election(election_data(election, candidates))
    findings += _post_findings(election, candidates)
    if election.body == Body.SUPERVISION_COMMITTEE:
        findings += _supervision_findings(election, candidates)
    return findings


def _supervision_findings(election: Election, candidates) -> list[rules.Finding]:
    """No member of the two committees may sit on the village affairs supervision committee."""
    winners = {c.person_id: c.person.name for c in candidates if c.post}
    if not winners:
        return []
    holders = set(
        Seat.objects.current()
        .filter(
            village_id=election.village_id,
            term_id=election.term_id,
            body__in=[Body.PARTY_COMMITTEE, Body.VILLAGERS_COMMITTEE],
            person_id__in=list(winners),
        )
        .values_list("person_id", flat=True)
    )
    return [
        rules.Finding(
            "supervision_incompatible",
            rules.ERROR,
            _(
                "《村民委员会组织法》第三十二条：村民委员会成员及其近亲属不得担任村务监督机构成员；"
                "%(name)s 现任本村“两委”成员"
            )
            % {"name": winners[person_id]},
            str(person_id),
        )
        for person_id in sorted(holders)
    ]


def _post_findings(election: Election, candidates=None) -> list[rules.Finding]:
    """Posts taken must exist on the body and fit the seats per post."""
    if candidates is None:
        candidates = list(election.candidates.select_related("person"))
    findings = []
    allowed = BODY_POSTS.get(election.body, ())
    limits = {
        Post.SECRETARY: election.seats_chair,
        Post.DIRECTOR: election.seats_chair,
        Post.DEPUTY_SECRETARY: election.seats_deputy,
        Post.DEPUTY_DIRECTOR: election.seats_deputy,
        Post.MEMBER: election.seats_member,
    }
    counts: dict[str, int] = {}
    for candidate in candidates:
        if not candidate.post:
            continue
        message = seat_rules.post_not_on_body(election.body, candidate.post)
        if message:
            findings.append(
                rules.Finding(
                    "post_not_on_body",
                    rules.ERROR,
                    _("%(name)s：%(message)s")
                    % {"name": candidate.person.name, "message": message},
                    str(candidate.person_id),
                )
            )
        counts[candidate.post] = counts.get(candidate.post, 0) + 1
    for post, count in counts.items():
        if post in allowed and count > limits[post]:
            findings.append(
                rules.Finding(
                    "post_above_seats",
                    rules.ERROR,
                    _("“%(post)s”当选 %(count)s 人，超过该职务名额 %(limit)s 名")
                    % {"post": Post(post).label, "count": count, "limit": limits[post]},
                )
            )
    return findings


# -- entering an election ----------------------------------------------------------------


def _lock(election: Election, expected_version: int | None) -> Election:
    locked = (
        Election.objects.select_for_update()
        .select_related("village__township", "term")
        .get(pk=election.pk)
    )
    check_version(
        locked, expected_version, lambda: ElectionConflict(_("该选举已被他人修改，请刷新后重试"))
    )
    return locked


def _ensure_draft(election: Election) -> None:
    if election.state != ElectionState.DRAFT:
        raise ValidationError(
            _("选举结果已%(state)s，不能修改；如需更正请由县委组织部解锁")
            % {"state": election.get_state_display()}
        )


@policy.requires_actor
@transaction.atomic
def election_create(
    *,
    village: Village,
    term: Term,
    body: str,
    held_on: dt.date,
    actor,
    round: str = ElectionRound.FIRST,
    seats_chair: int = 1,
    seats_deputy: int = 0,
    seats_member: int = 2,
    **counts,
) -> Election:
    ensure_can_edit_township(actor, village.township)
    unknown = set(counts) - set(COUNT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    # read from the database: the caller's instance may predate a merger
    merged_on = Village.objects.filter(pk=village.pk).values_list("merged_on", flat=True).first()
    if merged_on and term.starts_on and merged_on < term.starts_on:
        raise ValidationError({"village": _("该村已于届次开始前合并，不能录入本届选举")})
    election = Election(
        village=village,
        term=term,
        body=body,
        round=round,
        held_on=held_on,
        seats_chair=seats_chair,
        seats_deputy=seats_deputy,
        seats_member=seats_member,
        **counts,
    )
    election.full_clean()
    election.save()
    return election


@policy.requires_actor
@transaction.atomic
def election_update(
    *, election: Election, actor, expected_version: int | None = None, **fields
) -> Election:
    """Change the counts or seats of a draft election."""
    locked = _lock(election, expected_version)
    ensure_can_edit_township(actor, locked.village.township)
    _ensure_draft(locked)
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"confirmations"}
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(locked, name, value)
    bump_version(locked)
    locked.full_clean()
    locked.save()
    return locked


@policy.requires_actor
@transaction.atomic
def election_results_set(
    *,
    election: Election,
    candidates: list[CandidateInput],
    actor,
    expected_version: int | None = None,
    confirmations: dict[str, str] | None = None,
    **counts,
) -> Election:
    """Replace the candidates' votes (and optionally the counts) of a draft election."""
    locked = election_update(
        election=election,
        actor=actor,
        expected_version=expected_version,
        **counts,
        **({"confirmations": confirmations} if confirmations is not None else {}),
    )
    seen = set()
    for item in candidates:
        if item.person.pk in seen:
            raise ValidationError(
                {"candidates": _("%(name)s 重复填写") % {"name": item.person.name}}
            )
        seen.add(item.person.pk)
    existing = {c.person_id: c for c in locked.candidates.all()}
    new = []
    for item in candidates:
        candidate = existing.pop(item.person.pk, None)
        unchanged = candidate is not None and (candidate.votes, candidate.post) == (
            item.votes,
            item.post or "",
        )
        if candidate is None:
            candidate = ElectionCandidate(election=locked, person=item.person)
            new.append(candidate)
        candidate.votes, candidate.post = item.votes, item.post or ""
        # duplicates were refused above, so the unique constraint needs no query
        candidate.full_clean(exclude=["election", "person"], validate_constraints=False)
        if candidate.pk and not unchanged:
            candidate.save()
    if new:
        bulk_create_with_history(new, ElectionCandidate)
    for stale in existing.values():
        stale.delete()
    return locked


@policy.requires_actor
@transaction.atomic
def election_confirm(*, election: Election, code: str, note: str, actor) -> Election:
    """Record the written confirmation a warning asks for (e.g. no woman elected)."""
    if code not in rules.NEEDS_CONFIRMATION:
        raise ValidationError({"code": _("该提示无需书面说明")})
    if not note.strip():
        raise ValidationError({"note": _("请填写书面说明")})
    locked = _lock(election, None)
    confirmations = dict(locked.confirmations)
    confirmations[code] = note.strip()
    return election_update(election=locked, actor=actor, confirmations=confirmations)


# -- the state machine -------------------------------------------------------------------

# (from, to) -> (name of the step, who may take it: None = editors of the township)
TRANSITIONS = {
    (ElectionState.DRAFT, ElectionState.SUBMITTED): ("submit", None),
    (ElectionState.SUBMITTED, ElectionState.DRAFT): ("return", COUNTY_ROLES),
    (ElectionState.SUBMITTED, ElectionState.CERTIFIED): ("certify", COUNTY_ROLES),
    (ElectionState.CERTIFIED, ElectionState.DRAFT): ("unlock", COUNTY_ROLES),
}
REASON_REQUIRED = {"return", "unlock"}


def allowed_steps(election: Election, user) -> list[str]:
    """The steps `user` may take on `election` now (for buttons)."""
    from core.access import can_edit_township

    steps = []
    for (source, _target), (name, roles) in TRANSITIONS.items():
        if source != election.state or not can_edit_township(user, election.village.township):
            continue
        if roles is None or policy.has_role(user, roles):
            steps.append(name)
    return steps


def _transition(
    election: Election, target: str, *, actor, reason: str = "", expected_version=None
) -> Election:
    locked = _lock(election, expected_version)
    step = TRANSITIONS.get((locked.state, target))
    if step is None:
        raise ValidationError(
            _("不能从“%(from)s”变为“%(to)s”")
            % {"from": locked.get_state_display(), "to": ElectionState(target).label}
        )
    name, roles = step
    ensure_can_edit_township(actor, locked.village.township)
    if roles is not None and not policy.is_system(actor) and not policy.has_role(actor, roles):
        raise PermissionDenied(_("只有县委组织部可以执行此操作"))
    if name in REASON_REQUIRED and not reason.strip():
        raise ValidationError({"reason": _("请填写原因")})
    ElectionTransition.objects.create(
        election=locked,
        from_state=locked.state,
        to_state=target,
        actor=policy.history_user(actor),
        reason=reason.strip(),
    )
    locked.state = target
    bump_version(locked)
    return locked


@policy.requires_actor
@transaction.atomic
def election_submit(*, election: Election, actor, expected_version=None) -> Election:
    """The township reports the result; refused while any check fails or awaits confirmation."""
    locked = _transition(
        election, ElectionState.SUBMITTED, actor=actor, expected_version=expected_version
    )
    findings = election_findings(locked)
    blocking = rules.blocking(findings, set(locked.confirmations))
    if blocking:
        raise ValidationError([f.message for f in blocking])
    if not locked.candidates.exists():
        raise ValidationError(_("请先录入候选人得票"))
    locked.submitted_at = timezone.now()
    locked.save()
    return locked


@policy.requires_actor
@transaction.atomic
def election_return(*, election: Election, reason: str, actor) -> Election:
    """The county sends a submitted result back to the township for correction."""
    locked = _transition(election, ElectionState.DRAFT, actor=actor, reason=reason)
    locked.save()
    return locked


@policy.requires_actor
@transaction.atomic
def election_certify(*, election: Election, actor, expected_version=None) -> Election:
    """The county confirms the result: it is locked and its winners become post holders."""
    locked = _transition(
        election, ElectionState.CERTIFIED, actor=actor, expected_version=expected_version
    )
    blocking = rules.blocking(election_findings(locked), set(locked.confirmations))
    if blocking:
        raise ValidationError([f.message for f in blocking])
    locked.certified_at = timezone.now()
    locked.save()
    source = SeatSource.ELECTION if locked.round == ElectionRound.FIRST else SeatSource.BY_ELECTION
    seats = [
        Seat(
            person=candidate.person,
            village=locked.village,
            term=locked.term,
            body=locked.body,
            post=candidate.post,
            started_on=locked.held_on,
            source=source,
            election=locked,
        )
        for candidate in locked.candidates.select_related("person").filter(post__gt="")
    ]
    _check_new_seats(locked, seats)
    bulk_create_with_history(seats, Seat)
    seats_changed.send(sender=Election, term_ids={locked.term_id}, village_ids={locked.village_id})
    return locked


def _check_new_seats(election: Election, seats: list[Seat]) -> None:
    """The seat rules, checked against the seats held now in one query (the database
    constraints stay as the last line of defence)."""
    ledger = _ledger(village=election.village, term=election.term, body=election.body)
    errors = []
    for seat in seats:
        try:
            seat.full_clean(
                exclude=["person", "village", "term", "election"], validate_constraints=False
            )
        except ValidationError as exc:
            errors += [
                _("%(name)s：%(message)s") % {"name": seat.person.name, "message": message}
                for message in exc.messages
            ]
        where = {"village": seat.village_id, "term": seat.term_id, "body": seat.body}
        for message in (
            ledger.post_clash(person=seat.person_id, **where),
            ledger.chair_clash(person=seat.person_id, post=seat.post, **where),
        ):
            if message:
                errors.append(
                    _("%(name)s：%(message)s") % {"name": seat.person.name, "message": message}
                )
        ledger.take(person=seat.person_id, post=seat.post, label=_seat_label(seat), **where)
    if errors:
        raise ValidationError(errors)


def _seat_label(seat: Seat) -> str:
    """How the seat rules' messages name a held seat: its holder for a one-holder post (the
    clash is with another person), else the post (the clash is with the same person)."""
    if seat.post in seat_rules.CHAIR_POSTS:
        return seat.person.name
    return str(Post(seat.post).label)


def _ledger(*, village, term, body, exclude_pk=None) -> seat_rules.SeatLedger:
    """The seats held now on one body of a village in a term, for the seat rules."""
    ledger = seat_rules.SeatLedger()
    held = Seat.objects.current().filter(village=village, term=term, body=body)
    if exclude_pk is not None:
        held = held.exclude(pk=exclude_pk)
    for seat in held.select_related("person"):
        ledger.take(
            person=seat.person_id,
            village=seat.village_id,
            term=seat.term_id,
            body=seat.body,
            post=seat.post,
            label=_seat_label(seat),
        )
    return ledger


def _check_seat(seat: Seat) -> None:
    """A seat saved by hand: the seat rules against the seats held now, each message on
    its field."""
    if seat.ended_on or not (seat.village_id and seat.term_id and seat.body and seat.person_id):
        return
    ledger = _ledger(village=seat.village_id, term=seat.term_id, body=seat.body, exclude_pk=seat.pk)
    errors: dict[str, list[str]] = {}
    for field, message in ledger.clashes(
        person=seat.person_id,
        village=seat.village_id,
        term=seat.term_id,
        body=seat.body,
        post=seat.post,
    ):
        errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)


@policy.requires_actor
@transaction.atomic
def election_unlock(*, election: Election, reason: str, actor) -> Election:
    """Reopen a certified result (county organizer, with a reason): its seats are removed."""
    locked = _transition(election, ElectionState.DRAFT, actor=actor, reason=reason)
    locked.unlocked_at = timezone.now()
    locked.unlocked_by = actor
    locked.unlock_reason = reason.strip()
    locked.save()
    for seat in Seat.objects.filter(election=locked):
        seat.delete()  # one by one, so that history records each removal
    seats_changed.send(sender=Election, term_ids={locked.term_id}, village_ids={locked.village_id})
    return locked


# -- post holders ------------------------------------------------------------------------


def _seat_changed(seat: Seat) -> None:
    seats_changed.send(sender=Seat, term_ids={seat.term_id}, village_ids={seat.village_id})


@policy.requires_actor
@transaction.atomic
def seat_create(
    *,
    person: Person,
    village: Village,
    term: Term,
    body: str,
    post: str,
    actor,
    started_on: dt.date | None = None,
    source: str = SeatSource.APPOINTMENT,
) -> Seat:
    ensure_can_edit_township(actor, village.township)
    seat = Seat(
        person=person,
        village=village,
        term=term,
        body=body,
        post=post,
        started_on=started_on,
        source=source,
    )
    _check_seat(seat)
    seat.full_clean()
    seat.save()
    _seat_changed(seat)
    return seat


@policy.requires_actor
@transaction.atomic
def seat_update(*, seat: Seat, actor, **fields) -> Seat:
    locked = Seat.objects.select_for_update().select_related("village__township").get(pk=seat.pk)
    ensure_can_edit_township(actor, locked.village.township)
    allowed = {"post", "started_on", "body", "person", "source"}
    if set(fields) - allowed:
        raise TypeError(f"unknown fields: {sorted(set(fields) - allowed)}")
    for name, value in fields.items():
        setattr(locked, name, value)
    _check_seat(locked)
    locked.full_clean()
    locked.save()
    _seat_changed(locked)
    return locked


@policy.requires_actor
@transaction.atomic
def seat_end(*, seat: Seat, ended_on: dt.date, reason: str, note: str = "", actor) -> Seat:
    """End a seat (resignation, recall, death, transfer) with the reason."""
    locked = Seat.objects.select_for_update().select_related("village__township").get(pk=seat.pk)
    ensure_can_edit_township(actor, locked.village.township)
    if locked.ended_on:
        raise ValidationError(_("该任职已于 %(date)s 离任") % {"date": locked.ended_on})
    if not reason:
        raise ValidationError({"end_reason": _("离任必须注明原因")})
    locked.ended_on, locked.end_reason, locked.end_note = ended_on, reason, note
    locked.full_clean()
    locked.save()
    _seat_changed(locked)
    return locked


def body_label(body: str) -> str:
    return str(Body(body).label)


# -- roster uploads in the background ----------------------------------------------------


@policy.requires_actor
@transaction.atomic
def roster_job_create(*, actor, filename: str, content: bytes, dry_run: bool = False):
    """Store an upload and queue its import once the job row is committed."""
    from core.bulk import HistoryStamp

    from .models import ImportJob
    from .tasks import import_roster_task

    # From where: the upload's request, kept for the history the background import writes.
    stamp = HistoryStamp.current(actor)
    job = ImportJob(
        created_by=policy.history_user(actor),
        filename=filename[:200],
        content=content,
        dry_run=dry_run,
        client_ip=stamp.ip,
        request_id=stamp.request_id,
        language=translation.get_language() or "",
    )
    job.full_clean(exclude=["content"])
    job.save()
    # robust: with the broker down the upload is still kept, as queued, and
    # roster_jobs_requeue_stale sends it again once the broker is back.
    transaction.on_commit(lambda: import_roster_task.delay(job.pk), robust=True)
    return job


# A queued job not started after this long is sent again (its queueing failed). A running
# job holds a lock for as long as its worker's database session lives (PostgreSQL): one that
# says "running" while nobody holds its lock lost its worker — killed, or cut off from the
# database — and is run again at once. Without such locks (SQLite) a running job not finished
# after RUNNING_STALE_AFTER is taken for lost.
QUEUED_STALE_AFTER = dt.timedelta(minutes=2)
RUNNING_STALE_AFTER = dt.timedelta(minutes=30)
# A job started this many times without finishing (its workers died) is failed, so that its
# redelivered message does nothing instead of killing workers for ever.
MAX_JOB_ATTEMPTS = 3
_JOB_LOCK_BASE = 0x524F5354 << 32  # "ROST": the advisory-lock key space of roster jobs


def _job_lock(job) -> bool:
    """Take the job's lock for this worker's session; False when a live worker holds it."""
    from .choices import ImportStatus

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_JOB_LOCK_BASE + job.pk])
            return cursor.fetchone()[0]
    return job.status == ImportStatus.QUEUED or (
        job.started_at is None or job.started_at < timezone.now() - RUNNING_STALE_AFTER
    )


def _job_unlock(job_id: int) -> None:
    if connection.vendor != "postgresql" or connection.connection is None:
        return  # a closed session holds no lock any more
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_JOB_LOCK_BASE + job_id])
    except DatabaseError:
        pass  # the session is gone, and its locks with it


def roster_jobs_requeue_stale() -> list[int]:
    """Send again every roster job whose queueing failed or whose worker died."""
    from .choices import ImportStatus
    from .models import ImportJob
    from .tasks import import_roster_task

    now = timezone.now()
    job_ids = list(
        ImportJob.objects.filter(
            status=ImportStatus.QUEUED, created_at__lt=now - QUEUED_STALE_AFTER
        ).values_list("pk", flat=True)
    )
    for job in ImportJob.objects.filter(status=ImportStatus.RUNNING).only(
        "pk", "status", "started_at"
    ):
        if _job_lock(job):  # nobody holds it: its worker is gone
            _job_unlock(job.pk)
            job_ids.append(job.pk)
    for job_id in job_ids:
        import_roster_task.delay(job_id)
    return job_ids


def _job_progress(job_id: int, fraction: float) -> None:
    from .models import ImportJob

    ImportJob.objects.filter(pk=job_id).update(progress=int(fraction * 100))


def roster_job_run(*, job_id: int):
    """Claim a job (queued, or running without a live worker), import its file, record the
    outcome. Safe to run twice, and at once: only one worker holds a job's lock."""
    from .choices import ImportStatus
    from .models import ImportJob

    locked = False
    try:
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update()
                .select_related("created_by")
                .filter(pk=job_id)
                .first()
            )
            if job is None or job.is_finished:
                return job
            locked = _job_lock(job)
            if not locked:
                return job  # a live worker is importing it
            if job.attempts >= MAX_JOB_ATTEMPTS:
                with translation.override(job.language or None):
                    job.errors = [
                        _(
                            "导入已中断 %(count)s 次（文件可能已损坏或过大），未保存任何数据；"
                            "请检查文件后重新上传"
                        )
                        % {"count": job.attempts}
                    ]
                job.status, job.progress, job.finished_at = ImportStatus.FAILED, 100, timezone.now()
                job.save(
                    update_fields=["status", "errors", "progress", "finished_at", "updated_at"]
                )
                return job
            job.status, job.started_at, job.progress = ImportStatus.RUNNING, timezone.now(), 5
            job.attempts += 1
            job.save(update_fields=["status", "started_at", "progress", "attempts", "updated_at"])
        # The errors are written in the uploader's language (the job page shows them as text).
        with translation.override(job.language or None):
            return _job_import(job)
    finally:
        if locked:
            _job_unlock(job_id)


def _job_import(job):
    from core.spreadsheets import SpreadsheetError, read_bytes

    from . import importers
    from .choices import ImportStatus
    from .models import ImportJob

    try:
        try:
            sheet = read_bytes(bytes(job.content), job.filename, importers.COLUMNS)
        except SpreadsheetError as exc:
            return _job_finish(job, None, [str(exc)])
    except JobCancelled:
        job.refresh_from_db()
        return job
    _job_progress(job.pk, 0.3)
    try:
        # The outcome is saved in the import's own transaction, so that a failing
        # after-commit hook of some listener cannot mark a committed import as failed.
        with transaction.atomic():
            result = importers.import_roster(
                sheet,
                actor=job.created_by,
                dry_run=job.dry_run,
                origin=(job.client_ip, job.request_id),
            )
            job = _job_finish(job, result, [str(error) for error in result.errors])
    except JobCancelled:
        job.refresh_from_db()  # cancelled meanwhile: everything rolled back
        return job
    except (OperationalError, InterfaceError):
        # The database went away (restarted, connection cut): the import rolled back. The
        # job stays "running" without a live worker; the task's retry, or the sweep, runs it
        # again. Not a failure the uploader must act on.
        raise
    except IntegrityError:
        # Only imports and recomputes wait for each other on the term: a seat saved by hand
        # meanwhile can clash with one this import was about to write. All rolled back; a
        # new upload checks against what is saved now.
        return _job_finish(
            job,
            None,
            [_("导入期间本届任职被他人同时修改，本次未保存任何数据；请核对后重新上传文件")],
        )
    except Exception:
        job.refresh_from_db()
        if job.is_finished:
            logger.exception("roster job %s: a hook after the import failed", job.pk)
            return job
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            progress=100,
            finished_at=timezone.now(),
            errors=[_("导入时发生意外错误，未保存任何数据；请联系管理员")],
        )
        raise
    return job


class JobCancelled(Exception):
    """The job was cancelled while it ran: its import is rolled back."""


def _job_finish(job, result, errors: list[str]):
    from .choices import ImportStatus
    from .models import ImportJob

    # Under the job's row lock: a cancel either came first (and this import rolls back) or
    # waits for this outcome (and finds the job finished).
    status = ImportJob.objects.select_for_update().values_list("status", flat=True).get(pk=job.pk)
    if status == ImportStatus.CANCELLED:
        raise JobCancelled(job.pk)
    job.refresh_from_db()
    job.status = ImportStatus.FAILED if errors else ImportStatus.SUCCEEDED
    job.errors = errors[:1000]
    job.progress, job.finished_at = 100, timezone.now()
    if result is not None:
        job.total_rows = result.rows
        if not errors:
            job.seats_created, job.seats_updated = result.seats_created, result.seats_updated
            job.seats_unchanged = result.seats_unchanged
            job.people_created, job.people_updated = result.people_created, result.people_updated
    job.save()
    return job


@policy.requires_actor
@transaction.atomic
def roster_job_cancel(*, job, actor):
    """Cancel a queued or running roster job: it is never run again, and an import under way
    is rolled back when it reaches its end. Administrators, and county organizers for their
    county's jobs."""
    from core.bulk import HistoryStamp

    from .choices import ImportStatus
    from .models import ImportJob

    locked = ImportJob.objects.select_for_update().select_related("created_by").get(pk=job.pk)
    if locked.is_finished:
        raise ValidationError(_("该任务已结束，无法取消"))
    if not locked.may_be_cancelled_by(actor):
        raise PermissionDenied(_("只有系统管理员和本县组织部可以取消导入任务"))
    now = timezone.now()
    locked.status, locked.progress, locked.finished_at = ImportStatus.CANCELLED, 100, now
    locked.cancelled_by, locked.cancelled_at = policy.history_user(actor), now
    locked.save(
        update_fields=[
            "status",
            "progress",
            "finished_at",
            "cancelled_by",
            "cancelled_at",
            "updated_at",
        ]
    )
    stamp = HistoryStamp.current(actor)
    logger.info(
        "roster job %s cancelled by user %s from %s (request %s)",
        locked.pk,
        getattr(actor, "pk", None),
        stamp.ip,
        stamp.request_id,
    )
    return locked
