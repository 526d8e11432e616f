"""The outbox: writing mail rows and sending them (MAIL.md, outbox rule 8).

`queue()` runs inside the caller's transaction: the mail row commits with the change that
caused it (mailer.post() enqueues the sending task on commit). `deliver()` is what that
task runs: idempotent by row id, temporary failures deferred with back-off, permanent
ones failed and the refused addresses suppressed. `stuck()` finds what a lost task or a
dead worker left behind, for the sweeper.
"""

from __future__ import annotations

import logging
import re
import smtplib
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from mailgateway import identity
from mailgateway.addresses import is_ours, our_addresses
from mailgateway.outbound.compose import ACCOUNT_KINDS, AGENT_KINDS, Draft, Kind
from mailgateway.outbound.models import (
    RECIPIENT_DONE,
    SENDABLE,
    OutboundMail,
    OutboundStatus,
    RecipientState,
    Suppression,
)
from mailgateway.outbound.transport import send_raw
from tickets import access
from tickets.models import Ticket

logger = logging.getLogger(__name__)

# Addresses that never read mail: automatic mail to them only feeds loops (MAIL.md).
_NO_REPLY = re.compile(
    r"^(mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?|"
    r"auto[-_.]?reply|autoresponder|daemon|nobody)([+@-]|$)",
    re.IGNORECASE,
)
MAX_BACKOFF = timedelta(hours=1)
ACKNOWLEDGEMENT = Kind.ACKNOWLEDGEMENT
# Mail outside the loop limits on customers and strangers: they have limits of their own.
OWN_LIMIT_KINDS = AGENT_KINDS | ACCOUNT_KINDS | {Kind.AGENT_DIGEST}
# Rows that count as mail gone out (or about to) for the rate limits.
NOT_COUNTED = (OutboundStatus.WITHHELD, OutboundStatus.HELD, OutboundStatus.DIGESTED)


class Withheld(Exception):
    """Why a mail is not sent; the reason is shown where the mail would have been."""


class Held(Withheld):
    """An agent's notification past his per-minute limit: it waits for the next digest."""


def suppressed(addresses: list[str]) -> set[str]:
    now = timezone.now()
    lowered = [a.lower() for a in addresses]
    return set(
        Suppression.objects.filter(address__in=lowered, expires_at__gt=now).values_list(
            "address", flat=True
        )
    )


def _check_recipients(row: OutboundMail) -> list[str]:
    """The recipients that may be mailed; raises Withheld when none may."""
    ours = our_addresses()
    default_sender = settings.DEFAULT_FROM_EMAIL.lower()
    blocked = suppressed(row.recipients)
    allowed = []
    reasons = []
    for address in row.recipients:
        if not address:
            reasons.append("empty address")
        elif is_ours(address, ours) or address.lower() == default_sender:
            reasons.append(f"{address} is one of our own addresses")
        elif address.lower() in blocked:
            reasons.append(f"{address} is suppressed after a permanent bounce")
        elif row.automatic and _NO_REPLY.match(address.rpartition("@")[0] + "@"):
            reasons.append(f"{address} does not read mail")
        else:
            allowed.append(address)
    if not allowed:
        raise Withheld("; ".join(reasons))
    return allowed


def _check_rate(row: OutboundMail) -> None:
    """The backstop against loops that detection missed (MAIL.md): automatic mail to
    customers and strangers only (agents' notifications and account mail have their own).

    Counts the automatic mail queued before this one and not withheld: to the same
    address within its window, and about the same ticket within ten minutes. One query;
    both counts stay small, since the limits themselves cap them.
    """
    if not row.automatic or row.kind in OWN_LIMIT_KINDS:
        return
    to_address = Q(
        rate_address=row.rate_address,
        created_at__gt=row.created_at - timedelta(minutes=settings.MAIL_RATE_RECIPIENT_MINUTES),
    )
    on_ticket = (
        Q(ticket_id=row.ticket_id, created_at__gt=row.created_at - timedelta(minutes=10))
        if row.ticket_id is not None
        else Q(pk__in=[])
    )
    counts = (
        OutboundMail.objects.filter(automatic=True, pk__lt=row.pk)
        .exclude(status__in=NOT_COUNTED)
        .exclude(kind__in=OWN_LIMIT_KINDS)
        .filter(to_address | on_ticket)
        .aggregate(
            to_address=Count("pk", filter=to_address), on_ticket=Count("pk", filter=on_ticket)
        )
    )
    if counts["to_address"] >= settings.MAIL_RATE_RECIPIENT_LIMIT:
        raise Withheld(
            f"rate limit: {counts['to_address']} automatic mails to {row.rate_address} lately"
        )
    if counts["on_ticket"] >= settings.MAIL_RATE_TICKET_LIMIT:
        raise Withheld(f"rate limit: {counts['on_ticket']} automatic mails on this ticket lately")


