"""The raw store: every source hands its bytes here before acknowledging anything.

MAIL.md no-loss rules 1, 2 and 5: one row per received message, committed before the
source acknowledges it; the processing task is queued only once the row is committed.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import re
from collections.abc import Iterable

import psycopg
from django.db import DatabaseError, IntegrityError, connection, transaction

from helpdesk.celery import app as celery_app
from mailgateway.errors import TemporaryStoreError
from mailgateway.headers import decode_header, message_ids, parse_addresses
from mailgateway.models import InboundMail, InboundStatus, Mailbox, Source

logger = logging.getLogger(__name__)

PROCESS_TASK = "mailgateway.tasks.process_inbound_mail"
OVERSIZE_TASK = "mailgateway.tasks.notify_oversize_sender"
HEAD_SCAN = 256 * 1024
_HEADER = re.compile(rb"^(message-id|from|subject)[ \t]*:(.*(?:\r?\n[ \t].*)*)", re.I | re.M)


def _head(raw: bytes) -> dict[str, str]:
    """Message-ID, From and Subject from the header block, without parsing the mail."""
    head = raw[:HEAD_SCAN]
    for separator in (b"\r\n\r\n", b"\n\n"):
        end = head.find(separator)
        if end >= 0:
            head = head[:end]
            break
    found: dict[str, str] = {}
    for match in _HEADER.finditer(head):
        name = match.group(1).decode().lower()
        found.setdefault(name, match.group(2).decode("ascii", "surrogateescape"))
    return found


def _sender(value: str | None, defects: list[str]) -> str:
    found = parse_addresses([value], defects) if value else []
    return (found[0][1] if found else "")[:254]


def dedupe_key(message_id: str, sha256: str) -> str:
    """The same mail however it arrives: its Message-ID, or its bytes when it has none."""
    if message_id:
        return "mid:" + hashlib.sha256(message_id.encode("utf-8", "replace")).hexdigest()
    return "sha:" + sha256


def inbound_store(
    *,
    raw: bytes,
    source: Source,
    mailbox: Mailbox | None = None,
    uidvalidity: int | None = None,
    uid: str = "",
    source_id: str = "",
    envelope_sender: str | None = None,
    envelope_recipients: Iterable[str] = (),
    enqueue: bool = True,
    too_large: int | None = None,
) -> tuple[InboundMail, bool]:
    """Stores a received mail and queues its processing; (row, created).

    A mail already stored under the same source identity (a re-fetched UID, a replayed
    webhook) returns the existing row. Raises TemporaryStoreError when the database cannot
    take it: the caller must then not acknowledge the mail to its source.

    `too_large` is the real size of a mail over MAIL_MAX_MESSAGE_MB of which only the
    headers were fetched: it is recorded in quarantine, not processed (MAIL.md rule 9).
    """
    head = _head(raw)
    ids = message_ids(head.get("message-id"))
    message_id = ids[0][:998] if ids else ""
    sha256 = hashlib.sha256(raw).hexdigest()
    defects: list[str] = []
    try:
        with transaction.atomic():
            binary = connection.vendor == "postgresql"
            mail = InboundMail.objects.create(
                source=source,
                mailbox=mailbox,
                uidvalidity=uidvalidity,
                uid=uid,
                source_id=source_id,
                envelope_sender=envelope_sender,
                envelope_recipients=[r.strip().lower() for r in envelope_recipients],
                raw=b"" if binary else raw,
                size=too_large or len(raw),
                sha256=sha256,
                message_id_header=message_id,
                dedupe_key=dedupe_key(message_id, sha256),
                from_email=_sender(head.get("from"), defects),
                subject=decode_header(head.get("subject"), defects)[:255],
                status=InboundStatus.QUARANTINED if too_large else InboundStatus.PENDING,
                last_error=(
                    f"larger than the limit ({too_large} bytes): only the headers were "
                    "fetched; the mail is still on the server"
                    if too_large
                    else ""
                ),
            )
            if binary:
                _raw_write_binary(mail.pk, raw)
            mail.__dict__.pop("raw", None)  # not kept in memory: loaded again when needed
            if enqueue and not too_large:
                transaction.on_commit(lambda: enqueue_processing(mail.pk))
            elif enqueue:
                transaction.on_commit(lambda: _enqueue_oversize_notice(mail.pk))
    except IntegrityError:
        existing = _existing(source, mailbox, uidvalidity, uid, source_id)
        if existing is None:
            raise TemporaryStoreError("the mail could not be stored") from None
        return existing, False
    except (DatabaseError, psycopg.Error, OSError) as exc:
        # Django's errors, and the bare psycopg cursor's of the raw write (not Django's):
        # a lost connection, a server restart, a full disk or quota (issue 18).
        logger.error("inbound mail could not be stored: %s: %s", type(exc).__name__, exc)
        raise TemporaryStoreError(
            f"{type(exc).__name__}: {exc}", no_space=is_no_space(exc)
        ) from exc
    return mail, True


# PostgreSQL's disk_full; SQLite's SQLITE_FULL; a full disk or quota for files.
_PG_DISK_FULL = "53100"
_SQLITE_FULL = 13
_NO_SPACE_ERRNOS = (errno.ENOSPC, errno.EDQUOT)


def is_no_space(exc: BaseException | None) -> bool:
    """Whether a failure to store means "no space left" (a disk or a quota is full)."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in _NO_SPACE_ERRNOS:
            return True
        if getattr(exc, "sqlstate", None) == _PG_DISK_FULL:
            return True
        if getattr(exc, "sqlite_errorcode", None) == _SQLITE_FULL:
            return True
        exc = exc.__cause__
    return False


