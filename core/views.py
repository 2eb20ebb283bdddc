"""Views every app shares: health and the language switch live here."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def health(request):
    """Liveness and readiness: the database answers, and the broker when one is configured."""
    from django.conf import settings
    from django.contrib.sessions.backends.base import SessionBase

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
    if settings.CELERY_BROKER_URL:
        from config.celery import app

        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception:
            checks["broker"] = "error"
    else:
        checks["broker"] = "in-process"
    healthy = all(value != "error" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