def _count_before(row: OutboundMail, kinds, window: timedelta, limit: int) -> int:
    """Mail of these kinds to the row's address, queued before it within the window and
    not held back; stops counting at the limit (one indexed query, outbound_rate)."""
    return (
        OutboundMail.objects.filter(
            kind__in=kinds,
            rate_address=row.rate_address,
            created_at__gt=row.created_at - window,
            pk__lt=row.pk,
        )
        .exclude(status__in=NOT_COUNTED)[:limit]
        .count()
    )


def _check_agent_rate(row: OutboundMail) -> None:
    """An agent gets at most MAIL_RATE_AGENT_PER_MINUTE notifications a minute; the rest
    are held for one digest (issue 14): never lost, never a flood."""
    if row.kind not in AGENT_KINDS:
        return
    limit = settings.MAIL_RATE_AGENT_PER_MINUTE
    kinds = AGENT_KINDS | {Kind.AGENT_DIGEST}
    if _count_before(row, kinds, timedelta(minutes=1), limit) >= limit:
        raise Held(f"more than {limit} notifications within a minute: held for a digest")


def _check_account_rate(row: OutboundMail) -> None:
    """Mail a person asked for (password reset, verification, invitation) is outside the
    loop limits, with a small cap of its own per account and hour (issue 14)."""
    if row.kind not in ACCOUNT_KINDS:
        return
    limit = settings.MAIL_RATE_ACCOUNT_PER_HOUR
    count = _count_before(row, ACCOUNT_KINDS, timedelta(hours=1), limit)
    if count >= limit:
        raise Withheld(f"rate limit: {count} account mails to {row.rate_address} within an hour")


def _check_flood(row: OutboundMail) -> None:
    """Many new tickets from one sender within an hour: stop acknowledging them (MAIL.md)."""
    if row.kind != ACKNOWLEDGEMENT or row.ticket is None:
        return
    ticket = row.ticket
    opened = Ticket.objects.filter(
        requester_id=ticket.requester_id,
        created_at__gt=ticket.created_at - timedelta(hours=1),
        created_at__lte=ticket.created_at,
    )[: settings.MAIL_ACK_TICKETS_PER_HOUR + 1].count()
    if opened > settings.MAIL_ACK_TICKETS_PER_HOUR:
        logger.error(
            "acknowledgements stopped: %s opened more than %s tickets within an hour",
            row.rate_address,
            settings.MAIL_ACK_TICKETS_PER_HOUR,
        )
        raise Withheld(
            f"acknowledgements stopped: more than {settings.MAIL_ACK_TICKETS_PER_HOUR} new "
            "tickets from this sender within an hour"
        )


def _check(row: OutboundMail) -> None:
    """Everything that may stop a mail, decided when it leaves (the latest state counts:
    a bounce that came back meanwhile, the recipient's access, the rate limits)."""
    if (
        row.recipient is not None
        and row.ticket is not None
        and not access.can_see(row.recipient, row.ticket)
    ):
        raise Withheld("the recipient no longer has access")
    row.recipients = _check_recipients(row)
    _check_rate(row)
    _check_agent_rate(row)
    _check_account_rate(row)
    _check_flood(row)


def queue(draft: Draft) -> OutboundMail:
    """Writes the mail into the outbox, in the caller's transaction: one insert.

    Whether it may go out (suppressed or own addresses, rate limits, the recipient's
    access) is decided when it is sent; a mail that must not go is kept as a withheld row
    with its reason, so that agents see why a customer got nothing.
    """
    now = timezone.now()
    recipients = list(draft.recipients)
    return OutboundMail.objects.create(
        kind=draft.kind,
        ticket=draft.ticket,
        ticket_message=draft.message,
        recipient=draft.recipient,
        sender=draft.sender,
        recipients=recipients,
        rate_address=(recipients[0] if recipients else "").lower(),
        subject=str(draft.subject)[:998],
        message_id=draft.message_id,
        mime=draft.as_bytes(),
        automatic=draft.automatic,
        status=OutboundStatus.QUEUED,
        created_at=now,
        updated_at=now,
    )


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _claim(pk: int) -> OutboundMail | None:
    """Marks the row as being sent, so that no second worker sends it at the same time."""
    with transaction.atomic():
        row = (
            OutboundMail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("ticket", "recipient")
            .filter(pk=pk, status__in=SENDABLE)
            .first()
        )
        if row is None:
            return None
        if row.next_attempt_at and row.next_attempt_at > timezone.now():
            return None
        try:
            _check(row)
        except Held as reason:
            logger.info("outbound %s held for a digest: %s", row.pk, reason)
            _finish(row, OutboundStatus.HELD, str(reason))
            return None
        except Withheld as reason:
            logger.info("outbound %s withheld: %s", row.pk, reason)
            _finish(row, OutboundStatus.WITHHELD, str(reason))
            return None
        row.status = OutboundStatus.SENDING
        row.attempts += 1
        row.updated_at = timezone.now()
        row.save(update_fields=["status", "attempts", "updated_at", "recipients"])
        return row