# The raw bytes on PostgreSQL travel in the binary protocol: Django's default client-side
# binding would send a 20 MB mail as a 40 MB hex literal and read it back the same way,
# tripling the memory a large mail takes (issue 5: under 200 MB for a 20 MB attachment).
RAW_WRITE = "UPDATE mailgateway_inboundmail SET raw = %s WHERE id = %s"
RAW_READ = "SELECT raw FROM mailgateway_inboundmail WHERE id = %s"


def _raw_write_binary(mail_id: int, raw: bytes) -> None:
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(RAW_WRITE, [raw, mail_id])


def raw_load(mail_id: int) -> bytes:
    """The raw bytes of a stored mail, exactly as received."""
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(RAW_READ, [mail_id], binary=True)
            row = cursor.fetchone()
        if row is None:
            raise InboundMail.DoesNotExist(mail_id)
        return bytes(row[0])
    return bytes(InboundMail.objects.values_list("raw", flat=True).get(pk=mail_id))


def _existing(source, mailbox, uidvalidity, uid, source_id) -> InboundMail | None:
    if mailbox is not None:
        return InboundMail.objects.filter(mailbox=mailbox, uidvalidity=uidvalidity, uid=uid).first()
    if source_id:
        return InboundMail.objects.filter(source=source, source_id=source_id).first()
    return None


def _enqueue_oversize_notice(mail_id: int) -> None:
    """The sender of a mail kept for its size gets a notice (MAIL.md rule 9), by name as
    enqueue_processing does; a broker down only costs the notice, never the mail."""
    try:
        celery_app.signature(OVERSIZE_TASK, args=(mail_id,)).delay()
    except Exception as exc:
        logger.warning("could not queue the oversize notice of inbound mail %s: %s", mail_id, exc)


def enqueue_processing(mail_id: int) -> None:
    """Queues the processing task; a lost task is re-queued by the sweeper (tasks.py).

    The task is named, not imported: tasks.py sits above the sources that call this.
    """
    try:
        celery_app.signature(PROCESS_TASK, args=(mail_id,)).delay()
    except Exception as exc:  # broker down: the mail is stored, the sweeper queues it later
        logger.warning("could not queue inbound mail %s: %s", mail_id, exc)
