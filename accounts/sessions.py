"""Sessions read from the cache and kept in the database (`SESSION_ENGINE`).

Every signed-in page and API call reads its session; from the database that is a statement
and its round trip a request (issue 18, fifty users). Django's `cached_db` reads it from the
cache instead, but does not survive a cache outage: a Redis restart made every page a 500
(it writes the cache after a database read without catching). Here the database stays the
record — every save and delete goes there first — and the cache is only a copy that:

- is kept at most `SESSION_CACHE_SECONDS` (a session ended behind the cache's back, or a
  delete lost while the cache was down, outlives it by at most that long; the user's
  password hash in the session still ends it at once after a password change);
- when the cache fails, is skipped: the session is read from the database (slower, not
  broken), and the failure is logged.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def _cache_seconds(self, age: int) -> int:
        return max(0, min(age, settings.SESSION_CACHE_SECONDS))

    def _cache_call(self, what: str, *args):
        try:
            return getattr(self._cache, what)(*args)
        except Exception as exc:  # the cache is a copy: never fail the request for it
            logger.warning("session cache %s failed: %s", what, exc.__class__.__name__)
            return None

    def load(self):
        data = self._cache_call("get", self.cache_key)
        if data is None:
            stored = self._get_session_from_db()
            if not stored:
                return {}
            data = self.decode(stored.session_data)
            age = self.get_expiry_age(expiry=stored.expire_date)
            self._cache_call("set", self.cache_key, data, self._cache_seconds(age))
        return data

    def exists(self, session_key):
        if session_key and self._cache_call("has_key", self.cache_key_prefix + session_key):
            return True
        return DBStore.exists(self, session_key)

    def save(self, must_create=False):
        DBStore.save(self, must_create)
        age = self._cache_seconds(self.get_expiry_age())
        self._cache_call("set", self.cache_key, self._session, age)

    def delete(self, session_key=None):
        DBStore.delete(self, session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self._cache_call("delete", self.cache_key_prefix + session_key)
