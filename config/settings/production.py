"""Production: the shared settings with every secret required and HTTPS on.

Use with DJANGO_SETTINGS_MODULE=config.settings.production (the WSGI/ASGI default).
`manage.py check --deploy` reports nothing.
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
ID_ENCRYPTION_KEYS = env.list("ID_ENCRYPTION_KEYS")
ID_HASH_KEY = env("ID_HASH_KEY")
# Keep each worker's PostgreSQL connection (checked before reuse: CONN_HEALTH_CHECKS) instead
# of opening one per request: under load that alone doubled throughput (docs/performance.md).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Static files served by the app processes themselves (collectstatic at deploy time).
# Right after SecurityMiddleware, as whitenoise requires (the request-id middleware is first).
_SECURITY = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")  # noqa: F405
MIDDLEWARE = [  # noqa: F405
    *MIDDLEWARE[: _SECURITY + 1],  # noqa: F405
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[_SECURITY + 1 :],  # noqa: F405
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