def _finish(row: OutboundMail, status: str, error: str = "") -> None:
    now = timezone.now()
    row.status = status
    row.last_error = error[:4000]
    row.updated_at = now
    if status == OutboundStatus.SENT:
        row.sent_at = now
        row.next_attempt_at = None
    row.save(update_fields=["status", "last_error", "updated_at", "sent_at", "next_attempt_at"])


def _defer(row: OutboundMail, error: str) -> None:
    give_up = row.created_at + timedelta(hours=settings.MAIL_RETRY_HOURS)
    if timezone.now() >= give_up:
        _finish(row, OutboundStatus.FAILED, f"gave up after {row.attempts} attempts: {error}")
        return
    row.next_attempt_at = timezone.now() + _backoff(row.attempts)
    _finish(row, OutboundStatus.DEFERRED, error)


def _reply_text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def classify_failure(exc: Exception, recipients: list[str]) -> tuple[bool, dict[str, str]]:
    """(permanent?, {address: reason} to suppress) for an error of the mail backend.

    Only the recipient's side is permanent: refused recipients (5xx), or a 5xx to the
    content naming a bad mailbox (5.1.x). Our side (authentication, a refused sender,
    an expired token, a network problem) is temporary: retried, never suppressing.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = {
            address: f"{code} {_reply_text(text)}"
            for address, (code, text) in exc.recipients.items()
            if 500 <= code < 600
        }
        return bool(refused), refused
    if isinstance(exc, (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused)):
        return False, {}
    if isinstance(exc, smtplib.SMTPResponseException) and 500 <= exc.smtp_code < 600:
        text = _reply_text(exc.smtp_error)
        bad_mailbox = text.lstrip().startswith("5.1.")
        return True, ({a: f"{exc.smtp_code} {text}" for a in recipients} if bad_mailbox else {})
    return False, {}


def deliver(pk: int) -> str:
    """Sends one outbox row; returns its new status. Safe to call twice for one row.

    Delivery is recorded per recipient (issue 18): a recipient the server accepted is never
    sent the mail again; one refused for now (4xx, greylisting) is tried again alone, with
    back-off, until MAIL_RETRY_HOURS; one refused for good (5xx) is bounced and suppressed,
    for that recipient only."""
    row = _claim(pk)
    if row is None:
        return "skipped"
    pending = [a for a in row.recipients if row.recipient_state(a) not in RECIPIENT_DONE]
    if not pending:  # all done before a worker died: only the row's status is left
        _settle(row)
        return row.status
    try:
        refused = send_raw(bytes(row.mime), sender=envelope_sender(row), recipients=pending)
    except smtplib.SMTPRecipientsRefused as exc:  # every recipient refused
        refused = exc.recipients
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        permanent, suppress = classify_failure(exc, pending)
        if permanent:
            with transaction.atomic():
                _recipients_set(row, pending, RecipientState.FAILED, error)
                _finish(row, OutboundStatus.FAILED, error)
                for address, reason in suppress.items():
                    suppression_add(address=address, reason=reason, outbound=row)
            logger.warning("outbound %s failed permanently: %s", row.pk, error)
        else:
            with transaction.atomic():
                _recipients_set(row, pending, RecipientState.DEFERRED, error)
                _settle(row)
            log = logger.info if isinstance(exc, OSError | smtplib.SMTPException) else logger.error
            log("outbound %s deferred: %s", row.pk, error)
        return row.status
    with transaction.atomic():
        for address in pending:
            if address not in refused:
                _recipients_set(row, [address], RecipientState.SENT, "")
                continue
            code, text = refused[address]
            reply = f"{code} {_reply_text(text)}"
            if 500 <= code < 600:
                _recipients_set(row, [address], RecipientState.BOUNCED, reply)
                suppression_add(address=address, reason=reply, outbound=row)
            else:
                _recipients_set(row, [address], RecipientState.DEFERRED, reply)
        _settle(row)
    if refused:
        logger.info("outbound %s: refused recipients %s", row.pk, refused)
    return row.status


def _recipients_set(row: OutboundMail, addresses: list[str], state: str, detail: str) -> None:
    now = timezone.now().isoformat()
    for address in addresses:
        row.recipient_states[address] = {"state": str(state), "detail": detail[:500], "at": now}


def _settle(row: OutboundMail) -> None:
    """The row's status from its recipients': deferred while one waits for another try
    (failed for it past MAIL_RETRY_HOURS), then sent when the server took it for anyone,
    failed when for no one."""
    waiting = [
        address
        for address, entry in row.recipient_states.items()
        if entry["state"] == RecipientState.DEFERRED
    ]
    if waiting:
        details = {row.recipient_states[a]["detail"] for a in waiting}
        error = (
            details.pop()  # one reason for all: the server, not a recipient
            if len(details) == 1 and len(waiting) == len(row.recipient_states)
            else "; ".join(f"{a}: {row.recipient_states[a]['detail']}" for a in waiting)
        )
        if timezone.now() < row.created_at + timedelta(hours=settings.MAIL_RETRY_HOURS):
            row.save(update_fields=["recipient_states"])
            _defer(row, error)
            return
        _recipients_set(row, waiting, RecipientState.FAILED, f"gave up: {error}")
    states = {entry["state"] for entry in row.recipient_states.values()}
    refused = "; ".join(
        f"{address}: {entry['detail']}"
        for address, entry in row.recipient_states.items()
        if entry["state"] != RecipientState.SENT
    )
    row.save(update_fields=["recipient_states"])
    _finish(
        row,
        OutboundStatus.SENT if RecipientState.SENT in states else OutboundStatus.FAILED,
        refused,
    )


def suppression_add(*, address: str, reason: str, outbound: OutboundMail | None = None) -> None:
    """Stops mail to an address for MAIL_SUPPRESSION_DAYS (a permanent bounce)."""
    now = timezone.now()
    Suppression.objects.update_or_create(
        address=address.lower(),
        defaults={
            "reason": reason[:2000],
            "created_at": now,
            "expires_at": now + timedelta(days=settings.MAIL_SUPPRESSION_DAYS),
            "outbound": outbound,
        },
    )


def bounces_record(
    *,
    message_ids: Sequence[str] = (),
    outbound_ids: Sequence[int] = (),
    addresses: list[str],
    reason: str,
) -> int:
    """A delivery report proved it is about these mails of ours (a signed Message-ID it
    returns, or the VERP address it came to): each is marked bounced, and of the addresses
    the report says failed permanently, those that were recipients of one of them are
    suppressed; an address only named in the report is never (docs/mail-trust.md rule 8).
    Returns the mails marked."""
    found = Q(message_id__in=list(message_ids)) | Q(pk__in=list(outbound_ids))
    rows = list(OutboundMail.objects.filter(found)) if message_ids or outbound_ids else []
    for row in rows:
        row.status = OutboundStatus.BOUNCED
        row.last_error = reason[:4000]
        row.updated_at = timezone.now()
        row.save(update_fields=["status", "last_error", "updated_at"])
    for address in dict.fromkeys(a.lower() for a in addresses):
        sent = next((r for r in rows if address in {x.lower() for x in r.recipients}), None)
        if sent is not None:
            suppression_add(address=address, reason=reason, outbound=sent)
    return len(rows)


def envelope_sender(row: OutboundMail) -> str:
    """The SMTP MAIL FROM of a mail: with MAIL_BOUNCE_ADDRESS set, a VERP address signed
    for this very mail (bounces+o311-<signature>@...), so that a delivery report sent back
    to it names the mail it is about; else the sender the mail was composed with."""
    if settings.MAIL_BOUNCE_ADDRESS:
        return identity.bounce_address(settings.MAIL_BOUNCE_ADDRESS, row.pk)
    return row.sender


def stuck() -> list[int]:
    """Rows a lost task or a dead worker left behind, ready to be enqueued again."""
    now = timezone.now()
    rows = list(
        OutboundMail.objects.filter(
            Q(status=OutboundStatus.QUEUED, updated_at__lt=now - timedelta(minutes=2))
            | Q(status=OutboundStatus.DEFERRED, next_attempt_at__lte=now)
            | Q(status=OutboundStatus.SENDING, updated_at__lt=now - timedelta(minutes=10))
        ).values_list("pk", "status")[:500]
    )
    dead = [pk for pk, status in rows if status == OutboundStatus.SENDING]
    if dead:
        # The worker died mid-send: the server never confirmed, so the mail goes again.
        OutboundMail.objects.filter(pk__in=dead, status=OutboundStatus.SENDING).update(
            status=OutboundStatus.QUEUED, updated_at=now
        )
    return [pk for pk, _status in rows]
