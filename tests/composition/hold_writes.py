"""Imported by a test's Celery worker (`WorkerProcess(include=...)`): every recompute pauses
for three seconds between computing its figures and writing them, long enough for the test
to kill the worker mid-run."""

import time

from composition import services

_insert = services._insert


def _held_insert(*args, **kwargs):
    time.sleep(3)
    return _insert(*args, **kwargs)


services._insert = _held_insert
