"""Filing one inbound mail through the ticket services (MAIL.md rule 9, docs/mail-trust.md):
a new ticket, an addition to the ticket it threads to, or, for an unknown sender, none.
The pipeline decides which; an agent accepting rejected mail opens a ticket the same way.
"""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import customer_get_or_create
from helpdesk.errors import ServiceError
from mailgateway import notices
from mailgateway.addresses import is_ours
from mailgateway.classify import AUTOMATIC, Classification, has_null_return_path
from mailgateway.convert import mail_threading, ticket_content
from mailgateway.errors import OperatorError
from mailgateway.language import mail_language
from mailgateway.models import InboundMail, InboundStatus
from mailgateway.outcome import Outcome
from mailgateway.parse import LIMIT_DEFECTS, ParsedMail
from mailgateway.route import Thread, user_for
from mailgateway.senders import (
    ADDRESS_IN_NAME,
    GROUP,
    INVALID_ADDRESS,
    NO_ADDRESS,
    SEVERAL_ADDRESSES,
    SEVERAL_FROM,
)
from mailgateway.trust import agent_proof, customer_proof
from tickets import access, services
from tickets.models import Channel, Department, MailPolicy, Ticket

# Copied people who join a ticket from one mail (MAIL.md rule 9: "with a cap").
COPIED_MAX = 10
# Automatic mail that may add to a ticket (never reopening it); bounces and receipts
# become internal notes, out-of-office replies never open a ticket.
ADDS_QUIETLY = (Classification.AUTO_REPLY, Classification.OUT_OF_OFFICE, Classification.BULK)

logger = logging.getLogger("mailgateway")


def mail_open(
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
            notices.sender_rejected(
                mail=mail, parsed=parsed, kind=kind, reason=reason, department=department
            )
            return Outcome(InboundStatus.REJECTED, reason, department=department)
        user, _created = customer_get_or_create(
            email=sender, name=parsed.from_name, language=mail_language(parsed)
        )
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
    return Outcome(InboundStatus.DONE, ticket=ticket, message=message, department=department)


def mail_append(
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
    to him; without it, an internal note marked "unverified sender", and the agent is
    told (after the commit, by the note's event).
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
                logger.warning(
                    "unverified mail %s from agent %s filed as a note on ticket %s",
                    mail.pk, user.pk, ticket.number,
                )  # fmt: skip
                message = services.note_add(
                    actor=None, ticket=ticket, body_text=_unverified_note(parsed, text),
                    attachments=attachments, channel=Channel.EMAIL,
                    message_id=parsed.message_id, unverified_agent=user,
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
    return Outcome(InboundStatus.DONE, ticket=ticket, message=message, department=ticket.department)


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


def unknown_sender(
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
