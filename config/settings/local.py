"""A developer's laptop (`make run`): DEBUG on, development secrets, SQLite and in-process
Celery unless the environment says otherwise."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
ID_ENCRYPTION_KEYS = env.list(
    "ID_ENCRYPTION_KEYS", default=["dGhpcy1pcy1hLWRldi1vbmx5LWtleS0zMi1ieXRlcyE="]
)
ID_HASH_KEY = env("ID_HASH_KEY", default="dev-only-id-hash-key")
