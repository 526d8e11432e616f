"""Small things many tests need."""

from __future__ import annotations

import io
import time
from collections.abc import Callable

import pytest
from django.conf import settings
from PIL import Image


def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


# Tests that prove PostgreSQL-only behaviour (row locks under real concurrency, a worker
# process that must see the test database): they run in CI's PostgreSQL pass.
postgres_only = [
    pytest.mark.postgres,
    pytest.mark.skipif(not on_postgres(), reason="needs PostgreSQL; runs in CI's PostgreSQL pass"),
]


def png_bytes(size: tuple[int, int] = (8, 8), color: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def wait_for(condition: Callable[[], object], timeout: float = 40.0, what: str = "") -> None:
    """Polls until `condition()` is true: for work done by another process (a worker)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what or condition}")
