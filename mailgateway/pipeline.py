"""Processing one stored mail: parse, classify, route, thread, then the ticket services.

`inbound_process()` is what the Celery task runs. It is idempotent: the ticket message and
the raw row's `done` status commit in one transaction, and the row holds the unique link
to its message, so running it twice (a worker killed mid-way, a redelivered task) gives
one ticket message (MAIL.md no-loss rule 5). A failure is recorded on the row and never
stops other mail (rule 6).

Here the mail is judged; filing.py files it through the ticket services, outcome.py
records the result, and services.py holds what people ask of stored mail (accept,
reprocess, quarantine).
"""

from __future__ import annotations

import logging
import traceback

import psycopg
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from mailgateway import notices
from mailgateway.addresses import is_ours, our_addresses
from mailgateway.classify import Classification, classify
from mailgateway.convert import sender_address
from mailgateway.errors import OperatorError, SenderError, TooLarge
from mailgateway.filing import mail_append, mail_open, unknown_sender
from mailgateway.models import FINAL_STATUSES, ErrorKind, InboundMail, InboundStatus
from mailgateway.outcome import Outcome, outcome_record
from mailgateway.parse import ParsedMail, parse
from mailgateway.reports import report_file
from mailgateway.route import delivery_addresses, department_for, thread_find, user_for
from mailgateway.spam import SpamSettings, spam_verdict
from mailgateway.store import HEAD_SCAN, raw_load
from tickets import access

logger = logging.getLogger("mailgateway")


def inbound_process(*, mail_id: int) -> InboundMail:
    """Processes one stored mail; records the result (or the failure) on its row."""
    try:
        with transaction.atomic():
            mail = (
                InboundMail.objects.select_for_update(of=("self",))
                .with_first_copy()
                .get(pk=mail_id)
            )
            if mail.status in FINAL_STATUSES:
                return mail
            _commit_without_waiting_for_disk()
            outcome = _deliver(mail, raw_load(mail_id))
            outcome_record(mail, outcome)
        return mail
    except SenderError as exc:
        logger.info("inbound mail %s: %s", mail_id, exc.reason)
        mail = _record_failure(mail_id, exc.reason, ErrorKind.SENDER, InboundStatus.QUARANTINED)
        if isinstance(exc, TooLarge):
            try:
                inbound_oversize_notify(mail_id=mail_id)
            except Exception:  # the mail is safely quarantined; only the notice is lost
                logger.exception("inbound mail %s: the oversize notice failed", mail_id)
        return mail
    except (OperatorError, DatabaseError, IntegrityError, OSError, *TEMPORARY_DB_ERRORS) as exc:
        reason = getattr(exc, "reason", None) or f"{type(exc).__name__}: {exc}"
        logger.error("inbound mail %s failed: %s", mail_id, reason)
        return _record_failure(mail_id, reason, ErrorKind.OPERATOR, InboundStatus.FAILED)
    except Exception:
        # A bug or a data problem: tried again once, quarantined when it fails the same
        # way (issue 18); the task quarantines after MAIL_PROCESS_ATTEMPTS in any case.
        reason = traceback.format_exc(limit=8)
        logger.exception("inbound mail %s could not be processed", mail_id)
        return _record_failure(
            mail_id, reason, ErrorKind.OPERATOR, InboundStatus.FAILED, repeated_quarantines=True
        )


# The bare psycopg cursor of the raw read raises psycopg's own errors, not Django's: a
# connection terminated by the server (AdminShutdown), lost (OperationalError,
# InterfaceError), a deadlock or a serialization failure (both OperationalError). They are
# temporary: the mail is retried with back-off, never quarantined on the spot (issue 18).
TEMPORARY_DB_ERRORS = (psycopg.OperationalError, psycopg.InterfaceError)


def inbound_oversize_notify(*, mail_id: int) -> None:
    """The sender of a mail quarantined for its size hears it once (MAIL.md rule 9); only
    the header block is read, which is all an IMAP or POP3 source fetched of it."""
    mail = InboundMail.objects.select_related("mailbox__default_department").get(pk=mail_id)
    parsed = parse(_header_block(raw_load(mail_id)), envelope_recipients=mail.envelope_recipients)
    kind = classify(parsed, envelope_sender=mail.envelope_sender)
    default = mail.mailbox.default_department if mail.mailbox is not None else None
    department = department_for(delivery_addresses(mail, parsed), our_addresses(), default)
    with transaction.atomic():
        notices.mail_too_large(mail=mail, parsed=parsed, kind=kind, department=department)


def _spam_verdict(raw: bytes, parsed: ParsedMail) -> str:
    """Why a stranger's mail is spam, or "" (P7): mail from the verified address of an
    account (the personal account's owner) is never filtered."""
    if not parsed.sender_problem and parsed.from_email:
        user = user_for(parsed.from_email)
        if user is not None and user.email_verified and user.is_active:
            return ""
    config = SpamSettings(
        headers=settings.MAIL_SPAM_HEADERS,
        score_header=settings.MAIL_SPAM_SCORE_HEADER,
        threshold=settings.MAIL_SPAM_SCORE_THRESHOLD,
        rspamd_url=settings.MAIL_RSPAMD_URL,
        rspamd_timeout=settings.MAIL_RSPAMD_TIMEOUT,
    )
    return spam_verdict(raw, config, sender=parsed.from_email)


