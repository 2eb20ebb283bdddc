"""Settings every environment shares, read from the environment through one environ.Env().

Nothing here is a secret or a laptop default: `local.py` adds the development secrets and
DEBUG for `make run`, `test.py` a fast password hasher and the test database for the suite,
`production.py` requires the secrets and turns HTTPS on.
"""

import datetime as dt
import ipaddress
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    # Hardening (issue 7): login lockout (axes) and the Content Security Policy header (csp).
    "axes",
    "csp",
    # Project apps, in dependency order (each may use only those above it).
    "core",
    "registry",
    "accounts",
    "people",
    "elections",
    "candidates",
    "training",
    "rounds",
    "reports",
    "composition",
    # Browsing and exporting the history of every audited model (issue 7).
    "audit",
]

MIDDLEWARE = [
    # First, so that every log line and history row of the request carries its id.
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The Content Security Policy; ApiDocsCSPMiddleware (inside it) relaxes it for /api/docs/.
    "csp.middleware.CSPMiddleware",
    "core.middleware.ApiDocsCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Inside SessionMiddleware: marks the session for saving before it decides to save it.
    "accounts.middleware.SessionRenewMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a lockout into the Chinese lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Select boxes written in Python, the rest by Django's templates (core/renderers_forms.py).
FORM_RENDERER = "core.renderers_forms.FormRenderer"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A kept connection (CONN_MAX_AGE > 0) is checked before a request or task reuses it, so that
# the first request after a database restart reconnects instead of failing with a 500.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=True))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Wait for a writer (the in-process job, another request) instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
if DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis")):
    # The portal's statements are short but wide (dashboards, composition counters, the
    # coverage card): PostgreSQL's JIT compiling them costs more than running them (seconds
    # at province scale, docs/performance.md). Off for the portal's connections.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Sessions expire after SESSION_COOKIE_AGE of inactivity: accounts.middleware renews a session
# at most every SESSION_RENEW_SECONDS (writing it on every request cost a query each, issue 18).
SESSION_RENEW_SECONDS = 300

# --- Hardening (issue 7): login throttling, security headers, CSP ----------------------------
# django-axes first: it refuses a locked-out username+IP before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading each request's user with SQL built once (issue 18).
    "accounts.backends.ModelBackend",
]
# Lockout after AXES_FAILURE_LIMIT failures of one username from one address, for a cool-off;
# counted on the login page, the admin login and /api/v1/auth/token/ alike (database handler,
# so every gunicorn worker sees the same count; `manage.py axes_reset` unlocks everyone).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_TIME = dt.timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_COOLOFF_MESSAGE = _("登录失败次数过多，账户已暂时锁定，请稍后再试。")
AXES_PERMALOCK_MESSAGE = _("登录失败次数过多，账户已锁定，请联系管理员解锁。")
AXES_SENSITIVE_PARAMETERS = ["password"]
# The lock is keyed on the real client (core.clientip.client_ip, the function history and
# the DRF throttles use): behind the proxy, one client's failures lock only that client out
# of the account, and a forged X-Forwarded-For from anyone else counts against its sender.
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"

# --- The client's address (issue 18) -------------------------------------------------------
# Addresses or networks of the reverse proxies in front of the app. Only a connection from
# one of them may name the client (X-Forwarded-For) and the request id (X-Request-ID); with
# the default, nobody: the connecting address is the client. Production: the proxy's address.
TRUSTED_PROXIES = [
    str(ipaddress.ip_network(entry, strict=False))
    for entry in env.list("TRUSTED_PROXIES", default=[])
]

# --- API tokens (issue 18) -----------------------------------------------------------------
# Usable tokens one user may hold; the longest lifetime, in days, per role ("*": any other).
API_TOKEN_MAX_PER_USER = env.int("API_TOKEN_MAX_PER_USER", default=5)
API_TOKEN_MAX_DAYS = {
    "api_client": env.int("API_TOKEN_MAX_DAYS_API_CLIENT", default=365),
    "*": env.int("API_TOKEN_MAX_DAYS_STAFF", default=30),
}

# Headers every response carries (production adds HSTS and secure cookies).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content Security Policy: only this origin's own files; no inline script or style, no CDN.
# The pages pass data to scripts with json_script (type application/json, never executed).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

# Uploads: spreadsheets are read in memory and checked before they are parsed.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
# A JSON body sent to the API: larger is a 413 (core.api.JSONParser; docs/api.md).
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1024 * 1024)
# Sync (core.sync): a cursor never passes now minus this (longer transactions could be missed);
# the deletions of these models leave a tombstone listed at /api/v1/deleted/ as the resource.
API_SYNC_SETTLE_SECONDS = env.int("API_SYNC_SETTLE_SECONDS", default=60)
SYNC_TOMBSTONES = {
    "registry.village": "villages",
    "people.person": "people",
    "elections.election": "elections",
    "elections.electioncandidate": "election-results",
    "elections.seat": "seats",
    "candidates.candidacy": "candidacies",
    "candidates.negativelistitem": "negative-list",
    "training.trainingsession": "training/sessions",
    "training.enrolment": "training/enrolments",
    "training.mentorpoolentry": "training/mentors",
    "training.mentorship": "training/mentorships",
    "rounds.liaison": "rounds/liaisons",
    "rounds.talk": "rounds/talks",
    "rounds.keyperson": "rounds/key-persons",
    "rounds.attachedunit": "rounds/units",
}

