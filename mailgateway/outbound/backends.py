"""The quick start's mail catcher: every mail written to EMAIL_FILE_PATH, readable by a person.

Each mail becomes two files: `<time>-<n>.eml`, the exact bytes (open it in a mail client),
and `<time>-<n>.txt`, the same mail decoded: addresses, subject and threading headers in
plain Unicode, the text part, the names of the attachments. Cyrillic bodies travel in
base64, so the .eml alone is hard to read.
"""

from __future__ import annotations

import email
import itertools
import os
import threading
from email import policy
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

SHOWN_HEADERS = (
    "From",
    "To",
    "Cc",
    "Reply-To",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Auto-Submitted",
)
_counter = itertools.count(1)
_lock = threading.Lock()


def readable(raw: bytes) -> str:
    mime = email.message_from_bytes(raw, policy=policy.default)
    lines = [f"{name}: {mime[name]}" for name in SHOWN_HEADERS if mime[name] is not None]
    text = mime.get_body(("plain",))
    lines += ["", text.get_content() if text is not None else "(no text part)"]
    attachments = [part.get_filename() or "(unnamed)" for part in mime.iter_attachments()]
    if attachments:
        lines += ["", "Attachments: " + ", ".join(attachments)]
    return "\n".join(lines).rstrip() + "\n"


def _write_private(path: Path, data: bytes) -> None:
    """Writes a new file that is never readable by others, not even for a moment."""
    mode = settings.FILE_UPLOAD_PERMISSIONS
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "wb") as stream:
        os.fchmod(stream.fileno(), mode)  # the umask may have taken bits away
        stream.write(data)


class ReadableFileBackend(BaseEmailBackend):
    def __init__(self, *args, file_path: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.path = Path(file_path or settings.EMAIL_FILE_PATH)
        self.path.mkdir(parents=True, exist_ok=True)
        self.path.chmod(settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS)

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            raw = message.message().as_bytes()
            with _lock:
                stem = f"{timezone.now():%Y%m%d-%H%M%S}-{next(_counter):04d}"
            _write_private(self.path / f"{stem}.eml", raw)
            _write_private(self.path / f"{stem}.txt", readable(raw).encode("utf-8"))
            sent += 1
        return sent
