"""Fifty users against a production-like server (issue 18): dashboards, API lists and list
pages at once, then logins on their own, then the dashboard's own server time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lty_load \\
        .venv/bin/python bench/load.py --users 50 --seconds 60

The database must hold the demo county (`manage.py load_demo`; on top of
`bench/composition_generate.py` for province-scale tables). Unless `--url` names a running
server, gunicorn is started here on 127.0.0.1 with `config.settings.production` (PostgreSQL, the
Redis cache of `--cache-url`, static files by WhiteNoise after `collectstatic`) and stopped
at the end. Every simulated user signs in once and keeps its session (API users send a
token); the requests are bounded by `--seconds` and `--max-requests` and go to 127.0.0.1
only. `--code DIR` serves another checkout of the project (a "before" measurement).
Prints one table (endpoint, requests, errors, req/s, median, p95) and the goals. Never run
by the test suite; figures in docs/performance.md ("Load").
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
TERM = 2021

# (group, username, password, paths): every simulated user cycles through its paths.
COUNTY = (
    "/composition/?term=2021",
    "/composition/table/?term=2021",
    "/composition/?term=2021",
    "/people/",
    "/composition/?term=2021",
    "/registry/villages/",
)
TOWNSHIP = (
    "/composition/?term=2021",
    "/people/",
    "/composition/?term=2021",
    "/composition/table/?term=2021",
)
API = (
    "/api/v1/villages/",
    "/api/v1/people/",
    "/api/v1/composition/?term=2021",
    "/api/v1/seats/",
    "/api/v1/composition/children/?term=2021",
)
USERS = [
    ("county", "organizer", "Lty-organizer-2026", COUNTY),
    ("county", "viewer", "Lty-viewer-2026", COUNTY),
    ("township", "official", "Lty-official-2026", TOWNSHIP),
    ("township", "official2", "Lty-official2-2026", TOWNSHIP),
    ("api", "apiclient", "Lty-apiclient-2026", API),
]
# Endpoints whose median and p95 the goal bounds.
GOAL_MEDIAN_MS, GOAL_P95_MS = 300, 1000


def endpoint(group: str, path: str) -> str:
    """The table's row: dashboards by scope, everything else by path."""
    if path.startswith("/composition/?"):
        return f"{group} dashboard"
    if path.startswith("/api/"):
        return "API " + path.split("?")[0]
    return "page " + path.split("?")[0]


def goal_row(name: str) -> bool:
    return name.endswith("dashboard") or name.startswith("API ")


