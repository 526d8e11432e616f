"""`manage.py ingest_email` as an MTA runs it: exit 0 only once stored, 75 to make the MTA
retry, 65/66 for bad input (MAIL.md no-loss rule 1; issue 5)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from mailgateway.models import InboundMail, InboundStatus
from tests.helpers import postgres_only
from tests.mailgateway.mails import plain
from tests.workers import database_url
from tickets.models import Ticket

ROOT = Path(__file__).resolve().parents[2]


def run_pipe(
    *args: str, stdin: bytes = b"", env: dict | None = None
) -> subprocess.CompletedProcess:
    """The command in its own process, fed on standard input like Postfix's pipe(8)."""
    return subprocess.run(
        [sys.executable, "manage.py", "ingest_email", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        env={**os.environ, "CELERY_TASK_ALWAYS_EAGER": "true", **(env or {})},
        timeout=60,
    )


def exit_code(*args: str, stdin: bytes = b"") -> int:
    sys_stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    try:
        call_command("ingest_email", *args, stdout=io.StringIO(), stderr=io.StringIO())
    except SystemExit as exc:
        return int(exc.code)
    finally:
        sys.stdin = sys_stdin
    return 0


@pytest.mark.django_db
def test_a_piped_mail_is_stored_with_its_envelope(support, tmp_path):
    path = tmp_path / "mail.eml"
    path.write_bytes(plain())
    code = exit_code(str(path), "--recipient", "Support@helpdesk.example", "--sender", "<>")
    mail = InboundMail.objects.get()
    assert code == 0
    assert (mail.source, mail.envelope_recipients, mail.envelope_sender) == (
        "pipe",
        ["support@helpdesk.example"],
        "",
    )


@pytest.mark.django_db
def test_stdin_is_read_when_no_file_is_given(support):
    assert exit_code("-", stdin=plain()) == 0
    assert InboundMail.objects.count() == 1


@pytest.mark.django_db
def test_unreadable_and_empty_input_have_their_exit_codes(tmp_path):
    assert exit_code(str(tmp_path / "missing.eml")) == 66
    assert exit_code("-", stdin=b"  \n") == 65
    assert InboundMail.objects.count() == 0


def test_a_database_that_is_down_makes_the_mta_retry():
    """The database at a closed port: exit 75 (EX_TEMPFAIL), so Postfix keeps the mail."""
    result = run_pipe(
        "-", stdin=plain(), env={"DATABASE_URL": "postgres://postgres@127.0.0.1:9/none"}
    )
    assert result.returncode == 75, result.stderr
    assert b"temporary failure" in result.stderr


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("_pg", [pytest.param(None, marks=postgres_only)])
def test_the_pipe_process_stores_and_the_mail_becomes_a_ticket(_pg, support, tmp_path):
    result = run_pipe(
        "-",
        "--recipient",
        "support@helpdesk.example",
        stdin=plain(subject="По трубе"),
        env={"DATABASE_URL": database_url(), "MEDIA_ROOT": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    mail = InboundMail.objects.get()
    assert mail.status == InboundStatus.DONE
    assert Ticket.objects.get().subject == "По трубе"
