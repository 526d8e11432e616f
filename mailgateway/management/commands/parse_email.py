"""`manage.py parse_email FILE --json`: what the gateway understood of a mail (R4, issue 5).

For people debugging mail, and for our tests. It never fails on a malformed mail: it
prints what could be recovered and exits 0; only an unreadable file is an error.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mailgateway.classify import classify
from mailgateway.parse import ParsedMail, parse


def mail_summary(mail: ParsedMail) -> dict[str, Any]:
    """The JSON object of the issue: every field the gateway reads from a mail."""
    return {
        "from_email": mail.from_email or None,
        "from_name": mail.from_name or None,
        "to": list(mail.to),
        "cc": list(mail.cc),
        "delivered_to": list(mail.delivered_to),
        "subject": mail.subject,
        "date": mail.date.isoformat() if mail.date else None,
        "message_id": mail.message_id or None,
        "in_reply_to": mail.in_reply_to or None,
        "references": list(mail.references),
        "text": mail.text,
        "html": mail.html,
        "attachments": [
            {
                "filename": attachment.filename,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "sha256": attachment.sha256,
            }
            for attachment in mail.attachments
        ],
        "classification": str(classify(mail)),
        "defects": list(mail.defects),
    }


class Command(BaseCommand):
    help = "Parses one mail (a file, or - for standard input) and prints what was understood."

    def add_arguments(self, parser):
        parser.add_argument("file", help="an .eml file, or - for standard input")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--envelope-to", action="append", default=[], help="an envelope recipient"
        )

    def handle(self, *args, file: str, json: bool, envelope_to: list[str], **options):
        try:
            if file == "-":
                raw = sys.stdin.buffer.read()
            else:
                with open(file, "rb") as stream:
                    raw = stream.read()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from exc
        summary = mail_summary(parse(raw, envelope_recipients=envelope_to))
        if json:
            self.stdout.write(_dumps(summary))
            return
        for key, value in summary.items():
            if key in ("text", "html"):
                continue
            self.stdout.write(f"{key}: {value}")
        self.stdout.write("")
        self.stdout.write(summary["text"])


def _dumps(summary: dict[str, Any]) -> str:
    return json.dumps(summary, ensure_ascii=False, indent=1)