class Client:
    """A signed-in user: its cookies sent by hand (the session cookie is Secure and the
    server is reached over plain HTTP behind a pretend TLS proxy: X-Forwarded-Proto)."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()
        host = urlsplit(base).netloc
        self.origin = f"https://{host}"
        self.cookies: dict[str, str] = {}
        self.headers = {"X-Forwarded-Proto": "https", "Accept-Language": "zh-hans"}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, **kwargs):
        headers = dict(self.headers, **kwargs.pop("headers", {}))
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.http.request(
            method,
            self.base + path,
            headers=headers,
            allow_redirects=False,
            timeout=60,
            **kwargs,
        )
        for name, value in response.cookies.items():
            self.cookies[name] = value
        return response

    def get(self, path: str) -> int:
        """A GET on the user's own kept-alive connection, the body read to its end: the
        status. `http.client` rather than `requests` for the load itself, which costs the
        generator (on the same two cores as the server) a fraction of the CPU a request."""
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.connection is None:
                host = urlsplit(self.base)
                self.connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
            try:
                self.connection.request("GET", path, headers=headers)
                response = self.connection.getresponse()
                response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def login(self, username: str, password: str) -> None:
        page = self.request("GET", "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = self.request(
            "POST",
            "/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token},
            headers={"Referer": self.origin + "/login/", "Origin": self.origin},
        )
        if response.status_code != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {username} failed: HTTP {response.status_code}")


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.kinds: dict[str, int] = defaultdict(int)  # "500 /path" or the exception's name
        self.count = 0

    def record(self, name: str, seconds: float, ok: bool, kind: str = "") -> None:
        with self.lock:
            self.times[name].append(seconds)
            self.count += 1
            if not ok:
                self.errors[name] += 1
                self.kinds[kind] += 1


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def simulated_user(client, group, paths, offset, stats, deadline, budget, think):
    n = offset
    while time.monotonic() < deadline and stats.count < budget:
        path = paths[n % len(paths)]
        start = time.perf_counter()
        kind = ""
        try:
            status = client.get(path)
            ok = status == 200
            kind = f"{status} {path}"
        except (http.client.HTTPException, OSError) as exc:
            ok, kind = False, f"{type(exc).__name__} {path}"
        stats.record(endpoint(group, path), time.perf_counter() - start, ok, kind)
        n += 1
        if think:
            time.sleep(think)


def sign_in(base: str, users: int, token: str):
    """`users` clients, spread over the demo accounts, each signed in once."""
    plan = [USERS[i % len(USERS)] for i in range(users)]

    def one(item):
        group, username, password, paths = item
        client = Client(base)
        if group == "api":
            client.headers["Authorization"] = f"Token {token}"
        else:
            client.login(username, password)
        return group, client, paths

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, plan))


def django_snippet(args, env, code: str) -> str:
    """Run `code` in a fresh process with the server's settings; its last output line."""
    result = subprocess.run(
        [sys.executable, "-c", "import django\ndjango.setup()\n" + code],
        cwd=args.code,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(f"failed:\n{result.stderr[-3000:]}")
    return result.stdout.strip().splitlines()[-1]


PREPARE = """
import datetime as dt
from django.utils import timezone
from accounts.models import User
from composition.models import CompositionSnapshot
from composition.services import composition_recompute
from core.roles import Role
from elections.models import Seat
from registry.models import County, Term
from training.choices import EnrolmentStatus, SessionKind, SessionStatus
from training.models import Enrolment, TrainingSession

county = County.objects.filter(code="141028").first() or County.objects.order_by("code")[0]
towns = list(county.townships.order_by("code")[:2])
accounts = [
    ("organizer", Role.COUNTY_ORGANIZER, None),
    ("viewer", Role.COUNTY_VIEWER, None),
    ("official", Role.TOWNSHIP_OFFICIAL, towns[0]),
    ("official2", Role.TOWNSHIP_OFFICIAL, towns[1]),
    ("apiclient", Role.API_CLIENT, None),
]
for username, role, township in accounts:
    user, created = User.objects.get_or_create(
        username=username, defaults={"role": role, "county": county, "township": township}
    )
    if created:
        user.set_password("Lty-%s-2026" % username)
        user.save()
terms = list(Term.objects.order_by("year"))
term = terms[-1]
if not TrainingSession.objects.filter(county=county, kind=SessionKind.INDUCTION).exists():
    session = TrainingSession.objects.create(
        title="load induction", kind=SessionKind.INDUCTION, county=county,
        starts_on=term.reference_date + dt.timedelta(days=5),
        ends_on=term.reference_date + dt.timedelta(days=5), location="-",
        status=SessionStatus.DONE, credit_hours=8,
    )
    people = set(list(
        Seat.objects.filter(term=term, village__township__county=county)
        .values_list("person_id", flat=True)
    )[::3])
    at = timezone.make_aware(dt.datetime.combine(session.starts_on, dt.time(9)))
    Enrolment.objects.bulk_create(
        Enrolment(session=session, person_id=pk, invited_at=at, status=EnrolmentStatus.ATTENDED,
                  checked_in_at=at, hours_credited=8)
        for pk in people
    )
for t in terms:
    if not CompositionSnapshot.objects.filter(term=t).exists():
        composition_recompute(term_id=t.pk)
print(county.code)
"""


def prepare(args, env) -> str:
    """The demo accounts (created, with the demo passwords, in the first county when the
    database is a generated province), some induction attendance, the stored figures.
    Returns the county's code."""
    return django_snippet(args, env, PREPARE)


def api_token(args, env) -> str:
    """A read token of the demo API client (the previous run's bench token revoked: a user
    may hold only a few)."""
    return django_snippet(
        args,
        env,
        "from accounts.models import ApiToken, User\n"
        "from accounts.services import api_token_create\n"
        "ApiToken.objects.filter(name='bench load').delete()\n"
        "user = User.objects.get(username='apiclient')\n"
        "print(api_token_create(user=user, name='bench load')[1])\n",
    )


def measure_logins(base: str, count: int, concurrency: int) -> tuple[list[float], float, int]:
    """`count` full logins (form, then POST), `concurrency` at a time."""
    plan = [USERS[i % 4] for i in range(count)]  # the four staff accounts

    def one(item):
        _group, username, password, _paths = item
        start = time.perf_counter()
        try:
            Client(base).login(username, password)
            return time.perf_counter() - start, True
        except (RuntimeError, requests.RequestException, AttributeError):
            return time.perf_counter() - start, False

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(one, plan))
    elapsed = time.perf_counter() - started
    return [t for t, _ok in results], elapsed, sum(1 for _t, ok in results if not ok)


