"""A real Celery worker process for integration tests, on the real broker and test database."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """The URL of the database the tests are using right now (the test database)."""
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    auth = s.get("USER") or ""
    if s.get("PASSWORD"):
        auth += f":{s['PASSWORD']}"
    host = s.get("HOST") or ""
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth + '@' if auth else ''}{host}{port}/{s['NAME']}"


class WorkerProcess:
    """`celery -A config worker` in a subprocess, consuming a queue private to this test."""

    def __init__(
        self,
        broker_url: str,
        queue: str | None = None,
        concurrency: int = 1,
        include: tuple[str, ...] = (),
    ):
        """`include`: modules the worker imports at start, e.g. one that patches the code
        under test (tests patch; production signatures carry no test-only knobs)."""
        self.broker_url = broker_url
        self.queue = queue or f"lty-test-{uuid.uuid4().hex[:12]}"
        self.concurrency = concurrency
        self.include = include
        self.name = f"w{uuid.uuid4().hex[:8]}@test"
        self.process: subprocess.Popen | None = None
        self.log_path = ROOT / "test-artifacts" / f"celery-{self.name.split('@')[0]}.log"

    def env(self) -> dict:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=database_url(),
            CELERY_BROKER_URL=self.broker_url,
            CELERY_TASK_DEFAULT_QUEUE=self.queue,
            DJANGO_SETTINGS_MODULE="config.settings.test",
        )
        return env

    def start(self, timeout: float = 30) -> "WorkerProcess":
        self.log_path.parent.mkdir(exist_ok=True)
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "INFO",
             "-P", "prefork", "-c", str(self.concurrency), "-n", self.name, "-Q", self.queue,
             "--without-gossip", "--without-mingle", "--without-heartbeat",
             *(("--include", ",".join(self.include)) if self.include else ())],
            cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early; see {self.log_path}")
            if b"ready." in self.log_path.read_bytes():
                return self
            time.sleep(0.2)
        raise RuntimeError(f"worker did not become ready; see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL the whole worker (parent and pool children), as a crash would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 9)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
