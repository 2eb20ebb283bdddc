"""A signed-in session renewed at most every few minutes, not written on every request.

Sessions expire after `SESSION_COOKIE_AGE` of inactivity. Writing the session on every
request (`SESSION_SAVE_EVERY_REQUEST`) kept that exact to the second at the price of a
database write per page and API call (issue 18, fifty users); renewing it when the last
renewal is `SESSION_RENEW_SECONDS` old keeps it exact to within that many seconds.
"""

import time

from django.conf import settings

RENEWED_KEY = "_renewed"


class SessionRenewMiddleware:
    """Sits inside `SessionMiddleware`, so that a renewal it marks is saved by it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session the request read (signed-in pages and API calls) and that still
        # exists (not just signed out); one saved anyway (a login) counts as renewed.
        if session is None or not session.accessed:
            return response
        if session.session_key is None or session.is_empty():
            return response
        now = int(time.time())
        if session.modified or now - session.get(RENEWED_KEY, 0) >= settings.SESSION_RENEW_SECONDS:
            session[RENEWED_KEY] = now
        return response
