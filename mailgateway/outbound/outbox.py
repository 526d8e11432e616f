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
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mailgateway.outbound.compose import Draft
from mailgateway.outbound.models import SENDABLE, OutboundMail, OutboundStatus, Suppression
from mailgateway.outbound.transport import send_raw
from tickets import access
from tickets.models import Department, DepartmentAddress

logger = logging.getLogger(__name__)

# Addresses that never read mail: automatic mail to them only feeds loops (MAIL.md).
_NO_REPLY = re.compile(
    r"^(mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?|"
    r"auto[-_.]?reply|autoresponder|daemon|nobody)([+@-]|$)",
    re.IGNORECASE,
)
MAX_BACKOFF = timedelta(hours=1)


class Withheld(Exception):
    """Why a mail is not sent; the reason is shown where the mail would have been."""


def _our_addresses() -> set[str]:
    addresses = set(DepartmentAddress.objects.values_list("address", flat=True))
    addresses |= set(
        Department.objects.exclude(sender_address="").values_list("sender_address", flat=True)
    )
    addresses.add(settings.DEFAULT_FROM_EMAIL)
    return {a.lower() for a in addresses}


def _is_ours(address: str, ours: set[str]) -> bool:
    local, _, domain = address.lower().rpartition("@")
    return address.lower() in ours or f"{local.split('+')[0]}@{domain}" in ours


def suppressed(addresses: list[str]) -> set[str]:
    now = timezone.now()
    lowered = [a.lower() for a in addresses]
    return set(
        Suppression.objects.filter(address__in=lowered, expires_at__gt=now).values_list(
            "address", flat=True
        )
    )


def _check_recipients(draft: Draft) -> list[str]:
    """The recipients that may be mailed; raises Withheld when none may."""
    ours = _our_addresses()
    blocked = suppressed(draft.recipients)
    allowed = []
    reasons = []
    for address in draft.recipients:
        if not address:
            reasons.append("empty address")
        elif _is_ours(address, ours):
            reasons.append(f"{address} is one of our own addresses")
        elif address.lower() in blocked:
            reasons.append(f"{address} is suppressed after a permanent bounce")
        elif draft.automatic and _NO_REPLY.match(address.rpartition("@")[0] + "@"):
            reasons.append(f"{address} does not read mail")
        else:
            allowed.append(address)
    if not allowed:
        raise Withheld("; ".join(reasons))
    return allowed


def _check_rate(draft: Draft, recipients: list[str]) -> None:
    """The backstop against loops that detection missed (MAIL.md): automatic mail only."""
    if not draft.automatic:
        return
    now = timezone.now()
    automatic = OutboundMail.objects.filter(automatic=True).exclude(status=OutboundStatus.WITHHELD)
    recent = automatic.filter(
        rate_address=recipients[0].lower(),
        created_at__gt=now - timedelta(minutes=settings.MAIL_RATE_RECIPIENT_MINUTES),
    )[: settings.MAIL_RATE_RECIPIENT_LIMIT].count()
    if recent >= settings.MAIL_RATE_RECIPIENT_LIMIT:
        raise Withheld(f"rate limit: {recent} automatic mails to {recipients[0]} lately")
    if draft.ticket is not None:
        per_ticket = automatic.filter(
            ticket=draft.ticket, created_at__gt=now - timedelta(minutes=10)
        )[: settings.MAIL_RATE_TICKET_LIMIT].count()
        if per_ticket >= settings.MAIL_RATE_TICKET_LIMIT:
            raise Withheld(f"rate limit: {per_ticket} automatic mails on this ticket lately")


def queue(draft: Draft) -> OutboundMail:
    """Writes the mail into the outbox, in the caller's transaction.

    A mail that must not go out (suppressed or own address, rate limit) is kept as a
    withheld row with its reason, so that agents see why a customer got nothing.
    """
    now = timezone.now()
    status, error, recipients = OutboundStatus.QUEUED, "", list(draft.recipients)
    try:
        recipients = _check_recipients(draft)
        _check_rate(draft, recipients)
    except Withheld as reason:
        status, error = OutboundStatus.WITHHELD, str(reason)
        logger.info("outbound %s withheld: %s", draft.kind, reason)
    row = OutboundMail.objects.create(
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
        status=status,
        last_error=error,
        created_at=now,
        updated_at=now,
    )
    return row


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
        if row.recipient is not None and row.ticket is not None:
            # Recipients' access is checked when the mail leaves, not only when queued.
            visible = access.can_see(row.recipient, row.ticket)
            if not visible:
                _finish(row, OutboundStatus.WITHHELD, "the recipient no longer has access")
                return None
        row.status = OutboundStatus.SENDING
        row.attempts += 1
        row.updated_at = timezone.now()
        row.save(update_fields=["status", "attempts", "updated_at"])
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
    """Sends one outbox row; returns its new status. Safe to call twice for one row."""
    row = _claim(pk)
    if row is None:
        return "skipped"
    try:
        send_raw(bytes(row.mime), sender=row.sender, recipients=list(row.recipients))
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        permanent, suppress = classify_failure(exc, list(row.recipients))
        if permanent:
            with transaction.atomic():
                _finish(row, OutboundStatus.FAILED, error)
                for address, reason in suppress.items():
                    suppression_add(address=address, reason=reason, outbound=row)
            logger.warning("outbound %s failed permanently: %s", row.pk, error)
        else:
            _defer(row, error)
            log = logger.info if isinstance(exc, OSError | smtplib.SMTPException) else logger.error
            log("outbound %s deferred: %s", row.pk, error)
        return row.status
    _finish(row, OutboundStatus.SENT)
    return row.status


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


def bounces_record(*, message_ids: list[str], addresses: list[str], reason: str) -> int:
    """A delivery report returned these mails of ours: each is marked bounced, and the
    addresses that failed permanently are suppressed. Returns the mails marked."""
    rows = list(OutboundMail.objects.filter(message_id__in=message_ids)) if message_ids else []
    for row in rows:
        row.status = OutboundStatus.BOUNCED
        row.last_error = reason[:4000]
        row.updated_at = timezone.now()
        row.save(update_fields=["status", "last_error", "updated_at"])
    for address in addresses:
        suppression_add(address=address, reason=reason, outbound=rows[0] if rows else None)
    return len(rows)


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
