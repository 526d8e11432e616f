"""Tests never write into the repository's var/ (issue 14).

Loaded with `-p tests.isolation` (pyproject's addopts) so that it runs before pytest-django
imports the settings: the settings create HELPDESK_VAR_DIR and its broker folders, and
default the SQLite file, captured mail, uploads and beat's schedule to it. Each pytest
process (the xdist controller and every worker) gets a folder of its own, removed at the
end; subprocesses the tests start (Celery workers, `manage.py` commands) inherit it.
"""

from __future__ import annotations

import os
import shutil
import tempfile

VAR_DIR = tempfile.mkdtemp(prefix="helpdesk-test-var-")
os.environ["HELPDESK_VAR_DIR"] = VAR_DIR


def pytest_unconfigure(config) -> None:
    shutil.rmtree(VAR_DIR, ignore_errors=True)
