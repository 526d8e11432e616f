"""Processing one stored mail: parse, classify, route, thread, then the ticket services.

`inbound_process()` is what the Celery task runs. It is idempotent: the ticket message and
the raw row's `done` status commit in one transaction, and the row holds the unique link
to its message, so running it twice (a worker killed mid-way, a redelivered task) gives
one ticket message (MAIL.md no-loss rule 5). A failure is recorded on the row and never
stops other mail (rule 6).
"""

from __future__ import annotations

import logging
import traceback

import psycopg
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import customer_get_or_create
from helpdesk.errors import ActionNotAllowed, NotPermitted, ServiceError
from mailgateway import hooks
from mailgateway.addresses import is_ours, our_addresses
from mailgateway.classify import AUTOMATIC, Classification, classify, has_null_return_path
from mailgateway.convert import mail_threading, sender_address, ticket_content
from mailgateway.errors import OperatorError, SenderError, TooLarge
from mailgateway.models import FINAL_STATUSES, ErrorKind, InboundMail, InboundStatus
from mailgateway.outcome import Outcome
from mailgateway.parse import LIMIT_DEFECTS, ParsedMail, parse
from mailgateway.reports import report_file
from mailgateway.route import (
    Thread,
    delivery_addresses,
    department_for,
    thread_find,
    user_for,
)
from mailgateway.senders import (
    ADDRESS_IN_NAME,
    GROUP,
    INVALID_ADDRESS,
    NO_ADDRESS,
    SEVERAL_ADDRESSES,
    SEVERAL_FROM,
)
from mailgateway.store import HEAD_SCAN, raw_load
from mailgateway.trust import agent_proof, customer_proof
from tickets import access, services
from tickets.models import Channel, Department, MailPolicy, Ticket

logger = logging.getLogger("mailgateway")

# Copied people who join a ticket from one mail (MAIL.md rule 9: "with a cap").
COPIED_MAX = 10
# Automatic mail that may add to a ticket (never reopening it); bounces and receipts
# become internal notes, out-of-office replies never open a ticket.
ADDS_QUIETLY = (Classification.AUTO_REPLY, Classification.OUT_OF_OFFICE, Classification.BULK)


def inbound_process(*, mail_id: int) -> InboundMail:
    """Processes one stored mail; records the result (or the failure) on its row."""
    try:
        with transaction.atomic():
            mail = (
                InboundMail.objects.select_for_update(of=("self",))
                .annotate(first_copy=_first_copy())
                .get(pk=mail_id)
            )
            if mail.status in FINAL_STATUSES:
                return mail
            _commit_without_waiting_for_disk()
            outcome = _deliver(mail, raw_load(mail_id))
            _finish(mail, outcome)
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
    default = mail.mailbox.default_department if mail.mailbox_id else None
    department = department_for(delivery_addresses(mail, parsed), our_addresses(), default)
    with transaction.atomic():
        hooks.mail_too_large(mail=mail, parsed=parsed, kind=kind, department=department)


def _header_block(raw: bytes) -> bytes:
    head = raw[:HEAD_SCAN]
    ends = [end for end in (head.find(b"\r\n\r\n"), head.find(b"\n\n")) if end >= 0]
    return head[: min(ends)] + b"\n\n" if ends else head


def _first_copy() -> Subquery:
    """The earlier row of the same mail that already made a ticket message (rule 5),
    read in the same query that locks the row."""
    return Subquery(
        InboundMail.objects.filter(dedupe_key=OuterRef("dedupe_key"), message__isnull=False)
        .exclude(pk=OuterRef("pk"))
        .order_by("id")
        .values("pk")[:1]
    )


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
        hooks.mail_quarantined(mail_id=mail_id, reason=reason)
    return mail


def inbound_quarantine(*, mail_id: int, reason: str) -> None:
    """Gives up on a mail that kept failing: it waits in quarantine for an operator."""
    updated = InboundMail.objects.filter(pk=mail_id, status=InboundStatus.FAILED).update(
        status=InboundStatus.QUARANTINED, last_error=reason[:10000]
    )
    if updated:
        hooks.mail_quarantined(mail_id=mail_id, reason=reason)


def inbound_reprocess(*, mail_id: int) -> InboundMail:
    """An operator retries a failed or quarantined mail (admin button, reprocess_mail)."""
    InboundMail.objects.filter(
        pk=mail_id, status__in=(InboundStatus.FAILED, InboundStatus.QUARANTINED)
    ).update(status=InboundStatus.PENDING, last_error="", error_kind="")
    return inbound_process(mail_id=mail_id)