def _header_block(raw: bytes) -> bytes:
    head = raw[:HEAD_SCAN]
    ends = [end for end in (head.find(b"\r\n\r\n"), head.find(b"\n\n")) if end >= 0]
    return head[: min(ends)] + b"\n\n" if ends else head


def _commit_without_waiting_for_disk() -> None:
    """This transaction only derives data from the raw mail, which was durably committed
    before: should the server crash before the commit reaches the disk, the mail is still
    pending and is processed again (idempotently). Not waiting for that flush per mail is
    what lets one worker file well over 100 mails a second on PostgreSQL."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _attempt(n: int, reason: str) -> str:
    return f"{_('Attempt %(n)s') % {'n': n}}: {reason}"


def _record_failure(
    mail_id: int,
    reason: str,
    kind: ErrorKind,
    status: InboundStatus,
    *,
    repeated_quarantines: bool = False,
) -> InboundMail:
    """Records a failed attempt; the errors of the earlier attempts are kept below it, so
    that an admin sees whether the mail keeps failing the same way (issue 18). With
    `repeated_quarantines`, failing exactly as in the attempt before quarantines."""
    attempts, before = (
        InboundMail.objects.filter(pk=mail_id).values_list("attempts", "last_error").first()
    ) or (0, "")
    if repeated_quarantines and attempts and before.startswith(_attempt(attempts, reason)):
        status = InboundStatus.QUARANTINED
    history = _attempt(attempts + 1, reason)
    if before and attempts:
        history += "\n\n" + before
    InboundMail.objects.filter(pk=mail_id).exclude(status__in=FINAL_STATUSES).update(
        status=status, attempts=F("attempts") + 1, last_error=history[:10000], error_kind=kind
    )
    mail = InboundMail.objects.get(pk=mail_id)
    if mail.status == InboundStatus.QUARANTINED:
        notices.mail_quarantined(mail_id=mail_id, reason=reason)
    return mail


def _deliver(mail: InboundMail, raw: bytes) -> Outcome:
    if mail.size > settings.MAIL_MAX_MESSAGE_SIZE:
        raise TooLarge(
            _("The mail is larger than the limit of %(mb)s MB.")
            % {"mb": settings.MAIL_MAX_MESSAGE_SIZE // (1024 * 1024)}
        )
    parsed = parse(raw, envelope_recipients=mail.envelope_recipients)
    kind = classify(parsed, envelope_sender=mail.envelope_sender)
    mail.classification = kind
    mail.from_email = parsed.from_email[:254]
    mail.subject = parsed.subject[:255]
    if kind == Classification.OWN_LOOP:
        logger.info("inbound mail %s is our own mail come back: no ticket flow", mail.pk)
        return Outcome(InboundStatus.IGNORED, _("Our own mail came back (mail loop)."))
    first_copy: int | None = getattr(mail, "first_copy", None)  # with_first_copy()
    duplicate = InboundMail.objects.get(pk=first_copy) if first_copy else None
    if duplicate is not None:
        return Outcome(
            InboundStatus.IGNORED,
            _("The same mail was already received (#%(id)s).") % {"id": duplicate.pk},
            ticket=duplicate.ticket,
            duplicate_of=duplicate,
        )
    ours = our_addresses()
    addresses = delivery_addresses(mail, parsed)
    default = mail.mailbox.default_department if mail.mailbox is not None else None
    department = department_for(addresses, ours, default)
    if kind in (Classification.BOUNCE, Classification.READ_RECEIPT):
        return report_file(mail, parsed, kind, addresses, department)
    verdict = "" if mail.not_spam else _spam_verdict(raw, parsed)
    if verdict:
        logger.info("inbound mail %s is spam: %s", mail.pk, verdict)
        return Outcome(InboundStatus.SPAM, verdict, department=department)
    if parsed.sender_problem:
        return unknown_sender(parsed, department, addresses)
    sender = sender_address(parsed)
    if is_ours(sender, ours):
        return Outcome(InboundStatus.IGNORED, _("Sent from one of our own addresses."))
    user = user_for(sender)
    thread = thread_find(parsed, addresses)
    linked = None
    if thread is not None:
        if user is not None and access.may_write(user, thread.ticket):
            return mail_append(mail, parsed, kind, user, thread, addresses, ours)
        linked = thread.ticket  # a stranger: a new ticket that points at it (rule 9)
    if kind == Classification.OUT_OF_OFFICE:
        return Outcome(InboundStatus.IGNORED, _("An out-of-office reply to none of our tickets."))
    if department is None:
        raise OperatorError(
            _("No department has any of the addresses %(addresses)s, and no default is set.")
            % {"addresses": ", ".join(addresses) or "-"}
        )
    return mail_open(mail, parsed, kind, user, sender, department, linked, ours)
