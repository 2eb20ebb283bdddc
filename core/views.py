"""Views every app shares: health and the language switch live here."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def health(request):
    """Liveness and readiness: the database answers, and the broker when one is configured;
    a worker of the queue has been seen lately and no job waits too long ("degraded")."""
    from django.conf import settings
    from django.contrib.sessions.backends.base import SessionBase

    from config.celery import app

    from .workers import oldest_queued_seconds, worker_last_seen

    # A probe needs no session: loading (and saving) a caller's session would reach the
    # database and turn "database down" into a 500 for a signed-in browser. An empty
    # session and no cookie: the session middleware neither reads nor touches the caller's.
    request.COOKIES.pop(settings.SESSION_COOKIE_NAME, None)
    request.session = SessionBase()
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "error"
    # With tasks run in the calling process there is no worker to wait for.
    in_process = bool(app.conf.task_always_eager)
    last_seen = None
    checks["workers"] = "in-process" if in_process else "unknown"
    if settings.CELERY_BROKER_URL:
        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
                checks["broker"] = "ok"
                if not in_process:
                    last_seen = worker_last_seen(conn, app.conf.task_default_queue)
                    fresh = last_seen is not None
                    fresh = fresh and last_seen <= settings.HEALTH_WORKER_STALE_SECONDS
                    checks["workers"] = "ok" if fresh else "missing"
        except Exception:
            checks.setdefault("broker", "error")
    else:
        checks["broker"] = "in-process"
    oldest = None
    checks["queue"] = "unknown"
    if checks["database"] == "ok":
        try:
            oldest = oldest_queued_seconds()
            late = oldest is not None and oldest > settings.HEALTH_QUEUE_MAX_AGE_MINUTES * 60
            checks["queue"] = "late" if late else "ok"
        except Exception:
            checks["queue"] = "error"
    if any(value == "error" for value in checks.values()):
        status = "error"
    elif checks["workers"] == "missing" or checks["queue"] == "late":
        status = "degraded"
    else:
        status = "ok"
    body = {
        "status": status,
        **checks,
        "worker_last_seen_seconds": None if last_seen is None else round(last_seen),
        "oldest_queued_seconds": None if oldest is None else round(oldest),
    }
    return JsonResponse(body, status=200 if status == "ok" else 503)


def server_error(request, template_name="500.html"):
    """The 500 page in the user's language, with the portal's header and the request id to
    quote. It reads nothing from the database (that may be what failed): no navigation
    slots, no session, only the active language and the request id."""
    from django.http import HttpResponseServerError
    from django.template import loader
    from django.utils import translation

    context = {
        "LANGUAGE_CODE": translation.get_language(),
        "request_id": getattr(request, "request_id", ""),
    }
    try:
        body = loader.get_template(template_name).render(context)
    except Exception:  # the page of last resort must not fail in turn
        body = "<h1>Server Error (500)</h1>"
    return HttpResponseServerError(body)