FINISH_FIELDS = [
    "status", "last_error", "error_kind", "attempts", "processed_at", "ticket", "message",
    "department", "duplicate_of", "classification", "from_email", "subject",
]  # fmt: skip


def _finish(mail: InboundMail, outcome: Outcome) -> None:
    mail.status = outcome.status
    mail.last_error = outcome.reason
    mail.error_kind = ""
    mail.attempts += 1
    mail.processed_at = timezone.now()
    mail.ticket = outcome.ticket
    mail.message = outcome.message
    mail.department = outcome.department or mail.department
    mail.duplicate_of = outcome.duplicate_of
    mail.save(update_fields=FINISH_FIELDS)
    for hook in outcome.hooks:
        hook()


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
    duplicate = (
        InboundMail.objects.get(pk=mail.first_copy) if getattr(mail, "first_copy", None) else None
    )
    if duplicate is not None:
        return Outcome(
            InboundStatus.IGNORED,
            _("The same mail was already received (#%(id)s).") % {"id": duplicate.pk},
            ticket=duplicate.ticket,
            duplicate_of=duplicate,
        )
    ours = our_addresses()
    addresses = delivery_addresses(mail, parsed)
    default = mail.mailbox.default_department if mail.mailbox_id else None
    department = department_for(addresses, ours, default)
    if kind in (Classification.BOUNCE, Classification.READ_RECEIPT):
        return report_file(mail, parsed, kind, addresses, department)
    if parsed.sender_problem:
        return _unknown_sender(parsed, department, addresses)
    sender = sender_address(parsed)
    if is_ours(sender, ours):
        return Outcome(InboundStatus.IGNORED, _("Sent from one of our own addresses."))
    user = user_for(sender)
    thread = thread_find(parsed, addresses)
    linked = None
    if thread is not None:
        if access.may_write(user, thread.ticket):
            return _append(mail, parsed, kind, user, thread, addresses, ours)
        linked = thread.ticket  # a stranger: a new ticket that points at it (rule 9)
    if kind == Classification.OUT_OF_OFFICE:
        return Outcome(InboundStatus.IGNORED, _("An out-of-office reply to none of our tickets."))
    if department is None:
        raise OperatorError(
            _("No department has any of the addresses %(addresses)s, and no default is set.")
            % {"addresses": ", ".join(addresses) or "-"}
        )
    return _open(mail, parsed, kind, user, sender, department, linked, ours)


def inbound_accept(*, actor: User, mail: InboundMail) -> Ticket:
    """An agent opens a ticket from mail his department rejected (issue 5, senders: kept
    and shown to agents as rejected). The sender gets a customer account if he has none,
    and the mail goes the pipeline's own way from there: the ticket message keeps the
    Message-ID and the attachments, people in Cc join, and the mail is marked done with
    its link to the message. The audit trail names the agent as the one who opened it.
    """
    with transaction.atomic():
        mail = (
            InboundMail.objects.select_for_update(of=("self",))
            .annotate(first_copy=_first_copy())
            .select_related("department")
            .get(pk=mail.pk)
        )
        if mail.status != InboundStatus.REJECTED:
            raise ActionNotAllowed(_("This mail was already dealt with."))
        department = mail.department
        if department is None or not access.can_work_department(actor, department):
            raise NotPermitted(_("You do not work in the department of this mail."))
        if mail.first_copy:
            first = InboundMail.objects.select_related("ticket").get(pk=mail.first_copy)
            _finish(
                mail,
                Outcome(
                    InboundStatus.IGNORED,
                    _("The same mail was already received (#%(id)s).") % {"id": first.pk},
                    ticket=first.ticket,
                    duplicate_of=first,
                ),
            )
            return first.ticket
        outcome = _accepted(
            mail, parse(raw_load(mail.pk), envelope_recipients=mail.envelope_recipients), actor
        )
        _finish(mail, outcome)
    return outcome.ticket


