"""Private servers for fault tests: a Redis and a PostgreSQL cluster that a test may stop and
restart (the machine's shared ones are never touched), a gunicorn web process and a Celery
worker pointed at them, and a small HTTP client that signs in like a browser.

Every class cleans up in `close()`: the fixtures in conftest.py call it even when a test fails.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg2

from tests.celery_worker import ROOT, WorkerProcess


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout: float = 60, what: str = "condition", log=None):
    """Poll `predicate` until it returns something truthy; fail with `what` (and `log()`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    detail = f"\n{log()[-4000:]}" if log else ""
    raise AssertionError(f"timed out waiting for {what}{detail}")


def _stop_group(process: subprocess.Popen | None, timeout: float = 15) -> None:
    """SIGTERM a process group started with start_new_session, SIGKILL if it lingers."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    except ProcessLookupError:
        pass


class PrivateRedis:
    """`redis-server` on a free port, keeping nothing on disk (like the production default
    here): stopping it loses every queued message."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="lty-redis-"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=2)

    def start(self, timeout: float = 20) -> PrivateRedis:
        import redis

        log = open(self.dir / "redis.log", "ab")
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--dir", str(self.dir)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()

        def up():
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited: {self.log()[-2000:]}")
            try:
                return self.client().ping()
            except redis.RedisError:
                return False

        wait_until(up, timeout=timeout, what="the private Redis to answer")
        return self

    def stop(self) -> None:
        """Shut Redis down (SIGTERM); with no persistence its queues are gone."""
        _stop_group(self.process)
        self.process = None

    def log(self) -> str:
        path = self.dir / "redis.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def postgres_bindir() -> Path | None:
    """The newest PostgreSQL server binaries on this machine (Debian keeps them off PATH)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(re.search(r"/(\d+)/bin", p).group(1)),
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PrivatePostgres:
    """A throw-away PostgreSQL cluster on a free port, in a temporary directory.

    initdb refuses to run as root, so as root the cluster belongs to the `postgres` user
    (`runuser`). The socket lives in the cluster's directory; TCP on 127.0.0.1 only.
    """

    def __init__(self):
        self.bindir = postgres_bindir()
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="lty-pg-"))
        self.data = self.dir / "data"
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            self.as_owner = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.dir, "postgres", "postgres")
        self.started = False

    def _run(self, *args, timeout: float = 60) -> None:
        subprocess.run(
            [*self.as_owner, *map(str, args)],
            check=True,
            timeout=timeout,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=self.dir,
        )

    def init(self) -> PrivatePostgres:
        self._run(self.bindir / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"port = {self.port}\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.dir}'\n"
                "max_connections = 40\nshared_buffers = 16MB\n"
                "fsync = off\nfull_page_writes = off\nsynchronous_commit = off\n"
            )
        return self

    def start(self) -> None:
        self._run(self.bindir / "pg_ctl", "-D", self.data, "-l", self.dir / "server.log",
                  "-w", "-t", "60", "start")  # fmt: skip
        self.started = True

    def stop(self, mode: str = "fast") -> None:
        """Shut down: `fast` ends every session (rolling back what they had not committed)."""
        self._run(self.bindir / "pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop")
        self.started = False

    def restart(self) -> None:
        self._run(self.bindir / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "60",
                  "-l", self.dir / "server.log", "restart")  # fmt: skip
        self.started = True

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres"):
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=dbname)
        conn.autocommit = True
        return conn

    def copy_database(self, source: dict, dbname: str) -> str:
        """Create `dbname` here holding everything of the database `source` (a Django
        settings dict): pg_dump | pg_restore, much faster than migrating from scratch."""
        conn = self.connect()
        try:
            with conn.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{dbname}"')
        finally:
            conn.close()
        env = dict(os.environ)
        env.update(PGHOST=source.get("HOST") or "127.0.0.1", PGPORT=str(source.get("PORT") or 5432),
                   PGUSER=source.get("USER") or "postgres")  # fmt: skip
        if source.get("PASSWORD"):
            env["PGPASSWORD"] = source["PASSWORD"]
        dump = self.dir / f"{dbname}.dump"
        subprocess.run([self.bindir / "pg_dump", "-Fc", "-f", dump, source["NAME"]],
                       env=env, check=True, timeout=120)  # fmt: skip
        subprocess.run([self.bindir / "pg_restore", "--no-owner", "--exit-on-error", "-h",
                        "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", dbname, dump],
                       check=True, timeout=120)  # fmt: skip
        return self.url(dbname)

    def log(self) -> str:
        path = self.dir / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def close(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self.stop(mode="immediate")
            except subprocess.SubprocessError:
                pid = int((self.data / "postmaster.pid").read_text().split()[0])
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)


class Worker(WorkerProcess):
    """A real Celery worker (tests/celery_worker.py), optionally on another database and with
    extra environment (e.g. persistent database connections)."""

    def __init__(self, broker_url, *, database_url=None, env=None, **kwargs):
        super().__init__(broker_url, **kwargs)
        self.database_url = database_url
        self.extra_env = env or {}

    def env(self) -> dict:
        env = super().env()
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        env.update(self.extra_env)
        return env

    def close(self) -> None:
        self.stop()


class WebProcess:
    """The portal under gunicorn (one sync worker), as deployed, on a free port."""

    def __init__(self, env: dict):
        self.port = free_port()
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env}
        self.log_path = ROOT / "test-artifacts" / f"web-{uuid.uuid4().hex[:8]}.log"
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> WebProcess:
        self.log_path.parent.mkdir(exist_ok=True)
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-w", "1", "-b",
             f"127.0.0.1:{self.port}", "--timeout", "120"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()

        def up():
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log()[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return True
            except OSError:
                return False

        wait_until(up, timeout=timeout, what="gunicorn to listen", log=self.log)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def close(self) -> None:
        _stop_group(self.process)


class Browser:
    """Just enough of a browser: cookies, the CSRF token of the last form, multipart upload."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
        )
        self.csrf = ""

    def request(self, path, *, data=None, headers=None, method=None):
        request = urllib.request.Request(
            self.base + path, data=data, headers=headers or {}, method=method
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if found:
            self.csrf = found.group(1).decode()
        return status, body.decode(errors="replace")

    def get(self, path):
        return self.request(path)

    def post(self, path, fields: dict, files: dict | None = None):
        """POST a form (multipart when `files` = {name: (filename, bytes)}) with the CSRF
        token of the last page fetched."""
        fields = {"csrfmiddlewaretoken": self.csrf, **fields}
        if not files:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        else:
            boundary = uuid.uuid4().hex
            parts = []
            for name, value in fields.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n".encode()
                )
            for name, (filename, content) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                    .encode() + content + b"\r\n"
                )  # fmt: skip
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            content_type = f"multipart/form-data; boundary={boundary}"
        return self.request(path, data=body, headers={"Content-Type": content_type})

    def login(self, username: str, password: str = "Test-password-2026") -> None:
        self.get("/login/")
        status, body = self.post("/login/", {"username": username, "password": password})
        assert status == 302, f"login failed ({status}): {body[:500]}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Keep 302s visible: 'saved, then redirected' is the outcome a test asserts."""

    def redirect_request(self, *args, **kwargs):
        return None
