"""Small things many tests need."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.test import TestCase
from PIL import Image


def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


# Tests that prove PostgreSQL-only behaviour (row locks under real concurrency, a worker
# process that must see the test database): they run in CI's PostgreSQL pass.
postgres_only = [
    pytest.mark.postgres,
    pytest.mark.skipif(not on_postgres(), reason="needs PostgreSQL; runs in CI's PostgreSQL pass"),
]


@contextmanager
def committed() -> Iterator[None]:
    """Runs, when the block ends, what its code left for after the commit (the event
    stream's after-commit subscribers, the mail they post), as a real commit would; the
    test's own transaction still rolls everything back at its end (issue 16)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield


@contextmanager
def subscribers_run() -> Iterator[None]:
    """Runs, when the block ends, the event stream's after-commit subscribers of its changes
    (as the commit would), but not what they leave for after their own commit: the mail
    they post stays queued in the outbox, as the services left it before issue 16."""
    with TestCase.captureOnCommitCallbacks() as callbacks:
        yield
    with TestCase.captureOnCommitCallbacks():
        for callback in callbacks:
            callback()


def png_bytes(size: tuple[int, int] = (8, 8), color: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def wait_for(
    condition: Callable[[], object],
    timeout: float = 40.0,
    what: str = "",
    explain: Callable[[], str] | None = None,
) -> None:
    """Polls until `condition()` is true: for work done by another process (a worker).

    `explain` adds what the other process did to the failure (a worker's log, say)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    detail = f"\n{explain()}" if explain else ""
    raise AssertionError(f"timed out waiting for {what or condition}{detail}")
