"""CPU of the web process per request, in-process, for every path of the load mix (issue 18).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lty_load \\
        .venv/bin/python bench/request_cpu.py [--repeat 40] [--profile "/people/"]

Production settings (as `bench/load.py` serves them: Redis cache of `--cache-url`, the
development ID keys), each demo user signed in through Django's test client, every path
requested 3 times to warm up, then `--repeat` times: the median CPU seconds of this process
(`time.process_time`: PostgreSQL's and Redis's own CPU are not in it) and the queries of one
request. `--profile PATH` (repeatable, or "all") prints cProfile's top functions for that
path, cumulative and own time. The figures move less with the machine's load than wall
times do; compare runs back to back. Never run by the test suite.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import USERS  # noqa: E402  (the mix of bench/load.py)


def setup(cache_url: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    os.environ.setdefault("SECRET_KEY", "cpu-" + secrets.token_hex(24))
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ.setdefault("ID_ENCRYPTION_KEYS", "dGhpcy1pcy1hLWRldi1vbmx5LWtleS0zMi1ieXRlcyE=")
    os.environ.setdefault("ID_HASH_KEY", "dev-only-id-hash-key")
    os.environ.setdefault("CACHE_URL", cache_url)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("CONN_MAX_AGE", "60")
    import django

    django.setup()


def clients():
    """(group, path, client, extra headers) for every path of the mix."""
    from django.test import Client

    from accounts.models import ApiToken, User
    from accounts.services import api_token_create

    ApiToken.objects.filter(name="bench cpu").delete()
    token = api_token_create(user=User.objects.get(username="apiclient"), name="bench cpu")[1]
    out = []
    for group, username, _password, paths in USERS:
        client, extra = Client(), {}
        if group == "api":
            extra = {"HTTP_AUTHORIZATION": "Token " + token}
        else:
            client.force_login(User.objects.get(username=username))
        for path in sorted(set(paths)):
            out.append((group, username, path, client, extra))
    return out


class QueryCounter(list):
    """Records each statement (Django's own query log is reset by every request)."""

    def __call__(self, execute, sql, params, many, context):
        self.append(sql)
        return execute(sql, params, many, context)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--cache-url", default="rediscache://127.0.0.1:6379/9")
    parser.add_argument("--profile", action="append", default=[], help='a path, or "all"')
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        parser.error("set DATABASE_URL (a database with the demo county)")
    setup(args.cache_url)
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import ApiToken

    call_command("collectstatic", interactive=False, verbosity=0)  # WhiteNoise's manifest
    print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    medians = {}
    for _group, username, path, client, extra in clients():
        for _ in range(3):
            response = client.get(path, secure=True, **extra)
            assert response.status_code == 200, (path, response.status_code)
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            client.get(path, secure=True, **extra)
        cpu = []
        profile = (
            cProfile.Profile(time.process_time)
            if ("all" in args.profile or path in args.profile)
            else None
        )
        for _ in range(args.repeat):
            start = time.process_time()
            if profile:
                profile.enable()
            client.get(path, secure=True, **extra)
            if profile:
                profile.disable()
            cpu.append(time.process_time() - start)
        median = statistics.median(cpu) * 1000
        medians[username, path] = median
        print(f"{username:<10} {path:<42} {median:6.2f} ms CPU  {len(queries):>3} queries")
        if profile:
            for order in ("cumulative", "tottime"):
                text = io.StringIO()
                pstats.Stats(profile, stream=text).sort_stats(order).print_stats(args.top)
                print(text.getvalue())
    mix = statistics.mean(
        statistics.mean(medians[username, path] for path in paths)
        for _group, username, _password, paths in USERS
    )
    print(f"the load mix (each user's paths in turn, users evenly): {mix:.2f} ms CPU a request")
    ApiToken.objects.filter(name="bench cpu").delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