def _accepted(mail: InboundMail, parsed: ParsedMail, actor: User) -> Outcome:
    kind = classify(parsed, envelope_sender=mail.envelope_sender)
    if parsed.sender_problem:
        raise ActionNotAllowed(
            _(
                "The sender of this mail is ambiguous: it cannot become a customer's ticket. "
                "Open a ticket for the right customer yourself."
            )
        )
    try:
        sender = sender_address(parsed)
        user, _created = customer_get_or_create(email=sender, name=parsed.from_name)
        thread = thread_find(parsed, delivery_addresses(mail, parsed))
        linked = thread.ticket if thread is not None else None
        outcome = _open(
            mail, parsed, kind, user, sender, mail.department, linked, our_addresses(),
            accepted_by=actor,
        )  # fmt: skip
    except (SenderError, OperatorError) as exc:
        raise ActionNotAllowed(exc.reason) from exc
    except ServiceError as exc:
        raise ActionNotAllowed(exc.message) from exc
    if outcome.status != InboundStatus.DONE:
        raise ActionNotAllowed(outcome.reason)
    return outcome


def _open(
    mail: InboundMail,
    parsed: ParsedMail,
    kind: Classification,
    user: User | None,
    sender: str,
    department: Department,
    linked: Ticket | None,
    ours: dict,
    accepted_by: User | None = None,
) -> Outcome:
    if user is None:
        if department.mail_policy == MailPolicy.REGISTERED:
            reason = _(
                "%(address)s is not a registered customer, and %(department)s accepts "
                "mail from registered customers only."
            ) % {
                "address": sender,
                "department": department.name,
            }
            return Outcome(
                InboundStatus.REJECTED,
                reason,
                department=department,
                hooks=[
                    lambda: hooks.sender_rejected(
                        mail=mail, parsed=parsed, kind=kind, reason=reason, department=department
                    )
                ],
            )
        user, _created = customer_get_or_create(email=sender, name=parsed.from_name)
    if user.is_agent or not user.is_active:
        reason = (
            _("Agents answer tickets; they do not open them by mail.")
            if user.is_agent
            else _("The sender's account is deactivated.")
        )
        return Outcome(InboundStatus.REJECTED, reason, department=department)
    text, html, attachments = ticket_content(parsed)
    try:
        ticket = services.ticket_open_mail(
            actor=accepted_by or user,
            requester=user,
            department=department,
            subject=parsed.subject,
            body_text=text,
            body_html=html,
            attachments=attachments,
            linked_ticket=linked,
            # An auto-reply, a bounce-like or bulk mail: no acknowledgement, nobody told.
            mail=mail_threading(
                parsed,
                automatic=kind in AUTOMATIC or has_null_return_path(parsed, mail.envelope_sender),
            ),
        )
    except ServiceError as exc:
        raise OperatorError(str(exc)) from exc
    message = ticket.messages.get()
    _copied_join(ticket, parsed, user, sender, ours)
    _note_dropped(ticket, parsed)
    outcome = Outcome(InboundStatus.DONE, ticket=ticket, message=message, department=department)
    if kind in AUTOMATIC:
        outcome.hooks.append(lambda: hooks.automatic_mail_added(mail=mail, ticket=ticket))
    return outcome


def _append(
    mail: InboundMail,
    parsed: ParsedMail,
    kind: Classification,
    user: User,
    thread: Thread,
    addresses: list[str],
    ours: dict,
) -> Outcome:
    """Adds the mail to the ticket it threads to. What it may do there depends on its
    proof (docs/mail-trust.md): an agent's mail is his public reply only with proof bound
    to him; without it, an internal note marked "unverified sender" and the agent is told.
    A customer's mail found by the subject tag alone is marked unverified, and neither
    kind of unverified mail brings copied people into the ticket."""
    ticket = thread.ticket
    text, html, attachments = ticket_content(parsed)
    automatic = kind in ADDS_QUIETLY
    verified = True
    try:
        if user.is_agent:
            verified = agent_proof(parsed, addresses, user, ticket) is not None
            if not verified:
                message = services.note_add(
                    actor=None, ticket=ticket, body_text=_unverified_note(parsed, text),
                    attachments=attachments, channel=Channel.EMAIL,
                    message_id=parsed.message_id, sender_verified=False,
                )  # fmt: skip
            elif ticket.is_closed or kind != Classification.NORMAL:
                # An agent's auto-reply never answers the customer (MAIL.md loops 5).
                message = services.note_add(
                    actor=user, ticket=ticket, body_text=text, attachments=attachments,
                    channel=Channel.EMAIL, message_id=parsed.message_id,
                )  # fmt: skip
            else:
                message = services.reply_add(
                    actor=user, ticket=ticket, body_text=text, body_html=html,
                    attachments=attachments, channel=Channel.EMAIL,
                )  # fmt: skip
        else:
            verified = customer_proof(parsed, thread.found_by, user.email)
            if automatic and ticket.is_closed:
                message = services.note_add(
                    actor=None, ticket=ticket, body_text=text, attachments=attachments,
                    channel=Channel.EMAIL, message_id=parsed.message_id,
                    sender_verified=verified,
                )  # fmt: skip
            else:
                message = services.message_add_mail(
                    actor=user, ticket=ticket, body_text=text, body_html=html,
                    attachments=attachments,
                    mail=mail_threading(parsed, sender_verified=verified, automatic=automatic),
                )  # fmt: skip
    except ServiceError as exc:
        raise OperatorError(str(exc)) from exc
    ticket = message.ticket  # past the reopen window: a new, linked ticket
    if verified:
        _copied_join(ticket, parsed, user, parsed.from_email, ours)
    _note_dropped(ticket, parsed)
    outcome = Outcome(
        InboundStatus.DONE, ticket=ticket, message=message, department=ticket.department
    )
    if user.is_agent and not verified:
        outcome.hooks.append(lambda: hooks.agent_unverified(note=message, agent=user))
    if automatic:
        outcome.hooks.append(lambda: hooks.automatic_mail_added(mail=mail, ticket=ticket))
    return outcome


