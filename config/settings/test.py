"""The test suite (`make test`, pytest): the local settings with a fast password hasher, the
test client's host name and the test database's name.

Processes the tests start themselves (gunicorn, Celery workers) use these settings too, so
they read the same database and check the same password hashes.
"""

from .local import *  # noqa: F403
from .local import ALLOWED_HOSTS, BASE_DIR, CACHES, DATABASES, env

DEBUG = False
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
# Hashing is not what the tests test (tests/security/test_access.py checks the production
# hashers separately): MD5 makes a user fixture cost nothing instead of ~0.4 s of PBKDF2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so that a Celery worker started by a test sees the test data.
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / env("TEST_SQLITE_NAME", default="test-db.sqlite3"))
    }

# `make test` runs the suite in parallel (pytest-xdist, one process per core): each process has
# its own test database (pytest-django adds the worker's suffix) and, when the cache is Redis,
# its own Redis database, so one worker's cache.clear() or cached fragment (keyed by primary
# keys both databases reuse) never reaches another. Processes a test starts inherit the variable.
_worker = env("PYTEST_XDIST_WORKER", default="")
if _worker.startswith("gw") and CACHES["default"]["BACKEND"] == "core.cache.RedisCache":
    from urllib.parse import urlsplit, urlunsplit

    _url = urlsplit(CACHES["default"]["LOCATION"])
    _db = int(_url.path.strip("/") or 0) + int(_worker[2:])
    if _db > 15:
        raise ValueError(f"no Redis database left for test worker {_worker} (at most 16)")
    CACHES["default"]["LOCATION"] = urlunsplit(_url._replace(path=f"/{_db}"))
