"""In CI (CI=true) a missing mail corpus or Dovecot fails the run instead of skipping the mail
tests (issue 14); the corpus is found through $MAIL_CORPUS or ../shared/corpus only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
A_QUICK_TEST = "tests/helpdesk/test_deployment.py::test_the_license_file_is_the_one_pyproject_names"


def run_pytest(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", A_QUICK_TEST],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )


def test_ci_fails_the_run_when_the_mail_corpus_is_missing(tmp_path):
    result = run_pytest(CI="true", MAIL_CORPUS=str(tmp_path / "no-corpus"))
    assert result.returncode == 4, result.stdout
    assert "missing: the mail corpus ($MAIL_CORPUS or ../shared/corpus)" in result.stdout


def test_outside_ci_a_missing_corpus_only_skips_the_corpus_tests(tmp_path):
    result = run_pytest(CI="", MAIL_CORPUS=str(tmp_path / "no-corpus"))
    assert result.returncode == 0, result.stdout
    assert "1 passed" in result.stdout


def test_the_corpus_is_taken_from_mail_corpus_when_set(tmp_path):
    (tmp_path / "MANIFEST.txt").write_text("# empty\n", encoding="utf-8")
    code = "from tests.mailgateway.corpus import corpus_dir; print(corpus_dir())"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "MAIL_CORPUS": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == str(tmp_path)
