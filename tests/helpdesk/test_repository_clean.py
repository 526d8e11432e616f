"""The test suite leaves the repository's var/ untouched (issue 14): the SQLite file, captured
mail, uploads, broker files and beat's schedule of a test run live in a temporary folder
(tests/isolation.py), in this process and in every process the tests start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
REPOSITORY_VAR = ROOT / "var"


def outside_the_repository_var(path) -> bool:
    return not Path(path).resolve().is_relative_to(REPOSITORY_VAR.resolve())


def test_the_var_folder_of_a_test_run_is_not_the_repositorys():
    assert outside_the_repository_var(settings.VAR_DIR)
    assert outside_the_repository_var(settings.EMAIL_FILE_PATH)
    assert outside_the_repository_var(settings.CELERY_BEAT_SCHEDULE_FILENAME)
    assert outside_the_repository_var(settings.STATIC_ROOT)


def test_the_file_broker_of_a_test_run_keeps_its_messages_outside_the_repository():
    folders = [
        value
        for key, value in settings.CELERY_BROKER_TRANSPORT_OPTIONS.items()
        if key.endswith("folder") or key.startswith("data_folder")
    ]
    assert all(outside_the_repository_var(folder) for folder in folders)


def test_commands_the_tests_start_write_outside_the_repository_too():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.VAR_DIR); print(s.EMAIL_FILE_PATH); print(s.MEDIA_ROOT); "
        "print(s.DATABASES['default']['NAME'])"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "MEDIA_ROOT"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "helpdesk.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    paths = result.stdout.split()
    assert len(paths) == 4
    assert all(outside_the_repository_var(path) for path in paths)
