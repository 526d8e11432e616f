"""A real Celery worker process for tests, on Redis and the test database (PostgreSQL).

The worker listens on a queue of its own, so that runs sharing the Redis server never
take each other's tasks.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from helpdesk.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
REDIS = "redis://127.0.0.1:6379/9"
# One queue per test run: Celery caches its routing, and a run must never take the tasks
# of another run sharing the Redis server.
QUEUE = f"test-{uuid.uuid4().hex[:12]}"


def database_url() -> str:
    db = settings.DATABASES["default"]
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{connection.settings_dict['NAME']}"
    )


@contextmanager
def celery_worker(
    *, concurrency: int = 1, pool: str = "prefork", extra_env=None
) -> Iterator[subprocess.Popen]:
    """Starts `celery worker` against the test database and routes this process's tasks to it."""
    queue = QUEUE
    media_root = str(settings.MEDIA_ROOT)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": REDIS,
        "CELERY_RESULT_BACKEND": REDIS,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # Tasks the worker enqueues itself (the outbox's send after an inbound mail's
        # commit) go to the same queue.
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "MEDIA_ROOT": media_root,
        **(extra_env or {}),
    }
    _purge(queue)
    log_path = Path(media_root).parent / f"{queue}.log"
    log = open(log_path, "w+")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "helpdesk",
            "worker",
            "-Q",
            queue,
            f"--pool={pool}",
            f"--concurrency={concurrency}",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # The worker's log (INFO: every task received and finished), for tests that wait on it.
    process.log_path = log_path
    celery_app.conf.task_always_eager = False
    try:
        _wait_ready(process, log)
        yield process
    finally:
        celery_app.conf.task_always_eager = True
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        _purge(queue)


def _purge(queue: str) -> None:
    """Drops the tasks an earlier worker of this run left in the queue (a worker stopped with
    tasks still queued, or prefetched and given back at shutdown): the next test's worker
    would run them against that test's data and log results it does not expect."""
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)


def task_results(worker: subprocess.Popen, task: str) -> list[str]:
    """The results the worker logged for `task`, in order ("Task NAME[id] succeeded in ...")."""
    text = worker.log_path.read_text(encoding="utf-8")
    return re.findall(rf"Task {re.escape(task)}\[[\w-]+\] succeeded in [\d.]+s: (.*)", text)


def task_log(worker: subprocess.Popen) -> str:
    """The worker's log lines about tasks (received, succeeded, failed), for failure messages."""
    text = worker.log_path.read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if "Task " in line or "task" in line)


def configure_test_celery() -> None:
    """Points this process's Celery at the test broker and queue once, for the whole run.

    Tasks run eagerly until `celery_worker()` turns that off for its duration. Celery caches
    its broker pool, routing and result backend, so these are never changed mid-run.
    """
    celery_app.conf.update(
        broker_url=REDIS,
        result_backend=REDIS,
        task_default_queue=QUEUE,
        task_always_eager=True,
        task_eager_propagates=True,
    )


def _wait_ready(process: subprocess.Popen, log, timeout: float = 30) -> None:
    from helpdesk.tasks import ping

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"the worker exited:\n{log.read()[-3000:]}")
        try:
            if ping.apply_async().get(timeout=2) == "pong":
                return
        except Exception:  # not up yet
            time.sleep(0.2)
    log.seek(0)
    raise RuntimeError(f"the worker did not answer:\n{log.read()[-3000:]}")