def _unverified_note(parsed: ParsedMail, text: str) -> str:
    head = _(
        "Unverified sender: this mail from %(address)s carried no proof that the agent "
        "wrote it. It was not sent to the customer."
    ) % {"address": parsed.from_email}
    return f"{head}\n\n{text}"


def _sender_problems() -> dict[str, str]:
    return {
        SEVERAL_FROM: _("the mail has more than one From header"),
        GROUP: _("its From header is a group"),
        SEVERAL_ADDRESSES: _("its From header holds more than one address"),
        ADDRESS_IN_NAME: _("the name in its From header is another address"),
        NO_ADDRESS: _("its From header holds no address"),
        INVALID_ADDRESS: _("its From header holds no valid address"),
    }


def _unknown_sender(
    parsed: ParsedMail, department: Department | None, addresses: list[str]
) -> Outcome:
    """An ambiguous From names nobody for sure (docs/mail-trust.md rule 7): the mail is
    added to no ticket and makes no account; agents find it among the rejected mail of
    the department, with the reason."""
    if department is None:
        raise OperatorError(
            _("No department has any of the addresses %(addresses)s, and no default is set.")
            % {"addresses": ", ".join(addresses) or "-"}
        )
    problem = _sender_problems().get(parsed.sender_problem, parsed.sender_problem)
    reason = _("Unknown sender: %(problem)s (%(from)s). The mail was added to no ticket.") % {
        "problem": problem,
        "from": parsed.from_email or "-",
    }
    return Outcome(InboundStatus.REJECTED, reason, department=department)


def _copied_join(ticket: Ticket, parsed: ParsedMail, author: User, sender: str, ours: dict) -> None:
    """People the requester or an agent put in To/Cc follow the ticket (MAIL.md rule 9)."""
    if not access.may_add_participants(author, ticket):
        return
    names = dict(parsed.to_names)
    copied = [
        address
        for address in dict.fromkeys([*parsed.to, *parsed.cc])
        if address and address != sender and not is_ours(address, ours)
    ][:COPIED_MAX]
    people = []
    for address in copied:
        person = user_for(address)
        if person is None and ticket.department.mail_policy == MailPolicy.ANYONE:
            try:
                person, _created = customer_get_or_create(
                    email=address, name=names.get(address, "")
                )
            except ServiceError:
                continue  # not a usable address: nobody to add
        if person is not None:
            people.append(person)
    if people:
        services.participants_add(actor=author, ticket=ticket, users=people)


def _note_dropped(ticket: Ticket, parsed: ParsedMail) -> None:
    """An attachment left out (over the limits) is said in a visible note (MAIL.md rule 6);
    so is a mail cut short at the parser's depth or part limits (rule 4, issue 14)."""
    cut = [defect for defect in parsed.defects if defect in LIMIT_DEFECTS]
    if cut:
        services.note_add(
            actor=None,
            ticket=ticket,
            body_text=_(
                "The mail was cut short at the parser's limits: %(defects)s. "
                "The complete original is kept with the received mail."
            )
            % {"defects": "; ".join(cut)},
            channel=Channel.EMAIL,
        )
    if parsed.dropped:
        services.note_add(
            actor=None,
            ticket=ticket,
            body_text=_("Left out of the mail, over the size limit: %(names)s")
            % {"names": ", ".join(parsed.dropped)},
            channel=Channel.EMAIL,
        )