def server_env(args) -> dict:
    """Production settings, with the development ID keys the demo data was encrypted with."""
    env = dict(os.environ)
    # An older checkout (`--code`) may have its production settings at config/production.py.
    flat = not (args.code / "config" / "settings" / "production.py").exists()
    env.update(
        DJANGO_SETTINGS_MODULE="config.production" if flat else "config.settings.production",
        SECRET_KEY=env.get("SECRET_KEY") or "load-" + secrets.token_hex(24),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        ID_ENCRYPTION_KEYS=env.get("ID_ENCRYPTION_KEYS")
        or "dGhpcy1pcy1hLWRldi1vbmx5LWtleS0zMi1ieXRlcyE=",
        ID_HASH_KEY=env.get("ID_HASH_KEY") or "dev-only-id-hash-key",
        CACHE_URL=args.cache_url,
        CELERY_BROKER_URL=args.broker_url,
        CONN_MAX_AGE=str(args.conn_max_age),
        LOG_LEVEL="WARNING",
        AXES_FAILURE_LIMIT="1000",
        PYTHONPATH=os.pathsep.join([str(args.code), str(ROOT)]),
    )
    if args.try_session_engine or args.try_no_session_save:
        env.update(
            DJANGO_SETTINGS_MODULE="bench.load_settings",
            LOAD_SESSION_ENGINE=args.try_session_engine or "",
            LOAD_SESSION_SAVE_EVERY_REQUEST="false" if args.try_no_session_save else "true",
        )
    return env


