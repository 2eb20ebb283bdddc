"""Roster uploads in the background: the job queued after commit, run by a Celery worker
under a lock, cancelled, and sent again when its queueing failed or its worker died."""

import datetime as dt
import logging

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

from core import policy

logger = logging.getLogger(__name__)


@policy.requires_actor
@transaction.atomic
def roster_job_create(*, actor, filename: str, content: bytes, dry_run: bool = False):
    """Store an upload and queue its import once the job row is committed."""
    from core.bulk import HistoryStamp

    from ..models import ImportJob
    from ..tasks import import_roster_task

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
    from ..choices import ImportStatus

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
    from ..choices import ImportStatus
    from ..models import ImportJob
    from ..tasks import import_roster_task

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
    from ..models import ImportJob

    ImportJob.objects.filter(pk=job_id).update(progress=int(fraction * 100))


def roster_job_run(*, job_id: int):
    """Claim a job (queued, or running without a live worker), import its file, record the
    outcome. Safe to run twice, and at once: only one worker holds a job's lock."""
    from ..choices import ImportStatus
    from ..models import ImportJob

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
    from core.spreadsheets import SpreadsheetError, error_count, read_bytes

    from .. import importers
    from ..choices import ImportStatus
    from ..models import ImportJob

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
            job = _job_finish(
                job,
                result,
                [str(error) for error in result.errors],
                error_count(result.errors),
            )
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


@transaction.atomic  # its row lock needs a transaction also where the import's rolled back
def _job_finish(job, result, errors: list[str], count: int | None = None):
    from ..choices import ImportStatus
    from ..models import ImportJob

    # Under the job's row lock: a cancel either came first (and this import rolls back) or
    # waits for this outcome (and finds the job finished).
    status = ImportJob.objects.select_for_update().values_list("status", flat=True).get(pk=job.pk)
    if status == ImportStatus.CANCELLED:
        raise JobCancelled(job.pk)
    job.refresh_from_db()
    job.status = ImportStatus.FAILED if errors else ImportStatus.SUCCEEDED
    job.errors = errors[:1000]
    job.error_count = len(errors) if count is None else count
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

    from ..choices import ImportStatus
    from ..models import ImportJob

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
