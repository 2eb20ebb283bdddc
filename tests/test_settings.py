"""Production settings pass Django's deployment checks; migrations match the models."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_with_production_settings_reports_nothing():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x" * 20 + "a-long-random-secret-for-the-check-only-0123456789",
        ALLOWED_HOSTS="lingtouyan.example.gov.cn",
        ID_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ID_HASH_KEY="check-only",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ID_ENCRYPTION_KEYS"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", ALLOWED_HOSTS="x")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_no_missing_migrations():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _setting(module: str, expression: str, **extra) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DJANGO_SETTINGS_MODULE=module, **extra)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            f"from django.conf import settings; print({expression})",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_debug_is_on_only_where_the_local_settings_turn_it_on():
    secrets = {
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "x",
        "ID_HASH_KEY": "k",
        "ID_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }
    assert _setting("config.settings.local", "settings.DEBUG") == "True"
    assert _setting("config.settings.base", "settings.DEBUG", **secrets) == "False"
    assert _setting("config.settings.production", "settings.DEBUG", **secrets) == "False"
    assert _setting("config.settings.test", "settings.DEBUG") == "False"


def test_only_the_test_settings_hash_passwords_fast():
    """Production and `make run` keep Django's PBKDF2; the suite uses MD5 to save seconds."""
    secrets = {
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "x",
        "ID_HASH_KEY": "k",
        "ID_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }
    production = _setting("config.settings.production", "settings.PASSWORD_HASHERS[0]", **secrets)
    assert production.endswith("PBKDF2PasswordHasher")
    assert _setting("config.settings.local", "settings.PASSWORD_HASHERS[0]").endswith(
        "PBKDF2PasswordHasher"
    )
    assert _setting("config.settings.test", "settings.PASSWORD_HASHERS[0]").endswith(
        "MD5PasswordHasher"
    )
    assert "testserver" not in _setting("config.settings.local", "settings.ALLOWED_HOSTS")


def test_each_parallel_test_worker_has_its_own_redis_cache_database():
    """`make test` runs one process per core; two workers sharing a Redis cache would read
    each other's fragments (both databases reuse the same primary keys) and clear each
    other's entries."""

    def cache_location(worker: str) -> str:
        env = {**os.environ, "CACHE_URL": "rediscache://127.0.0.1:6379/2"}
        env.update(PYTEST_XDIST_WORKER=worker, DJANGO_SETTINGS_MODULE="config.settings.test")
        code = "from django.conf import settings; print(settings.CACHES['default']['LOCATION'])"
        result = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        return result.stdout.strip()

    assert cache_location("gw0") == "redis://127.0.0.1:6379/2"
    assert cache_location("gw3") == "redis://127.0.0.1:6379/5"