def collectstatic(args, env) -> None:
    """WhiteNoise's manifest: production pages fail without it."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=args.code,
        env=env,
        check=True,
    )


def start_server(args, env) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "config.wsgi",
        "--chdir",
        str(args.code),
        "-b",
        f"127.0.0.1:{args.port}",
        "-w",
        str(args.workers),
        "--access-logfile",
        "/dev/null",
        "--log-level",
        "warning",
        "--timeout",
        "120",
    ]
    if args.threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(args.threads)]
        if args.worker_connections:
            command += ["--worker-connections", str(args.worker_connections)]
    if args.reuse_port:
        command += ["--reuse-port"]
    server = subprocess.Popen(command, cwd=args.code, env=env)
    base = f"http://127.0.0.1:{args.port}"
    for _ in range(120):
        try:
            requests.get(base + "/login/", headers={"X-Forwarded-Proto": "https"}, timeout=2)
            return server
        except requests.RequestException:
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def dashboard_server_time(args, env, repeat: int = 20) -> dict:
    """The county dashboard rendered in a fresh process with the production settings and
    the same database and cache: wall time and queries of a view, its cold request (the
    first after the training version is bumped: the dashboard's fragment not cached, in a
    process that has rendered the page once) and the median of `repeat` warm ones."""
    code = (
        "import json, statistics, time\n"
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "from accounts.models import User\n"
        "try:\n"
        "    from composition.fragments import training_changed\n"
        "except ImportError:\n"
        "    training_changed = lambda: None  # before the fragment cache\n"
        "out = {}\n"
        "for name, username in (('county', 'organizer'), ('township', 'official')):\n"
        "    url = '/composition/?term=2021'\n"
        "    client = Client()\n"
        "    client.force_login(User.objects.get(username=username))\n"
        "    client.get(url, secure=True)  # the process warm: templates compiled\n"
        "    training_changed()\n"
        "    runs = []\n"
        f"    for i in range({repeat} + 1):\n"
        "        with CaptureQueriesContext(connection) as queries:\n"
        "            start = time.perf_counter()\n"
        "            response = client.get(url, secure=True)\n"
        "            runs.append(time.perf_counter() - start)\n"
        "        assert response.status_code == 200, response.status_code\n"
        "        if i == 0:\n"
        "            cold = (runs[0], len(queries))\n"
        "    out[name] = {'cold_ms': cold[0] * 1000, 'cold_queries': cold[1],\n"
        "                 'warm_ms': statistics.median(runs[1:]) * 1000,\n"
        "                 'warm_queries': len(queries)}\n"
        "print(json.dumps(out))\n"
    )
    import json

    return json.loads(django_snippet(args, env, code))


def server_cpu(args, env, repeat: int = 15) -> dict:
    """CPU seconds of the web process per request (median of `repeat`, warm), every path of
    the mix, in a fresh process with the production settings: what bounds the throughput
    of a machine whose cores are busy. PostgreSQL's own CPU is not in it."""
    code = (
        "import json, statistics, time\n"
        "from django.test import Client\n"
        "from accounts.models import ApiToken, User\n"
        "from accounts.services import api_token_create\n"
        "ApiToken.objects.filter(name='bench cpu').delete()\n"
        "token = api_token_create(user=User.objects.get(username='apiclient'),"
        " name='bench cpu')[1]\n"
        "out = {}\n"
        f"for group, username, paths in {[(g, u, sorted(set(p))) for g, u, _w, p in USERS]!r}:\n"
        "    client, extra = Client(), {}\n"
        "    if group == 'api':\n"
        "        extra = {'HTTP_AUTHORIZATION': 'Token ' + token}\n"
        "    else:\n"
        "        client.force_login(User.objects.get(username=username))\n"
        "    for path in paths:\n"
        "        for _ in range(3):\n"
        "            client.get(path, secure=True, **extra)\n"
        "        cpu = []\n"
        f"        for _ in range({repeat}):\n"
        "            start = time.process_time()\n"
        "            response = client.get(path, secure=True, **extra)\n"
        "            cpu.append(time.process_time() - start)\n"
        "        assert response.status_code == 200, (path, response.status_code)\n"
        "        out.setdefault(group + ' ' + path, statistics.median(cpu) * 1000)\n"
        "ApiToken.objects.filter(name='bench cpu').delete()\n"
        "print(json.dumps(out))\n"
    )
    import json

    return json.loads(django_snippet(args, env, code))


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def print_table(stats, elapsed: float) -> tuple[bool, int]:
    """Requests, errors, rate, median and p95 per endpoint; (goal met, errors)."""
    print(f"{'endpoint':<38} {'requests':>8} {'errors':>6} {'req/s':>7} {'median':>8} {'p95':>8}")
    met = True
    total_errors = sum(stats.errors.values())
    for name in sorted(stats.times):
        times = stats.times[name]
        median, p95 = percentile(times, 0.5), percentile(times, 0.95)
        mark = ""
        if goal_row(name):
            ok = median <= GOAL_MEDIAN_MS and p95 <= GOAL_P95_MS
            met &= ok
            mark = "  goal met" if ok else "  goal NOT met"
        print(
            f"{name:<38} {len(times):>8} {stats.errors[name]:>6} {len(times) / elapsed:>7.1f} "
            f"{median:>6.0f}ms {p95:>6.0f}ms{mark}"
        )
    all_times = [t for times in stats.times.values() for t in times]
    print(
        f"{'all':<38} {len(all_times):>8} {total_errors:>6} {len(all_times) / elapsed:>7.1f} "
        f"{percentile(all_times, 0.5):>6.0f}ms {percentile(all_times, 0.95):>6.0f}ms"
    )
    return met, total_errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server (127.0.0.1 only); else gunicorn here")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--think", type=float, default=0.0, help="seconds between clicks")
    parser.add_argument("--workers", type=int, default=6, help="gunicorn processes (README)")
    parser.add_argument("--threads", type=int, default=2, help=">1: gthread workers (README)")
    parser.add_argument(
        "--reuse-port",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="a listening socket per worker (SO_REUSEPORT), as README recommends",
    )
    parser.add_argument(
        "--worker-connections",
        type=int,
        help="gthread: connections a worker holds at most (gunicorn's default 1000)",
    )
    parser.add_argument(
        "--conn-max-age", type=int, default=60, help="CONN_MAX_AGE (production default 60)"
    )
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--cache-url", default="rediscache://127.0.0.1:6379/7")
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--logins", type=int, default=20)
    parser.add_argument("--login-concurrency", type=int, default=4)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout to serve")
    parser.add_argument("--no-server-time", action="store_true")
    parser.add_argument(
        "--try-session-engine", help="e.g. django.contrib.sessions.backends.cached_db"
    )
    parser.add_argument(
        "--try-no-session-save",
        action="store_true",
        help="SESSION_SAVE_EVERY_REQUEST = False (bench/load_settings.py)",
    )
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        parser.error("set DATABASE_URL (a database with the demo county)")
    if args.url and urlsplit(args.url).hostname != "127.0.0.1":
        parser.error("--url must be on 127.0.0.1")

    env = server_env(args)
    print(f"county: {prepare(args, env)}", flush=True)
    collectstatic(args, env)
    server = None if args.url else start_server(args, env)
    base = args.url or f"http://127.0.0.1:{args.port}"
    try:
        print(f"load average before: {load_average()}", flush=True)
        clients = sign_in(base, args.users, api_token(args, env))
        stats = Stats()
        deadline = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=simulated_user,
                args=(client, group, paths, i, stats, deadline, args.max_requests, args.think),
                daemon=True,
            )
            for i, (group, client, paths) in enumerate(clients)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(args.seconds + 120)
        elapsed = time.perf_counter() - started
        load_during = load_average()
        login_times, login_elapsed, login_errors = measure_logins(
            base, args.logins, args.login_concurrency
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)

    print(
        f"\n{args.users} users, {elapsed:.0f} s, think {args.think} s, gunicorn "
        f"{args.workers} workers{f' x {args.threads} threads' if args.threads > 1 else ''}"
        f"{', a socket per worker' if args.reuse_port else ', one shared socket'}, "
        f"load average at the end {load_during}\n"
    )
    met, total_errors = print_table(stats, elapsed)
    if login_times:
        print(
            f"\nlogins ({args.logins}, {args.login_concurrency} at a time, after the load): "
            f"median {statistics.median(login_times) * 1000:.0f} ms, "
            f"{len(login_times) / login_elapsed:.1f} logins/s, errors {login_errors}"
        )
    print(
        f"goal (0 errors; dashboards and API lists median <= {GOAL_MEDIAN_MS} ms, "
        f"p95 <= {GOAL_P95_MS} ms): errors {'met' if total_errors == 0 else 'NOT met'}, "
        f"latency {'met' if met else 'NOT met'}"
    )
    if not args.no_server_time:
        print("\nweb-process CPU per request (in-process, warm, median):")
        for name, ms in server_cpu(args, env).items():
            print(f"  {name:<50} {ms:6.1f} ms")
        times = dashboard_server_time(args, env)
        for name, t in times.items():
            print(
                f"{name} dashboard, one request in-process: cold {t['cold_ms']:.0f} ms "
                f"({t['cold_queries']} queries), warm median {t['warm_ms']:.1f} ms "
                f"({t['warm_queries']} queries); goal <= 50 ms: "
                f"{'met' if t['warm_ms'] <= 50 else 'NOT met'}"
            )
    for kind, count in sorted(stats.kinds.items()):
        print(f"error: {count} × {kind}")
    return 0 if total_errors == 0 and met else 1


if __name__ == "__main__":
    sys.exit(main())