# ID numbers: ID_ENCRYPTION_KEYS (Fernet keys; the first encrypts, all decrypt, for rotation)
# and ID_HASH_KEY (the keyed hash that makes exact search possible without decrypting) are
# secrets: local.py has development ones, production.py requires them from the environment.

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "core.cache.RedisCache"  # one client per pool (core/cache.py)
# Sessions are kept in the database and read from the cache (accounts/sessions.py): one
# statement a request less than the database engine, and unlike Django's cached_db a cache
# outage falls back to the database instead of a 500. The cached copy lives at most
# SESSION_CACHE_SECONDS. accounts.middleware renews a session at most every
# SESSION_RENEW_SECONDS instead of writing it on every request (docs/performance.md, "Load").
SESSION_ENGINE = "accounts.sessions"
SESSION_CACHE_SECONDS = 300

# History is evidence: nobody may revert an object to an old version from the admin (issue 7).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Celery: with no broker configured, tasks run in the calling process (laptop, `make run`).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Health (core/views.py): each worker writes a heartbeat to the broker every
# WORKER_HEARTBEAT_SECONDS (core/workers.py); /health/ is 503 "degraded" when no worker
# of the default queue was seen for HEALTH_WORKER_STALE_SECONDS, or when a job has waited in
# the queue for longer than HEALTH_QUEUE_MAX_AGE_MINUTES (the oldest of HEALTH_QUEUED_WORK:
# model, filter, time it was queued).
WORKER_HEARTBEAT_SECONDS = env.int("WORKER_HEARTBEAT_SECONDS", default=10)
HEALTH_WORKER_STALE_SECONDS = env.int("HEALTH_WORKER_STALE_SECONDS", default=60)
HEALTH_QUEUE_MAX_AGE_MINUTES = env.int("HEALTH_QUEUE_MAX_AGE_MINUTES", default=15)
HEALTH_QUEUED_WORK = {
    "roster_imports": ("elections.ImportJob", {"status": "queued"}, "created_at"),
    "recomputes": ("composition.RecomputeRequest", {}, "requested_at"),
}
CELERY_BEAT_SCHEDULE = {
    # Safety net: the figures are recomputed after every change; nightly catches anything else.
    "composition-nightly": {
        "task": "composition.tasks.recompute_all_terms_task",
        "schedule": 24 * 3600,
    },
    # Recomputes whose queueing failed (broker down) or whose worker died are queued again.
    "composition-requeue-pending": {
        "task": "composition.tasks.requeue_pending_task",
        "schedule": 5 * 60,
    },
    "elections-requeue-stale-roster-jobs": {
        "task": "elections.tasks.requeue_stale_roster_jobs_task",
        "schedule": 5 * 60,
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.permissions.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "DEFAULT_RENDERER_CLASSES": [
        "core.renderers.JSONRenderer",  # ETag "<version>" on a versioned object
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        # django-filter and DRF's ordering, refusing values they would ignore (core.api)
        "core.api.FilterBackend",
        "core.api.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
    # Throttles name the client with core.clientip.ClientIpThrottleMixin; a throttle without
    # it then sees the connecting address only, never a caller's X-Forwarded-For.
    "NUM_PROXIES": 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "领头雁 Lingtouyan API",
    "DESCRIPTION": "村(社区)“两委”换届 — villages, candidates, elections, composition, training.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema_hook",
    ],
    "ENUM_NAME_OVERRIDES": {
        "EducationEnum": "people.choices.Education",
        "PoliticalStatusEnum": "people.choices.PoliticalStatus",
        "GenderEnum": "people.choices.Gender",
        "BodyEnum": "elections.choices.Body",
        "SeatSourceEnum": "elections.choices.SeatSource",
        "CandidacySourceEnum": "candidates.choices.Source",
        "ProblemSourceEnum": "rounds.choices.ProblemSource",
        "StepSourceEnum": "rounds.choices.StepSource",
        "SessionKindEnum": "training.choices.SessionKind",
        "ProblemKindEnum": "rounds.choices.ProblemKind",
        "TalkKindEnum": "rounds.choices.TalkKind",
        "ReportKindEnum": "rounds.choices.ReportKind",
    },
}

# One JSON object per line, each with the request id (core/logging.py); LOG_FORMAT=text
# gives plain lines for a developer's terminal.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.logging.RequestIdFilter"},
        # No ID number reaches a log, whatever a message or a traceback holds.
        "redact_id_numbers": {"()": "core.logging.RedactIdNumbersFilter"},
    },
    "formatters": {
        "json": {"()": "core.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "redact_id_numbers"],
            "formatter": env("LOG_FORMAT", default="json"),
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Failed logins and lockouts are warnings; successful logins need no line each.
        "axes": {"level": "WARNING"},
    },
}
