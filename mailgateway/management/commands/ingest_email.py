"""`manage.py ingest_email [FILE|-]`: the pipe command for an MTA (Postfix, Exim).

It stores the mail and exits 0 only once the raw mail is committed (MAIL.md no-loss rule
1); processing happens in a worker. Exit codes follow sysexits.h, so the MTA retries what
may succeed later: 75 (EX_TEMPFAIL) when the mail could not be stored, whatever the reason
(a lost database connection, a full disk, an unexpected error; issue 18), 66 (EX_NOINPUT)
for a file that cannot be read, 65 (EX_DATAERR) for empty input.

Postfix master.cf, for example:
  helpdesk unix - n n - - pipe flags=Rq user=helpdesk argv=/app/.venv/bin/python
    /app/manage.py ingest_email - --recipient ${recipient} --sender ${sender}
"""

from __future__ import annotations

import logging
import sys
import uuid

from django.core.management.base import BaseCommand

from mailgateway.errors import TemporaryStoreError
from mailgateway.models import Source
from mailgateway.store import inbound_store

logger = logging.getLogger("mailgateway")

EX_OK = 0
EX_DATAERR = 65
EX_NOINPUT = 66
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Stores one mail from a file or standard input (for an MTA's pipe transport)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-", help="an .eml file, or - (stdin)")
        parser.add_argument(
            "--recipient", action="append", default=[], help="envelope recipient (repeatable)"
        )
        parser.add_argument("--sender", default=None, help="envelope sender (empty for <>)")

    def handle(self, *args, file: str, recipient: list[str], sender: str | None, **options):
        try:
            if file == "-":
                raw = sys.stdin.buffer.read()
            else:
                with open(file, "rb") as stream:
                    raw = stream.read()
        except OSError as exc:
            self.stderr.write(f"cannot read {file}: {exc.strerror or exc}")
            sys.exit(EX_NOINPUT)
        if not raw.strip():
            self.stderr.write("empty input: no mail")
            sys.exit(EX_DATAERR)
        try:
            mail, _created = inbound_store(
                raw=raw,
                source=Source.PIPE,
                source_id=f"pipe-{uuid.uuid4().hex}",
                envelope_sender=sender.strip("<>") if sender is not None else None,
                envelope_recipients=recipient,
            )
        except TemporaryStoreError as exc:
            self.stderr.write(f"temporary failure, the MTA should retry: {exc}")
            sys.exit(EX_TEMPFAIL)
        except Exception as exc:  # unexpected, but ours: the MTA keeps the mail (issue 18)
            logger.exception("ingest_email could not store a mail")
            self.stderr.write(f"temporary failure, the MTA should retry: {exc}")
            sys.exit(EX_TEMPFAIL)
        self.stdout.write(f"stored as inbound mail {mail.pk}")
